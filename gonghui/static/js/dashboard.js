// The dashboard's charts (reports/dashboard.html): the data comes from the page's json_script block.
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const font = {fontSize: 15};
  const charts = [];
  function make(id, option) {
    const el = document.getElementById(id);
    if (!el) return;
    const chart = echarts.init(el, null, {renderer: "svg"});
    chart.setOption(Object.assign({animation: false, textStyle: font}, option));
    charts.push(chart);
  }
  if (data.bar) {
    make("bar", {
      tooltip: {trigger: "axis"},
      legend: {data: ["会员数完成率", "平均完成率"], textStyle: font, top: 0},
      grid: {left: 50, right: 70, bottom: 90, top: 40},
      xAxis: {type: "category", data: data.bar.names, axisLabel: {rotate: 30, fontSize: 14, interval: 0}},
      yAxis: {type: "value", name: "%"},
      series: [
        {name: "会员数完成率", type: "bar", data: data.bar.members, itemStyle: {color: "#2e86c1"},
         markLine: {symbol: "none", data: [{yAxis: data.bar.elapsed, name: "时间进度"}], label: {formatter: "时间进度\n{c}%", position: "end"}, lineStyle: {color: "#c0392b"}}},
        {name: "平均完成率", type: "bar", data: data.bar.score, itemStyle: {color: "#f0b27a"}},
      ],
    });
  }
  if (data.monthly) {
    make("line", {
      tooltip: {trigger: "axis"},
      grid: {left: 60, right: 20, bottom: 40, top: 30},
      xAxis: {type: "category", data: data.monthly.labels.map(l => l.slice(5) + "月")},
      yAxis: {type: "value", name: "人"},
      series: [{type: "line", data: data.monthly.net, label: {show: true}, itemStyle: {color: "#c0392b"}}],
    });
  }
  data.gauges.forEach(function (g, i) {
    // A rate per 10,000 has no natural top: the server's (twice the threshold), or above the value.
    const max = g.max ? Math.max(g.max, Math.ceil((g.value || 0) * 1.25)) : 100;
    const suffix = g.suffix || "%";
    const bands = g.threshold ? [[g.threshold / max, "#e74c3c"], [1, "#27ae60"]] : [[1, "#5dade2"]];
    make("gauge" + i, {
      series: [{
        type: "gauge", min: 0, max: max, radius: "92%", center: ["50%", "58%"],
        axisLine: {lineStyle: {width: 10, color: bands}},
        axisLabel: {show: false}, splitLine: {length: 8}, axisTick: {show: false},
        pointer: {width: 4},
        title: {show: false},
        detail: {valueAnimation: false, formatter: v => (v === null || v === undefined || Number.isNaN(v)) ? "—" : v + suffix, fontSize: suffix === "%" ? 22 : 17, fontWeight: "bold", offsetCenter: [0, "45%"]},
        data: [{value: g.value}],
      }],
    });
  });
  window.addEventListener("resize", () => charts.forEach(c => c.resize()));
  window.addEventListener("beforeprint", () => charts.forEach(c => c.resize()));
})();
