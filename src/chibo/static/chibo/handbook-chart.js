// Draws the handbook adoption of the units below as bars (share of members who have
// activated the handbook). The same numbers are in the table under the chart.
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("handbook-data");
    var canvas = document.getElementById("chart-handbook");
    if (!source || !canvas || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    if (!data.labels.length) return;
    var primary = getComputedStyle(document.documentElement)
      .getPropertyValue("--pico-primary").trim() || "#0172ad";
    var reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    canvas.closest("[data-chart]").hidden = false;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: data.label, data: data.values, backgroundColor: primary }]
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: reduced ? false : undefined,
        plugins: { legend: { display: false } },
        scales: { x: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } }
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
