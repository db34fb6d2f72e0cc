/* The plan's frontier (均衡与就近的权衡): per pool of the forum, the efficient plans between the most
   balanced and the least travel (GET /v1/plans/{id}/frontier) as worst received transfers per
   officer against mean km, the current plan marked on it. Picking a point redraws the per-court
   bars (cases received per officer at that point beside the current plan). "按此策略重新编排"
   starts a batch placement of the forum with the chosen policy (POST /v1/recommendations/batch:
   the normal job, recommendation, decision and audit path) and opens the new plan when done. */
window.PlanFrontier = (function () {
  "use strict";
  const { el } = Console;
  const LEVELS = { basic: "基层法院", intermediate: "中级法院", high: "高级法院" };
  const POLICIES = [["balanced", "均衡：优先均衡各院接收负担"], ["default", "默认"], ["near", "就近：优先缩短至被执行人住所地、财产所在地的距离"]];
  const fmtPoint = (p) => `每名执行人员最多接收 ${p.worst_per_officer.toFixed(2)} 件（加权）· 平均距离 ${p.km_mean.toFixed(1)} 公里`;

  function policyNear(index, count) {
    // The points run from most balanced to least travel: a point's third of the range names the policy.
    if (count < 2) return "default";
    const t = index / (count - 1);
    return t < 1 / 3 ? "balanced" : t > 2 / 3 ? "near" : "default";
  }

  function renderPool(ui, plan, frontier, pool, shortName) {
    const points = frontier.points.filter((p) => p.pool === pool);
    const mine = frontier.plan.find((p) => p.pool === pool) || null;
    const level = pool.split(":")[1];
    const courts = plan.courts.filter((c) => c.level === level && c.staff > 0);
    const perOfficer = (p, c) => (p && p.received[c.code] ? +(p.received[c.code] / c.staff).toFixed(2) : 0);
    let picked = mine ? -1 : 0;  // -1: the current plan

    const chart = ui.chart;
    function drawFrontier() {
      const sel = picked === -1 ? mine : points[picked];
      chart.setOption({
        animation: false, legend: { data: ["效率前沿", "当前方案", "所选方案"], top: 0 },
        tooltip: { trigger: "item", formatter: (p) => echarts.format.encodeHTML(p.data.tip || "") },
        grid: { left: 60, right: 30, top: 40, bottom: 50 },
        xAxis: { type: "value", scale: true, name: "平均距离（公里）", nameLocation: "middle", nameGap: 30 },
        yAxis: { type: "value", scale: true, name: "最重接收负担（件/人）" },
        series: [
          { name: "效率前沿", type: "line", symbolSize: 12, itemStyle: { color: "#1f5fa8" }, z: 2,
            data: points.map((p, i) => ({ value: [p.km_mean, p.worst_per_officer], index: i,
              tip: `${p.label || "前沿点"}：${fmtPoint(p)}` + (p.km_bound === null ? ""
                : `；距真实前沿至多 ${Math.max(0, p.km_total - p.km_bound)} 公里`) })) },
          { name: "当前方案", type: "scatter", symbol: "diamond", symbolSize: 18, itemStyle: { color: "#b71c1c" }, z: 3,
            data: mine ? [{ value: [mine.km_mean, mine.worst_per_officer], index: -1, tip: `当前方案：${fmtPoint(mine)}` }] : [] },
          { name: "所选方案", type: "scatter", symbol: "circle", symbolSize: 26, z: 1, silent: true,
            itemStyle: { color: "rgba(0,0,0,0)", borderColor: "#f9a825", borderWidth: 3 },
            data: sel ? [{ value: [sel.km_mean, sel.worst_per_officer] }] : [] },
        ],
      });
    }
    function drawBars() {
      const sel = picked === -1 ? mine : points[picked];
      ui.bars.setOption({
        animation: false, legend: { data: ["当前方案", "所选方案"], top: 0 }, tooltip: { trigger: "axis" },
        grid: { left: 50, right: 20, top: 40, bottom: 100 },
        xAxis: { type: "category", data: courts.map((c) => shortName(c.name)), axisLabel: { rotate: 45, fontSize: 11 } },
        yAxis: { type: "value", name: "接收案件（件/人）" },
        series: [
          { name: "当前方案", type: "bar", itemStyle: { color: "#90a4ae" }, data: courts.map((c) => perOfficer(mine, c)) },
          { name: "所选方案", type: "bar", itemStyle: { color: "#1f5fa8" }, data: courts.map((c) => perOfficer(sel, c)) },
        ],
      });
      ui.node.dataset.picked = String(picked);
      ui.figures.textContent = sel ? `${picked === -1 ? "当前方案" : "所选前沿点"}：${fmtPoint(sel)}；移送 ${sel.placed} 件，`
        + `其中提级 ${sel.escalated} 件；较当前方案变动 ${sel.moves} 件` : "";
      if (picked >= 0) ui.policy.value = policyNear(picked, points.length);
    }
    chart.off("click");
    chart.on("click", (p) => { if (p.data && p.data.index !== undefined) { picked = p.data.index; drawFrontier(); drawBars(); } });
    drawFrontier(); drawBars();
  }

  async function replan(ui, plan) {
    ui.button.disabled = true;
    ui.status.textContent = "正在按所选策略重新编排……";
    try {
      let job = await Console.api("/v1/recommendations/batch", { method: "POST",
        json: { court: plan.scope, policy: ui.policy.value, as_of: String(plan.as_of).slice(0, 10) } });
      while (job.status === "queued" || job.status === "running") {
        await new Promise((r) => setTimeout(r, 500));
        job = await Console.api("/v1/recommendations/batch/" + encodeURIComponent(job.id));
      }
      if (job.status !== "done" || !job.plan_id) throw new Error(job.error || "重新编排未完成：" + job.status);
      location.search = "?plan_id=" + encodeURIComponent(job.plan_id);
    } catch (err) {
      ui.button.disabled = false; ui.status.textContent = ""; Console.showError(err);
    }
  }

  async function render(plan, shortName) {
    const ui = { node: document.getElementById("frontier"), status: document.getElementById("frontier-status"),
      figures: document.getElementById("frontier-figures"), pool: document.getElementById("frontier-pool"),
      policy: document.getElementById("replan-policy"), button: document.getElementById("replan") };
    ui.policy.replaceChildren(...POLICIES.map(([v, t]) => el("option", { value: v }, t)));
    ui.policy.value = (plan.solver && plan.solver.policy) || "default";
    ui.button.addEventListener("click", () => replan(ui, plan));
    ui.status.textContent = "正在计算效率前沿（数秒）……";
    const frontier = await Console.api(`/v1/plans/${encodeURIComponent(plan.plan_id)}/frontier?points=5&time_limit_s=5`);
    const pools = [...new Set([...frontier.plan, ...frontier.points].map((p) => p.pool))];
    const policy = POLICIES.find(([v]) => v === ui.policy.value);
    ui.status.textContent = !pools.length ? "本方案没有需要安排法院的案件，无前沿可示。"
      : `当前方案按「${policy ? policy[1].split("：")[0] : ui.policy.value}」策略编排。`
        + (frontier.defects.length ? "注意：" + frontier.defects.join("；") : "");
    ui.pool.replaceChildren(...pools.map((p) => el("option", { value: p }, LEVELS[p.split(":")[1]] || p)));
    ui.chart = echarts.init(ui.node);
    ui.bars = echarts.init(document.getElementById("frontier-courts"));
    const show = () => renderPool(ui, plan, frontier, ui.pool.value, shortName);
    ui.pool.addEventListener("change", show);
    if (pools.length) show();
    window.addEventListener("resize", () => { ui.chart.resize(); ui.bars.resize(); });
    ui.node.dataset.points = String(frontier.points.length);
  }

  return { render };
})();
