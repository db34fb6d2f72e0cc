/* The plan view: workload per court before/after (ECharts bars), the jurisdiction's courts with
   origin -> receiving lines over the province's county outlines (plan_map.js), the gap and the moves. */
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
    let plan;
    try {
      await Console.courtNames();
      plan = await Console.api("/v1/console/plan" + location.search);
      await renderPlanChoices(plan.plan_id);
      renderSummary(plan); renderWorkload(plan.courts); renderMoves(plan.moves);
      await PlanMap.render(document.getElementById("map"), plan.scope, plan.courts, plan.moves, shortName);
      document.body.dataset.loaded = "1";
    } catch (err) { Console.showError(err); return; }
    try {  // seconds of solving: the rest of the page is already usable
      await PlanFrontier.render(plan, shortName);
      document.body.dataset.frontier = "1";
    } catch (err) {
      document.getElementById("frontier-status").textContent = "效率前沿未能计算：" + (err.message || err);
      document.body.dataset.frontier = "error";
    }
  })();
})();
