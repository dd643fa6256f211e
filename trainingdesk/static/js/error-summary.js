// Moves focus to a form's error summary when the page shows one, as the GOV.UK pattern does,
// so that keyboard and screen-reader users start at the list of what to fix; otherwise to the
// page's message ("... will be sent again now"), so that it is read out.
(function () {
  "use strict";
  var target = document.querySelector(".error-summary[data-autofocus]") ||
    document.querySelector("[data-autofocus]");
  if (target) { target.focus(); }
})();
