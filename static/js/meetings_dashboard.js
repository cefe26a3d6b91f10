/* The meetings dashboard's chart by month (templates/reports/meetings_dashboard.html).
 *
 * The figures come from the page's JSON block (json_script), the same as the table beside the
 * chart, which stays the accessible form. No inline script and no eval (the content security
 * policy forbids both); the height is set through the CSSOM, which the policy allows.
 */
(function () {
  "use strict";

  const source = document.getElementById("meetings-data");
  const box = document.querySelector('[data-chart-box="months"]');
  if (!source || !box || typeof window.Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const lang = document.documentElement.lang || "vi";
  const percent = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  box.style.height = "300px";
  window.Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
  window.Chart.defaults.animation = false;
  new window.Chart(box.querySelector("canvas"), {
    data: {
      labels: data.labels,
      datasets: [
        { type: "bar", label: data.names.regular, data: data.regular, backgroundColor: "#b3001b", stack: "m", yAxisID: "y" },
        { type: "bar", label: data.names.thematic, data: data.thematic, backgroundColor: "#fd7e14", stack: "m", yAxisID: "y" },
        { type: "line", label: data.names.rate, data: data.rate, borderColor: "#0d6efd", backgroundColor: "#0d6efd", yAxisID: "rate", spanGaps: true },
      ],
    },
    options: {
      maintainAspectRatio: false,
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: {
            label: function (item) {
              if (item.dataset.yAxisID === "rate") {
                return item.dataset.label + ": " + percent.format(item.raw) + " %";
              }
              return item.dataset.label + ": " + item.formattedValue;
            },
          },
        },
      },
      scales: {
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        rate: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } },
      },
    },
  });
})();
