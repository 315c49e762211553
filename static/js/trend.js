// 指标趋势 (HQ): loads /api/hq/metrics/trend/ for the form's metric, months and stores and draws lines.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("trend-form");
  if (!form || !window.echarts) return;
  const now = new Date();
  const ym = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
  form.to.value = form.to.value || ym(now);
  form.from.value = form.from.value || ym(new Date(now.getFullYear(), now.getMonth() - 11, 1));
  const chart = echarts.init(document.getElementById("trend-chart"));
  async function load(ev) {
    if (ev) ev.preventDefault();
    const params = new URLSearchParams({metric: form.metric.value, from: form.from.value, to: form.to.value});
    const stores = [...form.stores.selectedOptions].map((o) => o.value);
    if (stores.length) params.set("stores", stores.join(","));
    const res = await fetch(`/api/hq/metrics/trend/?${params}`, {credentials: "same-origin"});
    const body = await res.json();
    const err = document.getElementById("trend-error");
    if (!res.ok) { err.textContent = body.detail || err.dataset.fallback; err.classList.remove("d-none"); return; }
    err.classList.add("d-none");
    const suffix = body.unit === "pct" ? "%" : "";
    chart.setOption({
      tooltip: {trigger: "axis", valueFormatter: (v) => v == null ? "—" : `${v}${suffix}`},
      legend: {top: 0}, grid: {left: 50, right: 20, top: 40, bottom: 30},
      xAxis: {type: "category", data: body.months},
      yAxis: {type: "value", name: body.label, axisLabel: {formatter: `{value}${suffix}`}},
      series: body.series.map((s, i) => ({name: s.name, type: "line", data: s.data, connectNulls: false,
        lineStyle: {width: i === 0 ? 3 : 1.5}, smooth: true})),
    }, true);
  }
  form.addEventListener("submit", load);
  load();
});
