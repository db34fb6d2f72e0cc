/* The queue: counts by outcome, filters, and the cases of this jurisdiction that need action. */
(function () {
  "use strict";
  if (!Console.requireKey()) return;
  const { el, label } = Console;
  const form = document.getElementById("filters");
  const params = new URLSearchParams(location.search);

  function fillSelect(id, entries) {
    const select = document.getElementById(id);
    for (const [value, text] of entries) select.append(el("option", { value }, text));
    const wanted = params.get(select.name);
    if (wanted) select.value = wanted;
  }
  fillSelect("f-outcome", Object.entries(Console.L.outcomes));
  fillSelect("f-flag", Object.entries(Console.L.flags));
  document.getElementById("f-q").value = params.get("q") || "";

  function query() {
    const data = new FormData(form);
    const out = new URLSearchParams();
    for (const [k, v] of data.entries()) if (v) out.set(k, v);
    return out;
  }

  function renderCounts(counts, selected) {
    const box = document.getElementById("counts");
    box.replaceChildren();
    const order = Object.keys(Console.L.outcomes);
    for (const outcome of order) {
      const card = el("div", { class: "count " + outcome + (outcome === selected ? " sel" : ""), "data-outcome": outcome,
        role: "button", tabindex: "0", onclick: () => { form.outcome.value = outcome === selected ? "" : outcome; load(); } },
        el("div", { class: "n" }, counts[outcome] || 0), el("div", { class: "t" }, label("outcomes", outcome)));
      box.append(card);
    }
  }

  function statusCell(row) {
    if (row.decision) return el("span", { class: "badge " + row.decision }, "已" + label("actions", row.decision));
    if (row.recommendation_id) return el("span", { class: "badge" }, "待决定");
    return el("span", { class: "muted" }, row.recommended_mode === "order" ? "可发督促执行令" : "—");
  }

  async function load() {
    const q = query();
    history.replaceState(null, "", "?" + q.toString());
    const api = new URLSearchParams(q);
    if (api.has("age")) { api.set("min_age_days", api.get("age")); api.delete("age"); }
    try {
      await Console.courtNames();
      const courtSelect = document.getElementById("f-court");
      if (courtSelect.options.length === 1) {
        fillSelect("f-court", Object.values(await Console.courtNames()).filter((c) => c.level !== "high")
          .map((c) => [c.code, c.name]));
        if (params.get("court")) { courtSelect.value = params.get("court"); return load(); }
      }
      const data = await Console.api("/v1/console/queue?" + api.toString());
      renderCounts(data.counts, q.get("outcome"));
      document.getElementById("queue-info").textContent =
        `审查日期：${Console.fmtDate(data.as_of)} · 共 ${data.total} 件` + (data.total > data.rows.length ? `（显示前 ${data.rows.length} 件）` : "");
      const body = document.querySelector("#queue tbody");
      body.replaceChildren(...data.rows.map((r) => el("tr", { "data-case-no": r.case_no },
        el("td", { class: "nowrap" }, el("a", { href: "/console/cases/" + encodeURIComponent(r.case_no) }, r.case_no)),
        el("td", {}, Console.shortCourtName(r.court_code)),
        el("td", {}, Console.outcomeBadge(r.outcome)),
        el("td", {}, Console.basisText(r.basis)),
        el("td", { class: "num" }, r.age_days),
        el("td", { class: "nowrap" }, Console.fmtDate(r.eligible_from)),
        el("td", { class: "num" }, r.overdue_days !== null && r.overdue_days >= 0 ? r.overdue_days : "—"),
        el("td", {}, label("modes", r.recommended_mode)),
        el("td", {}, Console.flagChips(r.flags.filter((f) => f !== "CROSS_ENFORCEMENT_CANDIDATE"))),
        el("td", {}, statusCell(r)))));
      if (!data.rows.length) body.append(el("tr", {}, el("td", { colspan: 10, class: "muted" }, "没有符合条件的案件")));
    } catch (err) { Console.showError(err); }
  }
  form.addEventListener("change", load);
  form.addEventListener("submit", (e) => { e.preventDefault(); load(); });
  load();
})();
