// Draws the admissions of the period by occupation as bars. The same numbers are in the
// table under the chart.
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("recruitment-data");
    var canvas = document.getElementById("chart-recruitment");
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
        scales: { x: { min: 0, ticks: { precision: 0 } } }
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
