// The register: each row saves as soon as its mark is made. htmx sends the row's form and
// swaps in the row the server returns; this file only decides when to send it. Without
// JavaScript every row has its own Save button and the page works the same.
(function () {
  "use strict";
  var missesMinutes = { late: true, left_early: true };

  function save(form) {
    if (form.hasAttribute("data-needs-reason")) { return; }  // closed: the reason comes first
    if (typeof form.requestSubmit === "function") { form.requestSubmit(); }
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    var form = input.closest && input.closest(".register-row__form");
    if (!form) { return; }
    var chosen = form.querySelector("input[name=status]:checked");
    var minutes = form.querySelector("input[name=minutes_missed]");
    if (input.name === "status") {
      if (missesMinutes[input.value] && minutes && !minutes.value) {
        minutes.focus();  // late or left early: ask how long first
        return;
      }
      save(form);
    } else if (input.name === "minutes_missed" && chosen && missesMinutes[chosen.value] && input.value) {
      save(form);
    }
  });
})();
