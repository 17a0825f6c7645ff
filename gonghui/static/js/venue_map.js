// 阵地地图 (venues/map.html): the county boundaries come from the page's own JSON view (the pinned map
// package, decoded and renamed on the server); the points from the json_script block. No inline script,
// no tiles: everything is served by this site.
(function () {
  const el = document.getElementById("venue-map");
  if (!el) return;
  const data = JSON.parse(document.getElementById("map-data").textContent);
  const chart = echarts.init(el, null, {renderer: "canvas"});
  const font = "'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif";
  fetch(el.dataset.boundary, {credentials: "same-origin"})
    .then(r => { if (!r.ok) throw new Error("边界数据加载失败"); return r.json(); })
    .then(function (geo) {
      echarts.registerMap("venues", geo);
      const series = data.kinds.map(k => ({
        name: k.name,
        type: "scatter",
        coordinateSystem: "geo",
        symbolSize: 13,
        itemStyle: {color: k.color, borderColor: "#fff", borderWidth: 1.5},
        emphasis: {scale: 1.6},
        data: data.points.filter(p => p.kind === k.name),
      }));
      chart.setOption({
        animation: false,
        textStyle: {fontFamily: font},
        title: {text: data.title, left: 16, top: 10, textStyle: {fontSize: 26, fontFamily: font}},
        tooltip: {
          trigger: "item",
          textStyle: {fontSize: 16},
          formatter: p => p.seriesType === "scatter"
            ? `${p.data.name}<br>${p.seriesName} · ${p.data.county}<br>六有：${p.data.ok === true ? "达标" : p.data.ok === false ? "未达标" : "未检查"}`
            : p.name,
        },
        legend: {
          // Beside the map, not over it: no venue hides behind the legend.
          orient: "vertical", right: 16, top: 70, itemWidth: 22, itemHeight: 22, itemGap: 14,
          textStyle: {fontSize: 20, fontFamily: font},
          backgroundColor: "rgba(255,255,255,0.9)", borderColor: "#ccc", borderWidth: 1, padding: 12,
          formatter: name => `${name}（${data.points.filter(p => p.kind === name).length}）`,
        },
        geo: {
          map: "venues", roam: true, top: 60, bottom: 20, left: 20, right: 300,
          label: {show: true, fontSize: 18, color: "#333", fontFamily: font},
          itemStyle: {areaColor: "#f4f1e8", borderColor: "#7f8c8d", borderWidth: 1.5},
          emphasis: {label: {fontSize: 20}, itemStyle: {areaColor: "#fdebd0"}},
          select: {disabled: true},
        },
        series: series,
      });
      chart.on("click", p => { if (p.data && p.data.url) window.location.href = p.data.url; });
      el.dataset.ready = "1";
    })
    .catch(function (err) {
      el.textContent = err.message;
      el.dataset.ready = "error";
    });
  window.addEventListener("resize", () => chart.resize());
})();
