/* The plan view: workload per court before/after (ECharts bars), the jurisdiction's courts with
   origin -> receiving lines (ECharts scatter + lines on lon/lat, no map tiles), the gap and the moves. */
(function () {
  "use strict";
  if (!Console.requireKey()) return;
  const { el, label, fmtDate } = Console;
  const shortName = (name) => name.replace(/^(.+?省|.+?自治区)/, "").replace("人民法院", "");

  function renderSummary(p) {
    const s = p.solver || {};
    const pairs = [["方案编号", p.plan_id], ["决定法院", Console.courtName(p.scope)], ["审查日期", fmtDate(p.as_of)],
      ["求解状态", s.status || p.status], ["目标值", s.objective ?? "—"], ["下界", s.bound ?? "—"],
      ["最优性差距（gap）", s.gap === null || s.gap === undefined ? "—" : (100 * s.gap).toFixed(2) + "%"],
      ["移送及提级案件", p.moves.filter((m) => m.to && m.to !== m.from).length + " 件"],
      ["较前一方案变动", (p.summary.moves ?? 0) + " 件"], ["未能安排", (p.summary.unplaced ?? 0) + " 件"]];
    document.getElementById("plan-id").textContent = p.plan_id;
    document.getElementById("plan-summary").replaceChildren(...pairs.map(([k, v]) => el("div", {}, el("span", {}, k), String(v))));
  }

  function renderWorkload(courts) {
    const shown = courts.filter((c) => c.level !== "high");
    const span = Math.max(1, ...shown.map((c) => Math.abs(c.change))) * 4;  // keep the change bars low and readable
    const chart = echarts.init(document.getElementById("workload"));
    chart.setOption({
      animation: false, tooltip: { trigger: "axis" }, legend: { data: ["方案前", "方案后", "调入/调出"] },
      grid: { left: 60, right: 50, top: 40, bottom: 110 },
      xAxis: { type: "category", data: shown.map((c) => shortName(c.name)), axisLabel: { rotate: 45, fontSize: 11 } },
      yAxis: [{ type: "value", name: "在办执行案件（件）" },
        { type: "value", name: "调入(+)/调出(−)", minInterval: 1, max: span, min: -span, splitLine: { show: false } }],
      series: [
        { name: "方案前", type: "bar", data: shown.map((c) => c.before), itemStyle: { color: "#90a4ae" } },
        { name: "方案后", type: "bar", data: shown.map((c) => c.after), itemStyle: { color: "#1f5fa8" } },
        { name: "调入/调出", type: "bar", yAxisIndex: 1, itemStyle: { color: "#b71c1c" },
          data: shown.map((c) => ({ value: c.change, itemStyle: { color: c.change < 0 ? "#2e7d32" : "#b71c1c" } })),
          label: { show: true, position: "top", fontSize: 11, formatter: (p) => (p.value ? (p.value > 0 ? "+" : "") + p.value : "") } },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  }

  function renderMap(courts, moves) {
    const byCode = Object.fromEntries(courts.map((c) => [c.code, c]));
    const located = courts.filter((c) => c.lat !== null && c.lon !== null);
    const lines = moves.filter((m) => m.to && m.from && m.to !== m.from && byCode[m.to] && byCode[m.from])
      .map((m) => ({ coords: [[byCode[m.from].lon, byCode[m.from].lat], [byCode[m.to].lon, byCode[m.to].lat]],
        name: `${m.case_no}：${shortName(byCode[m.from].name)} → ${shortName(byCode[m.to].name)}` }));
    const point = (c) => ({ value: [c.lon, c.lat], name: shortName(c.name), level: c.level });
    const chart = echarts.init(document.getElementById("map"));
    chart.setOption({
      animation: false, tooltip: { trigger: "item", formatter: (p) => echarts.format.encodeHTML(p.name || "") },
      legend: { data: ["法院", "移送路线"], top: 0, right: 10 },
      grid: { left: 50, right: 40, top: 40, bottom: 40 },
      xAxis: { type: "value", scale: true, name: "经度", splitLine: { lineStyle: { type: "dashed" } } },
      yAxis: { type: "value", scale: true, name: "纬度", splitLine: { lineStyle: { type: "dashed" } } },
      series: [
        { name: "法院", type: "scatter", data: located.map(point),
          symbolSize: (v, p) => (p.data.level === "basic" ? 9 : 16), itemStyle: { color: "#1f5fa8" },
          label: { show: true, position: "right", formatter: (p) => p.name, fontSize: 10, color: "#333" },
          labelLayout: { hideOverlap: true } },
        { name: "移送路线", type: "lines", coordinateSystem: "cartesian2d", data: lines, zlevel: 2,
          lineStyle: { color: "#b71c1c", width: 2, curveness: 0.2, opacity: 0.8 },
          effect: { show: false }, symbol: ["circle", "arrow"], symbolSize: 8 },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  }

  function renderMoves(moves) {
    document.querySelector("#moves tbody").replaceChildren(...moves.map((m) => el("tr", {},
      el("td", {}, el("a", { href: "/console/cases/" + encodeURIComponent(m.case_no) }, m.case_no)),
      el("td", {}, label("modes", m.mode)), el("td", {}, Console.courtName(m.from)),
      el("td", {}, m.to ? Console.courtName(m.to) : "—", m.recommended && m.to !== m.recommended
        ? el("div", { class: "muted small" }, "建议：" + Console.courtName(m.recommended)) : null),
      el("td", {}, m.decision ? el("span", { class: "badge " + m.decision }, "已" + label("actions", m.decision)) : "待决定"))));
  }

  async function renderPlanChoices(current) {
    // Every published nightly plan this key may read (a high court sees its forums' plans too).
    const select = document.getElementById("plan-select");
    const plans = (await Console.api("/v1/plans?limit=60")).data.filter((p) => p.status !== "SINGLE");
    select.replaceChildren(...plans.map((p) => el("option", { value: p.plan_id },
      `${fmtDate(p.as_of)} · ${Console.shortCourtName(p.scope)} · ${p.status}`)));
    select.value = current;
    select.addEventListener("change", () => { location.search = "?plan_id=" + encodeURIComponent(select.value); });
  }

  (async function load() {
    try {
      await Console.courtNames();
      const plan = await Console.api("/v1/console/plan" + location.search);
      await renderPlanChoices(plan.plan_id);
      renderSummary(plan); renderWorkload(plan.courts); renderMap(plan.courts, plan.moves); renderMoves(plan.moves);
      document.body.dataset.loaded = "1";
    } catch (err) { Console.showError(err); }
  })();
})();
