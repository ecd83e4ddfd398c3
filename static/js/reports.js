// Charts of the reports page, drawn with the locally served Chart.js from the JSON the page carries.
const COLORS = {
  email: "#3b5bdb", chat: "#0ca678", web: "#f08c00", api: "#868e96",
  catalog: "#ae3ec9", phone: "#e8590c", community: "#1098ad",
};
const LINE = { solved: "#212529", backlog: "#c92a2a", csat: "#2b8a3e", nps: "#5f3dc4", ces: "#e67700" };

function formatLabel(iso, granularity, locale) {
  const [y, m, d] = iso.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  const options = granularity === "month"
    ? { year: "numeric", month: "short", timeZone: "UTC" }
    : { month: "short", day: "numeric", timeZone: "UTC" };
  return new Intl.DateTimeFormat(locale, options).format(date);
}

function baseOptions(extra = {}) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: "index", intersect: false },
    plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
    ...extra,
  };
}

function volumeChart(canvas, data, labels, text) {
  const created = Object.entries(data.created).map(([channel, values]) => ({
    type: "bar", label: `${text.created} · ${text.channels[channel] || channel}`, data: values,
    backgroundColor: COLORS[channel] || "#adb5bd", stack: "created", order: 2,
  }));
  const solved = {
    type: "line", label: text.solved, data: data.solved, borderColor: LINE.solved,
    backgroundColor: LINE.solved, pointRadius: data.solved.length === 1 ? 4 : 2, order: 1,
  };
  return new window.Chart(canvas, {
    data: { labels, datasets: [...created, solved] },
    options: baseOptions({
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
    }),
  });
}

function backlogChart(canvas, data, labels, text) {
  return new window.Chart(canvas, {
    type: "line",
    data: {
      labels,
      datasets: [{
        label: text.backlog, data: data.backlog, borderColor: LINE.backlog,
        backgroundColor: "rgba(201, 42, 42, .12)", fill: true, pointRadius: data.backlog.length === 1 ? 4 : 2,
      }],
    },
    options: baseOptions({ scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }),
  });
}

function satisfactionChart(canvas, data, labels, text) {
  const line = (key, axis) => ({
    label: text[key], data: data[key], borderColor: LINE[key], backgroundColor: LINE[key],
    yAxisID: axis, spanGaps: true, pointRadius: 3,
  });
  return new window.Chart(canvas, {
    type: "line",
    data: { labels, datasets: [line("csat", "y"), line("nps", "y"), line("ces", "y2")] },
    options: baseOptions({
      scales: {
        y: { min: -100, max: 100, title: { display: true, text: text.percent } },
        y2: { position: "right", min: 1, max: 7, grid: { drawOnChartArea: false }, title: { display: true, text: text.effort } },
      },
    }),
  });
}

export function initReports() {
  const source = document.getElementById("report-data");
  if (!source || !window.Chart) return;
  const { chart, labels: text, locale } = JSON.parse(source.textContent);
  const labels = chart.labels.map((iso) => formatLabel(iso, chart.granularity, locale));
  const drawn = [];
  const targets = [
    ["chart-volume", volumeChart], ["chart-backlog", backlogChart], ["chart-satisfaction", satisfactionChart],
  ];
  for (const [id, draw] of targets) {
    const canvas = document.getElementById(id);
    if (canvas) drawn.push(draw(canvas, chart, labels, text));
  }
  document.querySelector(".reports-page")?.setAttribute("data-charts-ready", String(drawn.length));
}

initReports();
