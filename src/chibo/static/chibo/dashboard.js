// Draws the dashboard's two charts from the JSON the page carries (json_script). Each
// chart's numbers are also in a table below it, open when there is no JavaScript; once a
// chart is drawn its table folds away.
(function () {
  "use strict";

  function styleVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function show(canvas, config) {
    var box = canvas.closest("[data-chart]");
    box.hidden = false;
    new Chart(canvas, config);
    var numbers = box.parentElement.querySelector("details[data-chart-numbers]");
    if (numbers) numbers.open = false;
  }

  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var primary = styleVar("--pico-primary", "#0172ad");
    var text = styleVar("--pico-muted-color", "#646b79");
    Chart.defaults.color = text;
    Chart.defaults.font.family = styleVar("--pico-font-family", "system-ui, sans-serif");
    Chart.defaults.animation = reduced ? false : Chart.defaults.animation;
    Chart.defaults.maintainAspectRatio = false;
    // a phone has room for about four month labels, upright
    var ticks = window.innerWidth < 600
      ? { maxTicksLimit: 4, maxRotation: 0, autoSkipPadding: 8 }
      : { maxTicksLimit: 12, autoSkipPadding: 8 };

    var members = document.getElementById("chart-members");
    if (members) {
      show(members, {
        type: "line",
        data: {
          labels: data.members.labels,
          datasets: [{
            label: data.members.label,
            data: data.members.values,
            borderColor: primary,
            backgroundColor: primary,
            pointRadius: 2,
            tension: 0.2
          }]
        },
        options: {
          plugins: { legend: { display: false } },
          scales: { y: { ticks: { precision: 0 } }, x: { ticks: ticks } }
        }
      });
    }

    var flows = document.getElementById("chart-flows");
    if (flows) {
      show(flows, {
        type: "bar",
        data: {
          labels: data.flows.labels,
          datasets: [
            { label: data.flows.admittedLabel, data: data.flows.admitted, backgroundColor: "#2e8540" },
            { label: data.flows.removalsLabel, data: data.flows.removals, backgroundColor: "#c0392b" }
          ]
        },
        options: {
          plugins: { legend: { position: "bottom" } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: ticks } }
        }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
