// The booking form: only the payer block that applies is shown. Without this script both show,
// each under its own heading, and the form uses only the chosen payer's details.
(function () {
  "use strict";
  var choices = document.querySelectorAll("input[data-payer-choice]");
  var blocks = document.querySelectorAll("[data-payer-block]");
  if (!choices.length || !blocks.length) { return; }

  function show() {
    var chosen = document.querySelector("input[data-payer-choice]:checked");
    blocks.forEach(function (block) {
      // Nothing chosen yet: show both rather than hide what may be needed.
      block.hidden = Boolean(chosen) && block.getAttribute("data-payer-block") !== chosen.value;
    });
  }

  choices.forEach(function (choice) { choice.addEventListener("change", show); });
  show();
})();
