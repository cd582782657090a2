// The report filters: typing a From/To date selects "Custom dates"; picking a preset period empties
// the dates, which would otherwise win (the server reads typed dates as a custom period).
(function () {
  "use strict";

  function wire(form) {
    var period = form.querySelector("select[name=period]");
    var dates = form.querySelectorAll("input[name=start], input[name=end]");
    if (!period || !dates.length) {
      return;
    }
    dates.forEach(function (input) {
      input.addEventListener("input", function () {
        period.value = "custom";
      });
    });
    period.addEventListener("change", function () {
      if (period.value !== "custom") {
        dates.forEach(function (input) {
          input.value = "";
        });
      }
    });
  }

  document.querySelectorAll("form.report-filters").forEach(wire);
})();
