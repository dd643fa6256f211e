// Moves focus to a form's error summary when the page shows one, as the GOV.UK pattern does,
// so that keyboard and screen-reader users start at the list of what to fix.
(function () {
  "use strict";
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }
})();
