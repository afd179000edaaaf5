// Draws the results dashboard from the JSON the page embeds. Scores arrive as
// decimal strings; they are only turned into numbers for drawing.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { document.getElementById("charts-missing").hidden = false; return; }
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var names = data.towns.map(function (t) { return t.name; });
  var charts = [];

  function draw(id, option) {
    var chart = echarts.init(document.getElementById(id));
    chart.setOption(option);
    charts.push(chart);
    document.getElementById(id).dataset.ready = "1";
  }

  var passMark = data.pass_mark === null ? null : Number(data.pass_mark);
  // A town's total stays 暂定 (provisional) until every item is scored: said in the tooltip and the bar label,
  // and its bar drawn paler.
  var encode = echarts.format.encodeHTML;
  draw("chart-totals", {
    tooltip: {
      trigger: "axis",
      formatter: function (params) {
        var p = params[0];
        return encode(p.name) + "<br>总分 " + encode(p.data.total) + " 分<br>" + encode(p.data.status);
      }
    },
    grid: { left: 50, right: 30, bottom: 60 },
    xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value", max: 100, name: "分" },
    series: [{
      name: "总分", type: "bar",
      data: data.towns.map(function (t) {
        return {
          value: Number(t.total), total: t.total, status: t.status, final: t.final,
          itemStyle: { color: t.passed === false ? "#b3261e" : "#1f4e8c", opacity: t.final ? 1 : 0.55 }
        };
      }),
      label: {
        show: true, position: "top",
        formatter: function (p) { return p.data.final ? p.data.total : p.data.total + "\n暂定"; }
      },
      markLine: passMark === null ? undefined : {
        symbol: "none", lineStyle: { color: "#a66300", type: "dashed" },
        label: { formatter: "达标线 " + data.pass_mark },
        data: [{ yAxis: passMark }]
      }
    }]
  });

  draw("chart-sections", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + "%"; } },
    legend: { type: "scroll", top: 0 },
    grid: { left: 50, right: 30, top: 40, bottom: 40 },
    xAxis: { type: "category", data: data.sections.map(function (s) { return s.code + "." + s.title; }) },
    yAxis: { type: "value", max: 100, name: "得分率 %" },
    series: data.towns.map(function (t) {
      return {
        name: t.name, type: "bar",
        data: data.sections.map(function (s, i) { return Math.round(1000 * Number(t.sections[i]) / Number(s.points)) / 10; })
      };
    })
  });

  var running = 0;
  draw("chart-progress", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 50, right: 50, top: 40, bottom: 40 },
    xAxis: { type: "category", data: data.submitted_per_day.map(function (d) { return d.day; }) },
    yAxis: [{ type: "value", name: "当日" }, { type: "value", name: "累计" }],
    series: [
      { name: "当日提交", type: "bar", data: data.submitted_per_day.map(function (d) { return d.count; }) },
      { name: "累计提交", type: "line", yAxisIndex: 1,
        data: data.submitted_per_day.map(function (d) { running += d.count; return running; }) }
    ]
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
