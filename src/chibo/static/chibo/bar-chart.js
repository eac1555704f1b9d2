// Draws each `canvas[data-bar-chart]` as horizontal bars from the JSON script element it
// names ({"labels": […], "values": […], "label": "…"}); `data-percent` scales it 0–100 %.
// The same numbers are in the table under each chart.
(function () {
  "use strict";

  function drawOne(canvas) {
    var source = document.getElementById(canvas.dataset.barChart);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    if (!data.labels.length) return;
    var primary = getComputedStyle(document.documentElement)
      .getPropertyValue("--pico-primary").trim() || "#0172ad";
    var reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var percent = canvas.hasAttribute("data-percent");
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
        scales: {
          x: percent
            ? { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } }
            : { min: 0, ticks: { precision: 0 } }
        }
      }
    });
  }

  function draw() {
    if (typeof Chart === "undefined") return;
    document.querySelectorAll("canvas[data-bar-chart]").forEach(drawOne);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
