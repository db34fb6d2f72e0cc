/* A case: verdict with fired rules, the six-month timeline, the recommendation, the decision, documents, audit. */
(function () {
  "use strict";
  if (!Console.requireKey()) return;
  const { el, label, fmtDate } = Console;
  const caseNo = document.getElementById("case-no").dataset.caseNo;
  const esc = (t) => echarts.format.encodeHTML(String(t ?? ""));  // tooltips are HTML: case data is not
  let detail = null;

  function kv(pairs) {
    return pairs.filter(([, v]) => v !== undefined && v !== null && v !== "")
      .map(([k, v]) => el("div", {}, el("span", {}, k), v instanceof Node ? v : String(v)));
  }
  const money = (v) => (v === null || v === undefined) ? "—" : Number(v).toLocaleString("zh-CN", { minimumFractionDigits: 2 }) + " 元";
  const party = (p) => `${p.name}（${p.id}）`;

  function renderCase(c) {
    document.getElementById("case-summary").replaceChildren(...kv([
      ["执行法院", Console.courtName(c.court_code)], ["申请执行人", party(c.applicant)], ["被执行人", party(c.debtor)],
      ["执行标的", money(c.amount)], ["已执行到位", money(c.recovered)], ["收到申请执行书", fmtDate(c.received_on)],
      ["立案", fmtDate(c.filed_on)], ["申请上一级法院执行", c.application ? fmtDate(c.application.on) : "未申请"],
    ]));
  }

  function renderVerdict(v) {
    const box = document.getElementById("verdict");
    if (!v) { box.replaceChildren(el("p", { class: "muted" }, "尚未审查")); return; }
    box.replaceChildren(el("div", { class: "kv" }, ...kv([
      ["审查结果", Console.outcomeBadge(v.outcome)], ["适用情形", v.basis ? "执行程序解释" + Console.basisText(v.basis) : "—"],
      ["决定法院（上一级）", Console.courtName(v.forum)], ["期间起算", fmtDate(v.clock_start)],
      ["可移送日", v.eligible_from || !v.eligible_from_projected ? fmtDate(v.eligible_from)
        : `尚不确定（若中止等期间于审查日结束：${fmtDate(v.eligible_from_projected)}）`], ["已计期间", v.countable_days === null ? "—" : v.countable_days + " 日"],
      ["可采取方式", v.permitted_modes.map((m) => label("modes", m)).join("、") || "—"],
      ["建议方式", label("modes", v.recommended_mode)], ["审查日", fmtDate(v.as_of)],
      ["规则集", `${v.rulebook_version.id} · ${v.rulebook_version.hash.slice(0, 12)}`],
    ])), el("div", {}, ...Console.flagChips(v.flags)));
    const value = (x) => (typeof x === "object" && x !== null ? JSON.stringify(x) : label("fact_values", String(x)));
    const facts = (f) => el("ul", { class: "facts" }, Object.entries(f || {}).map(([k, x]) =>
      el("li", { title: k }, `${label("facts", k)}：${value(x)}`)));
    // Rulebook 1.2.0 on: the rule's sentence and its sources split into law and policy (§12.12).
    const sources = (f) => (f.law || f.policy ? el("div", {},
      ...(f.law && f.law.length ? [el("div", {}, "法律依据：" + f.law.join("；"))] : []),
      ...(f.policy && f.policy.length ? [el("div", { class: "muted" }, "政策依据：" + f.policy.join("；"))] : []))
      : f.legal_basis);
    document.querySelector("#fired tbody").replaceChildren(...v.fired.map((f) => el("tr", {},
      el("td", {}, f.label_zh, el("div", { class: "muted small" }, f.rule_id)),
      el("td", { class: "explanation" }, f.explanation_zh || "—"), el("td", {}, sources(f)),
      el("td", {}, facts(f.facts)))));
  }

  function renderTimeline(c, v) {
    const events = [["收到申请执行书", c.received_on], ["立案", c.filed_on]];
    if (v && v.clock_start && v.clock_start !== c.received_on) events.push(["期间起算", v.clock_start]);
    if (c.application) events.push(["申请上一级法院执行", c.application.on]);
    if (c.entrusted) events.push([`委托${Console.shortCourtName(c.entrusted.to_court)}执行（立案）`, c.entrusted.filed_on]);
    if (c.restored_on) events.push(["恢复执行", c.restored_on]);
    if (v && v.eligible_from) events.push(["可移送日（超过六个月）", v.eligible_from]);
    if (v) events.push(["审查日", v.as_of]);
    const spans = c.excluded_periods.map((p) => ["不计入：" + label("periods", p.kind), p.start, p.end || (v && v.as_of), "不计入期间"]);
    for (const o of c.supervision_orders) spans.push([`督促执行令（${Console.courtName(o.issued_by)}）`, o.issued_on, o.deadline, "督促执行令"]);
    for (const p of c.other_periods) spans.push(["计入：" + label("periods", p.kind), p.start, p.end || (v && v.as_of), "其他期间"]);
    const rows = ["节点", "不计入期间", "督促执行令", "其他期间", "执行措施"];
    const chart = echarts.init(document.getElementById("timeline"), null, { renderer: "canvas" });
    const all = [...events.map((e) => e[1]), ...spans.flatMap((x) => [x[1], x[2]])].filter(Boolean).map((d) => +new Date(d));
    const pad = 20 * 86400000;
    events.sort((a, b) => (a[1] < b[1] ? -1 : 1));
    chart.setOption({
      animation: false, grid: { left: 80, right: 30, top: 30, bottom: 40 }, tooltip: { trigger: "item" },
      xAxis: { type: "time", min: Math.min(...all) - pad, max: Math.max(...all) + pad, axisLabel: { formatter: "{yyyy}-{MM}" } },
      yAxis: { type: "category", data: rows, inverse: true },
      series: [
        { type: "custom", name: "期间", data: spans.map((s) => [s[1], s[2], rows.indexOf(s[3]), s[0]]),
          renderItem: (params, api) => {
            const start = api.coord([api.value(0), api.value(2)]); const end = api.coord([api.value(1), api.value(2)]);
            const h = api.size([0, 1])[1] * 0.5;
            return { type: "rect", shape: { x: start[0], y: start[1] - h / 2, width: Math.max(end[0] - start[0], 2), height: h },
              style: { fill: api.value(2) === 1 ? "#9e9e9e" : api.value(2) === 2 ? "#e57373" : "#90caf9" } };
          }, encode: { x: [0, 1], y: 2 }, tooltip: { formatter: (p) => `${esc(p.value[3])}<br>${esc(p.value[0])} 至 ${esc(p.value[1])}` } },
        { type: "scatter", name: "节点", symbolSize: 12, data: events.map((e, i) => ({ value: [e[1], "节点"], name: e[0],
            label: { position: i % 2 ? "bottom" : "top" } })),
          label: { show: true, formatter: (p) => p.name, fontSize: 11 },
          markLine: { symbol: "none", label: { show: false }, data: events.filter((e) => e[0].startsWith("可移送") || e[0] === "审查日")
            .map((e) => ({ xAxis: e[1], name: e[0], lineStyle: { color: e[0] === "审查日" ? "#555" : "#b71c1c", type: "dashed" } })) } },
        { type: "scatter", name: "执行措施", symbolSize: 8, data: c.measures.map((m) => ({ value: [m.on, "执行措施"], name: m.kind })) },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
    const legend = [...events.map((e) => `${e[0]}：${fmtDate(e[1])}`), ...spans.map((s) => `${s[0]}：${fmtDate(s[1])} 至 ${fmtDate(s[2])}`)];
    document.getElementById("timeline-legend").replaceChildren(...legend.map((t) => el("li", {}, t)));
  }

  function renderRecommendation(r, v) {
    const box = document.getElementById("recommendation");
    if (!r) {
      const text = v && v.recommended_mode === "order" ? "建议发出督促执行令，由原执行法院限期执行，无需选择接收法院。" : "本案没有调度建议。";
      box.replaceChildren(el("p", { class: "muted" }, text));
      for (const id of ["score", "alternatives", "excluded"]) document.querySelector(`#${id} tbody`).replaceChildren();
      return;
    }
    const total = Object.values(r.score).reduce((a, b) => a + b, 0);
    const note = r.mode === "escalate" && !Object.keys(r.score).length
      ? el("p", { class: "muted" }, "提级执行：由上一级法院本院执行，无需比较接收法院。") : null;
    box.replaceChildren(el("div", { class: "kv" }, ...kv([
      ["方式", label("modes", r.mode)], ["建议接收法院", el("strong", { id: "rec-target" }, Console.courtName(r.target_court))],
      ["决定法院", Console.courtName(r.forum)], ["方案", r.plan_id], ["求解", r.solver ? `${r.solver.status} · gap ${r.solver.gap ?? "—"}` : "—"],
      ["未能安排的原因", r.unplaced_reason ? label("constraints", r.unplaced_reason) : null],
    ])), ...(note ? [note] : []));
    document.querySelector("#score tbody").replaceChildren(...Object.entries(r.score).map(([k, x]) =>
      el("tr", {}, el("td", {}, label("constraints", k), el("div", { class: "muted small" }, k)), el("td", { class: "num" }, x.toFixed(3)))),
      el("tr", {}, el("td", {}, el("strong", {}, "合计（越小越好）")), el("td", { class: "num" }, el("strong", {}, total.toFixed(3)))));
    document.querySelector("#alternatives tbody").replaceChildren(...r.alternatives.map((a) =>
      el("tr", {}, el("td", {}, Console.courtName(a.court)), el("td", { class: "num" }, "+" + a.delta.toFixed(3)))));
    document.querySelector("#excluded tbody").replaceChildren(...r.excluded.map((x) => el("tr", {},
      el("td", {}, x.court === "*" ? "辖区外所有法院" : Console.courtName(x.court)),
      el("td", {}, label("constraints", x.constraint), x.reason ? el("div", { class: "muted small" }, x.reason) : null))));
  }

  function renderDecision(d) {
    const form = document.getElementById("decision-form");
    const state = document.getElementById("decision-state");
    if (d) {
      form.hidden = true;
      state.replaceChildren(el("div", { class: "ok", id: "decision-result" },
        el("span", { class: "badge " + d.action }, "已" + label("actions", d.action)), " ",
        d.target_court ? `接收法院：${Console.courtName(d.target_court)}；` : "", `理由：${d.reason}；`,
        `决定编号 ${d.id}，${Console.fmtTime(d.created_at)}`));
      return;
    }
    if (!detail.recommendation_id) { form.hidden = true; state.replaceChildren(el("p", { class: "muted" }, "本案没有需要决定的调度建议。")); return; }
    state.replaceChildren();
    form.hidden = false;
    const select = document.getElementById("override-court");
    select.replaceChildren(...detail.recommendation.alternatives.map((a) => el("option", { value: a.court }, Console.courtName(a.court))));
  }

  function renderDocuments(options) {
    const box = document.getElementById("documents");
    if (!options || !options.kind) {
      box.replaceChildren(el("p", { class: "muted" }, "无可起草的文书：" + ((options && options.reason) || "—")));
      return;
    }
    const source = { decision: "依调度决定", recommendation: "依调度建议（尚未决定）", verdict: "依审查结论" }[options.source] || "";
    const kind = options.kind;
    box.replaceChildren(el("p", { class: "muted" }, source), ...["docx", "pdf"].map((fmt) => el("button", {
      type: "button", "data-doc": `${kind}.${fmt}`, onclick: async () => {
        try { await Console.download(`/v1/documents/${encodeURIComponent(caseNo)}/${kind}.${fmt}`, `${label("documents", kind)}-${caseNo}.${fmt}`); }
        catch (err) { Console.showError(err); }
      } }, `下载${label("documents", kind)}（${fmt.toUpperCase()}）`)));
  }

  function renderAudit(records) {
    const kinds = { decision: "调度决定", "document.drafted": "起草文书", verdicts: "审查", plan: "方案" };
    document.querySelector("#audit tbody").replaceChildren(...records.map((r) => el("tr", { "data-kind": r.kind },
      el("td", { class: "nowrap" }, Console.fmtTime(r.created_at)), el("td", {}, kinds[r.kind] || r.kind), el("td", {}, r.actor),
      el("td", {}, el("pre", { class: "facts" }, r.kind === "decision"
        ? `${label("actions", r.payload.action)} ${r.payload.target_court ? Console.courtName(r.payload.target_court) : ""} 理由：${r.payload.reason}`
        : JSON.stringify(r.payload).slice(0, 240))))));
  }

  async function load() {
    try {
      await Console.courtNames();
      detail = await Console.api("/v1/console/cases/" + encodeURIComponent(caseNo));
      renderCase(detail.case); renderVerdict(detail.verdict); renderTimeline(detail.case, detail.verdict);
      renderRecommendation(detail.recommendation, detail.verdict); renderDecision(detail.decision);
      renderDocuments(detail.documents); renderAudit(detail.audit);
      document.body.dataset.loaded = "1";
    } catch (err) {
      Console.showError(err);
      if (!detail) for (const node of document.querySelectorAll("main .card, main .cols")) node.hidden = true;
    }
  }

  const form = document.getElementById("decision-form");
  form.addEventListener("change", () => {
    document.getElementById("override-row").hidden = form.querySelector("input[name=action]:checked").value !== "override";
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = document.getElementById("decision-submit");
    const body = { action: form.querySelector("input[name=action]:checked").value, reason: document.getElementById("decision-reason").value.trim() };
    if (body.action === "override") body.target_court = document.getElementById("override-court").value;
    button.disabled = true;
    try {
      await Console.api("/v1/decisions", { method: "POST", json: Object.assign({ recommendation_id: detail.recommendation_id }, body) });
      document.body.dataset.loaded = "";
      await load();
    } catch (err) {
      Console.showError(err);
      if (err.status === 409) await load();  // decided by someone else meanwhile: show that decision
    } finally { button.disabled = false; }
  });
  load();
})();
