/* The progress dashboard's charts (templates/reports/dashboard.html).
 *
 * The figures come from the page's JSON block (Django's json_script), the same figures as the
 * tables next to each chart, which stay the accessible and printable form. No inline script and
 * no eval anywhere: the content security policy forbids both. Sizes are set through the CSSOM,
 * which the policy allows (a style attribute in the markup it would refuse).
 */
(function () {
  "use strict";

  const source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  const Chart = window.Chart;
  const data = JSON.parse(source.textContent);
  const lang = document.documentElement.lang || "vi";
  const number = new Intl.NumberFormat(lang);
  const percent = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  // Bootstrap's palette; the party red for this year.
  const COLORS = {
    not_started: "#ced4da",
    in_progress: "#ffc107",
    returned: "#fd7e14",
    submitted: "#0d6efd",
    decided: "#198754",
    on_time: "#198754",
    late_done: "#fd7e14",
    open_late: "#dc3545",
    open: "#ced4da",
    this_year: "#b3001b",
    last_year: "#adb5bd",
  };

  Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#495057";
  Chart.defaults.animation = false;
  Chart.defaults.plugins.legend.position = "bottom";
  Chart.defaults.plugins.legend.labels.boxWidth = 14;

  // Long unit and step names break into lines on the axis instead of being cut off.
  function wrapped(label, width) {
    const lines = [];
    let line = "";
    String(label).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    lines.push(line);
    return lines.length > 1 ? lines : label;
  }

  function sized(name, height) {
    const box = document.querySelector('[data-chart-box="' + name + '"]');
    if (!box) {
      return null;
    }
    box.style.height = height + "px";
    return box.querySelector("canvas");
  }

  function datasets(series) {
    return series.map(function (s) {
      return {
        key: s.key,
        label: s.label,
        data: s.data,
        counts: s.counts,
        backgroundColor: COLORS[s.key] || "#6c757d",
        borderWidth: 0,
        maxBarThickness: 28,
      };
    });
  }

  function draw(canvas, config) {
    if (!canvas) {
      return;
    }
    new Chart(canvas, config);
    canvas.dataset.rendered = "true";
  }

  // Horizontal stacked bars of counts, one bar per label; the tooltip adds the bar's share.
  function stacked(canvas, chart) {
    draw(canvas, {
      type: "bar",
      data: {
        labels: chart.labels.map(function (label) { return wrapped(label, 28); }),
        datasets: datasets(chart.series),
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: {
            stacked: true,
            beginAtZero: true,
            ticks: { precision: 0, callback: function (v) { return number.format(v); } },
          },
          y: { stacked: true, grid: { display: false } },
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: function (ctx) {
                const total = ctx.chart.data.datasets.reduce(function (sum, d) {
                  return sum + (d.data[ctx.dataIndex] || 0);
                }, 0);
                const share = total ? " (" + percent.format((100 * ctx.parsed.x) / total) + " %)" : "";
                return ctx.dataset.label + ": " + number.format(ctx.parsed.x) + share;
              },
            },
          },
        },
      },
    });
  }

  // Grouped bars of the share of each level, this year against last year.
  function levels(canvas, chart) {
    draw(canvas, {
      type: "bar",
      data: {
        labels: chart.labels.map(function (label) { return wrapped(label, 16); }),
        datasets: datasets(chart.series),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          y: {
            beginAtZero: true,
            suggestedMax: 100,
            ticks: { callback: function (v) { return number.format(v) + " %"; } },
          },
          x: { grid: { display: false } },
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: function (ctx) {
                const count = ctx.dataset.counts[ctx.dataIndex];
                return ctx.dataset.label + ": " + percent.format(ctx.parsed.y) + " % (" + number.format(count) + ")";
              },
            },
          },
        },
      },
    });
  }

  if (data.deadlines.labels.length) {
    stacked(sized("deadlines", 90 + 56 * data.deadlines.labels.length), data.deadlines);
  }
  if (data.units.labels.length) {
    stacked(sized("units", 90 + 34 * data.units.labels.length), data.units);
  }
  if (data.levels.series.length) {
    levels(sized("levels", 280), data.levels);
  }
})();
