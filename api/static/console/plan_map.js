/* The plan's map: the courts and origin -> receiving lines drawn over the province's real county
   outlines (/console/static/geo/<province code>.json, vendored GeoJSON built by
   `assign network outlines`, regions keyed by 6-digit division code). The forum's own counties
   are shaded; a forum below the high court is framed on its courts. Without an outline file
   the courts are drawn on bare longitude/latitude axes. */
window.PlanMap = (function () {
  "use strict";
  const outlines = {};  // province code -> GeoJSON, or null when none ships

  async function outline(province) {
    if (!(province in outlines)) {
      const resp = await fetch(`/console/static/geo/${province}.json`);
      outlines[province] = resp.ok ? await resp.json() : null;
      if (outlines[province]) echarts.registerMap(province, outlines[province]);
    }
    return outlines[province];
  }

  function frame(located, scope) {
    // A high court's forum is its whole province; a lower forum is framed on its courts.
    if (scope.startsWith("H") || located.length === 0) return undefined;
    const lons = located.map((c) => c.lon), lats = located.map((c) => c.lat);
    const pad = 0.35;
    return [[Math.min(...lons) - pad, Math.max(...lats) + pad], [Math.max(...lons) + pad, Math.min(...lats) - pad]];
  }

  async function render(node, scope, courts, moves, shortName) {
    const province = scope.slice(1, 3) + "0000";
    const geo = await outline(province);
    const byCode = Object.fromEntries(courts.map((c) => [c.code, c]));
    const located = courts.filter((c) => c.lat !== null && c.lon !== null);
    const lines = moves.filter((m) => m.to && m.from && m.to !== m.from && byCode[m.to] && byCode[m.from])
      .map((m) => ({ coords: [[byCode[m.from].lon, byCode[m.from].lat], [byCode[m.to].lon, byCode[m.to].lat]],
        name: `${m.case_no}：${shortName(byCode[m.from].name)} → ${shortName(byCode[m.to].name)}` }));
    const point = (c) => ({ value: [c.lon, c.lat], name: shortName(c.name), level: c.level, code: c.code });
    const system = geo ? { coordinateSystem: "geo" } : {};
    const series = [
      { name: "法院", type: "scatter", ...system, data: located.map(point), zlevel: 1,
        symbolSize: (v, p) => (p.data.level === "basic" ? 8 : 14), itemStyle: { color: "#1f5fa8" },
        label: { show: true, position: "right", formatter: (p) => p.name, fontSize: 10, color: "#222" },
        labelLayout: { hideOverlap: true } },
      { name: "移送路线", type: "lines", coordinateSystem: geo ? "geo" : "cartesian2d", data: lines, zlevel: 2,
        lineStyle: { color: "#b71c1c", width: 2, curveness: 0.2, opacity: 0.8 },
        effect: { show: false }, symbol: ["circle", "arrow"], symbolSize: 8 },
    ];
    const common = { animation: false, legend: { data: ["法院", "移送路线"], top: 0, right: 10 },
      tooltip: { trigger: "item", formatter: (p) => echarts.format.encodeHTML(p.name || "") } };
    const chart = echarts.init(node);
    if (geo) {
      const names = Object.fromEntries(geo.features.map((f) => [f.properties.code, f.properties.name]));
      const own = new Set(courts.map((c) => c.code.slice(1)));
      chart.setOption({ ...common,
        tooltip: { trigger: "item", formatter: (p) => echarts.format.encodeHTML(
          p.componentType === "geo" ? names[p.name] || p.name : p.name || "") },
        geo: { map: province, nameProperty: "code", roam: true, top: 30, bottom: 10, boundingCoords: frame(located, scope),
          label: { show: false }, tooltip: { show: true },
          itemStyle: { areaColor: "#f1f3f5", borderColor: "#8a96a3", borderWidth: 0.6 },
          emphasis: { label: { show: false }, itemStyle: { areaColor: "#fff3c4" } },
          regions: geo.features.filter((f) => own.has(f.properties.code))
            .map((f) => ({ name: f.properties.code, itemStyle: { areaColor: "#dce8f6" } })) },
        series });
    } else {
      chart.setOption({ ...common, grid: { left: 50, right: 40, top: 40, bottom: 40 },
        xAxis: { type: "value", scale: true, name: "经度", splitLine: { lineStyle: { type: "dashed" } } },
        yAxis: { type: "value", scale: true, name: "纬度", splitLine: { lineStyle: { type: "dashed" } } },
        series });
    }
    node.dataset.outlines = geo ? String(geo.features.length) : "0";
    window.addEventListener("resize", () => chart.resize());
    return chart;
  }

  return { render };
})();
