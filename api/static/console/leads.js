/* Restoration leads (恢复执行线索) of this jurisdiction: asset, amount, dates, the court's reaction, and the draft
   恢复执行通知 to the enforcing court. */
(function () {
  "use strict";
  if (!Console.requireKey()) return;
  const { el, fmtDate } = Console;
  const STATE = { awaiting_action: "待处理", acted_on: "已处理", cross_enforcement_candidate: "交叉执行候选" };
  const KIND = { restoration: "恢复执行", new_asset: "新发现财产" };
  const ASSET = { vehicle: "车辆", real_estate: "不动产", bank_account: "银行账户", equity: "股权" };
  const money = (v) => (v === null || v === undefined) ? "未知" : Number(v).toLocaleString("zh-CN") + " 元";
  const form = document.getElementById("lead-filters");

  function row(x) {
    const r = x.record;
    return el("tr", { "data-case-no": x.case_no, "data-state": x.state, "data-court": x.court_code },
      el("td", { class: "nowrap" }, el("a", { href: "/console/cases/" + encodeURIComponent(x.case_no) }, x.case_no)),
      el("td", {}, Console.shortCourtName(x.court_code)),
      el("td", {}, KIND[x.kind] || x.kind),
      el("td", {}, ASSET[r.asset_kind] || r.asset_kind),
      el("td", {}, r.registry),
      el("td", { class: "nowrap" }, fmtDate(r.registered_on)),
      el("td", { class: "nowrap" }, r.released_on ? fmtDate(r.released_on) : "仍登记在名下"),
      el("td", { class: "num" }, money(r.value)),
      el("td", { class: "nowrap" }, fmtDate(x.ruled_on)),
      el("td", { class: "nowrap" }, fmtDate(x.first_seen_on)),
      el("td", { class: "nowrap" }, fmtDate(x.act_by)),
      el("td", { class: "nowrap" }, x.acted_on ? "已于" + fmtDate(x.acted_on) + "处理" : "未处理"),
      el("td", {}, el("span", { class: "badge lead-" + x.state }, STATE[x.state] || x.state)),
      el("td", {}, x.forum ? Console.shortCourtName(x.forum) : "—"),
      el("td", { class: "nowrap" }, notice(x)));
  }

  /* The draft 恢复执行通知 to the enforcing court: for a 终本 case's lead the court has not acted on yet. */
  function notice(x) {
    if (x.kind !== "restoration" || x.state === "acted_on" || !x.forum) return "—";
    return el("button", {
      type: "button", class: "link", "data-notice": String(x.id), onclick: async () => {
        try { await Console.download(`/v1/leads/${x.id}/notice.docx`, `恢复执行通知-${x.case_no}.docx`); }
        catch (err) { Console.showError(err); }
      } }, "恢复执行通知（草稿）");
  }

  function reload() {
    history.replaceState(null, "", "?" + list.query().toString());
    list.loadPage(true).catch(Console.showError);
  }

  const list = Console.cursorList({ name: "leads", endpoint: "/v1/leads", form, row, noun: "线索",
    filters: ["state", "kind"], reload });
  list.start();
})();
