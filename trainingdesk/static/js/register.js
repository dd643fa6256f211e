// The register: a row is saved when its Save button is pressed (or Enter in one of its fields),
// never as a choice is made, so that arrowing through the choices neither saves nor moves focus.
// htmx sends the row's form, swaps in the row the server returns (focus stays on the element
// of the same id) and updates the live region #register-announcer with "Saved: ...". This file
// only reads out a request that failed on the way, which htmx would otherwise leave silent.
// Without JavaScript each row's form posts and the page comes back at the row.
(function () {
  "use strict";

  function failed() {
    var announcer = document.getElementById("register-announcer");
    if (announcer) { announcer.textContent = announcer.getAttribute("data-failed") || ""; }
  }

  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:responseError", failed);
})();
