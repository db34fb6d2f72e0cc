/* The alerts queue: counts by node, the court x node heat table, and the alerts of this jurisdiction. */
(function () {
  "use strict";
  if (!Console.requireKey()) return;
  const { el } = Console;
  const SEVERITY = { high: "严重", medium: "较重", low: "一般" };
  const form = document.getElementById("alert-filters");
  let nodes = {};

  function heatLevel(n, max) { return n === 0 ? 0 : Math.min(4, 1 + Math.floor((4 * n) / (max + 1))); }

  function renderSummary(s) {
    const box = document.getElementById("alert-counts");
    box.replaceChildren(el("div", { class: "count total" }, el("div", { class: "n" }, s.total),
      el("div", { class: "t" }, "有效预警")));
    for (const [node, name] of Object.entries(nodes)) {
      box.append(el("div", { class: "count node" + (form.node.value === node ? " sel" : ""), "data-node": node,
        role: "button", tabindex: "0", onclick: () => { form.node.value = form.node.value === node ? "" : node; reload(); } },
        el("div", { class: "n" }, s.by_node[node] || 0), el("div", { class: "t" }, name)));
    }
    const courts = [...new Set(s.heat.map((c) => c.court_code))].sort();
    const cells = Object.fromEntries(s.heat.map((c) => [c.court_code + "|" + c.node, c]));
    const max = Math.max(0, ...s.heat.map((c) => c.count));
    document.querySelector("#heat thead").replaceChildren(el("tr", {}, el("th", {}, "法院"),
      ...Object.values(nodes).map((n) => el("th", {}, n)), el("th", {}, "合计")));
    const body = document.querySelector("#heat tbody");
    body.replaceChildren(...courts.map((court) => el("tr", { "data-court": court },
      el("th", { class: "nowrap" }, Console.shortCourtName(court)),
      ...Object.keys(nodes).map((node) => {
        const c = cells[court + "|" + node];
        const n = c ? c.count : 0;
        return el("td", { class: "num heat-" + heatLevel(n, max), "data-node": node,
          onclick: n ? () => { form.court.value = court; form.node.value = node; reload(); } : null },
          n ? (c.high ? `${n}（${c.high}）` : String(n)) : "");
      }),
      el("td", { class: "num" }, s.by_court[court] || 0))));
    if (!courts.length) body.append(el("tr", {}, el("td", { colspan: Object.keys(nodes).length + 2, class: "muted" }, "暂无预警")));
  }

  function row(a) {
    return el("tr", { "data-case-no": a.case_no, "data-node": a.node },
      el("td", { class: "nowrap" }, el("a", { href: "/console/cases/" + encodeURIComponent(a.case_no) }, a.case_no)),
      el("td", {}, Console.shortCourtName(a.court_code)),
      el("td", {}, a.node_zh),
      el("td", {}, el("span", { class: "badge sev-" + a.severity }, SEVERITY[a.severity] || a.severity)),
      el("td", {}, a.limit_zh),
      el("td", { class: "nowrap" }, Console.fmtDate(a.trigger_on)),
      el("td", { class: "nowrap" }, Console.fmtDate(a.due_on)),
      el("td", { class: "nowrap" }, a.done_on ? Console.fmtDate(a.done_on) : "未完成"),
      el("td", { class: "num" }, a.days_overdue),
      el("td", {}, a.legal_basis));
  }

  async function reload() {
    const q = list.query();
    history.replaceState(null, "", "?" + q.toString());
    try {
      const scope = q.get("court") ? "?court=" + encodeURIComponent(q.get("court")) : "";
      const summary = await Console.api("/v1/alerts/summary" + scope);
      nodes = summary.nodes;
      const nodeSelect = document.getElementById("a-node");
      if (nodeSelect.options.length === 1) {
        for (const [v, t] of Object.entries(nodes)) nodeSelect.append(el("option", { value: v }, t));
        nodeSelect.value = list.params.get("node") || "";
      }
      renderSummary(summary);
      await list.loadPage(true);
    } catch (err) { Console.showError(err); }
  }

  const list = Console.cursorList({ name: "alerts", endpoint: "/v1/alerts", form, row, noun: "预警",
    filters: ["severity"], reload });
  list.start();
})();
