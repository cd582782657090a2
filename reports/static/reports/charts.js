// Draws every <canvas data-chart="ID"> from the JSON in <script type="application/json" id="ID">
// (written by Django's json_script). No inline script: the pages work under a strict CSP.
(function () {
  "use strict";

  var PALETTE = ["#417690", "#ba2121", "#e0a800", "#5b8c5a", "#79aec8", "#8a6d3b"];

  function moneyTick(value) {
    return Number(value).toLocaleString("en-KE");
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var line = spec.type === "line";
    var chart = new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (dataset, index) {
          var colour = PALETTE[index % PALETTE.length];
          return {
            label: dataset.label,
            data: dataset.data,
            backgroundColor: colour,
            borderColor: colour,
            fill: false,
            tension: line ? 0.2 : 0
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: spec.datasets.length > 1 } },
        scales: {
          x: { stacked: spec.stacked },
          y: {
            stacked: spec.stacked,
            beginAtZero: true,
            ticks: spec.money ? { callback: moneyTick } : { precision: 0 }
          }
        }
      }
    });
    canvas.dataset.drawn = chart ? "true" : "false";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
