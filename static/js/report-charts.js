// 回访月报 charts: ECharts drawn from the page's json_script data (#report-charts).
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("report-charts");
  if (!el || !window.echarts) return;
  const data = JSON.parse(el.textContent);
  echarts.init(document.getElementById("chart-funnel")).setOption({
    tooltip: {}, grid: {left: 60, right: 20, top: 10, bottom: 30},
    xAxis: {type: "value"}, yAxis: {type: "category", data: data.funnel.labels.slice().reverse()},
    series: [{type: "bar", data: data.funnel.values.slice().reverse(), label: {show: true, position: "right"}}],
  });
  echarts.init(document.getElementById("chart-questions")).setOption({
    tooltip: {valueFormatter: (v) => v == null ? "—" : `${v}%`}, grid: {left: 40, right: 20, top: 10, bottom: 80},
    xAxis: {type: "category", data: data.questions.labels, axisLabel: {rotate: 30, interval: 0}},
    yAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
    series: [{type: "bar", data: data.questions.values}],
  });
  echarts.init(document.getElementById("chart-causes")).setOption({
    tooltip: {trigger: "item"}, legend: {bottom: 0},
    series: [{type: "pie", radius: ["35%", "65%"], data: data.causes}],
  });
});
