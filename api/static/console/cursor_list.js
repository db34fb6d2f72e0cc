/* A filtered list read by cursor (the alerts queue, the restoration leads): the filter form kept in the address,
   the table filled a page of 100 at a time with a "show more" button, the count line, and the court filter
   offered over this jurisdiction's courts. The page gives the endpoint, how to draw a row and the noun. */
(function () {
  "use strict";
  const { el } = Console;

  Console.cursorList = function ({ name, endpoint, form, row, noun, filters, reload }) {
    const params = new URLSearchParams(location.search);
    const body = document.querySelector(`#${name} tbody`);
    const columns = document.querySelectorAll(`#${name} thead th`).length;
    const more = document.getElementById(`${name}-more`);
    let after = 0;

    function query() {
      const out = new URLSearchParams();
      for (const [k, v] of new FormData(form).entries()) if (v) out.set(k, v);
      return out;
    }

    async function loadPage(reset) {
      const q = query();
      if (reset) { after = 0; body.replaceChildren(); }
      q.set("after", after);
      q.set("limit", 100);
      const page = await Console.api(`${endpoint}?${q.toString()}`);
      body.append(...page.data.map(row));
      after = page.next_after;
      more.hidden = !page.has_more;
      const shown = body.querySelectorAll("tr[data-case-no]").length;
      document.getElementById(`${name}-info`).textContent = `显示 ${shown} 条${noun}` + (page.has_more ? "（还有更多）" : "");
      if (!shown) body.append(el("tr", {}, el("td", { colspan: columns, class: "muted" }, `没有符合条件的${noun}`)));
    }

    async function init() {
      try {
        const courts = Object.values(await Console.courtNames()).filter((c) => c.level !== "high");
        for (const c of courts) form.court.append(el("option", { value: c.code }, c.name));
        for (const f of ["court", ...filters]) form[f].value = params.get(f) || "";
      } catch (err) { Console.showError(err); }
      reload();
    }

    function start() {
      form.addEventListener("change", reload);
      more.addEventListener("click", () => loadPage(false).catch(Console.showError));
      init();
    }

    return { params, query, loadPage, start };
  };
})();
