// The job board reloads itself every data-refresh-seconds, so a wall screen follows the day.
// A script file, not <meta http-equiv="refresh">: the page says how to stop it ("Stop refreshing",
// WCAG 2.2.1; axe's meta-refresh rule is critical) and the CSP allows only same-origin script files.
(function () {
  "use strict";
  var meta = document.querySelector("[data-refresh-seconds]");
  var seconds = meta ? parseInt(meta.getAttribute("data-refresh-seconds"), 10) : 0;
  if (seconds > 0) {
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();
