// Tells the server the browser's time zone (a cookie read on the next page), and, where the
// page was drawn without it, writes each time in the viewer's zone beside the UK time.
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) { return; }
  var known = document.body.getAttribute("data-viewer-zone");
  if (!document.cookie.split("; ").some(function (c) { return c === "tz=" + encodeURIComponent(zone); })) {
    document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
  }
  if (known) { return; }  // the server already showed the viewer's zone
  var clock = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "numeric", minute: "2-digit", hour12: true });
  var day = new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "long", day: "numeric", month: "long" });
  document.querySelectorAll("[data-local-time]").forEach(function (slot) {
    var courseZone = slot.getAttribute("data-course-zone");
    if (courseZone === zone) { return; }
    var start = new Date(slot.getAttribute("data-start"));
    var finish = new Date(slot.getAttribute("data-finish"));
    // A viewer whose clock reads the same as UK time that day (UTC in winter) needs nothing more.
    var courseClock = new Intl.DateTimeFormat("en-GB", { timeZone: courseZone, hour: "numeric", minute: "2-digit", day: "numeric" });
    var viewerClock = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "numeric", minute: "2-digit", day: "numeric" });
    if (courseClock.format(start) === viewerClock.format(start)) { return; }
    slot.textContent = "Your time (" + zone.replace(/_/g, " ") + "): " + day.format(start) + ", " +
      clock.format(start).replace(" ", "").replace(":00", "") + " to " + clock.format(finish).replace(" ", "").replace(":00", "");
    slot.hidden = false;
  });
})();
