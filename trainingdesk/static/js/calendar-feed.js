// The calendar feed page: a "Copy the address" button, shown only where the browser can copy.
// Without JavaScript the address is in a read-only box to select and copy by hand.
(function () {
  "use strict";
  var button = document.getElementById("copy-calendar-feed");
  var field = document.getElementById("calendar-feed-address");
  var status = document.getElementById("copy-calendar-feed-status");
  if (!button || !field || !navigator.clipboard) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(function () {
      status.textContent = button.getAttribute("data-copied");
    }, function () {
      field.select();
    });
  });
})();
