/* What every transfer achieved: per receiving court, transferred vs own cases vs the province (GET /v1/outcomes/report),
   drawn as ECharts bars, with the figures as a table and a CSV export. */
(function () {
  "use strict";
  if (!Console.requireKey()) return;
  const { el } = Console;
  const form = document.getElementById("outcome-filters");
  const params = new URLSearchParams(location.search);
  const charts = {};
  const pct = (v) => (v === null || v === undefined ? "—" : (100 * v).toFixed(1) + "%");
  const days = (v) => (v === null || v === undefined ? "—" : String(v));
  const shortName = (c) => c.court_name.replace(/^(.{2,3}省|.{2,6}自治区)/, "").replace("人民法院", "");
  const SIDES = [["transferred", "移送案件", "#1f5fa8"], ["own", "本院自办", "#90a4ae"], ["province", "全省移送", "#ef6c00"]];

  function query() {
    const out = new URLSearchParams();
    for (const [k, v] of new FormData(form).entries()) if (v) out.set(k, v);
    return out;
  }

  function sidesOf(row, provinces) {
    return { transferred: row.transferred, own: row.own, province: provinces[row.province].transferred };
  }

  function chart(id) {
    if (!charts[id]) {
      charts[id] = echarts.init(document.getElementById(id));
      window.addEventListener("resize", () => charts[id].resize());
    }
    return charts[id];
  }

  function renderCharts(report, provinces) {
    const names = report.courts.map(shortName);
    const axis = { type: "category", data: names, axisLabel: { rotate: 30, fontSize: 11 } };
    const pctAxis = { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } };
    const value = (v, scale) => (v === null || v === undefined ? null : +(v * scale).toFixed(1));
    chart("chart-progress").setOption({
      animation: false, tooltip: { trigger: "axis", valueFormatter: (v) => (v === null ? "—" : v + "%") },
      legend: { top: 0 }, grid: { left: 50, right: 20, top: 40, bottom: 70 }, xAxis: axis, yAxis: pctAxis,
      series: SIDES.map(([side, name, color]) => ({ name, type: "bar", itemStyle: { color },
        data: report.courts.map((c) => value(sidesOf(c, provinces)[side].share_6m, 100)) })),
    }, true);
    chart("chart-speed").setOption({
      animation: false, tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 50, right: 50, top: 70, bottom: 70 },
      xAxis: axis, yAxis: [{ type: "value", name: "天" }, { ...pctAxis, name: "到位率", splitLine: { show: false } }],
      series: [
        ...SIDES.map(([side, name, color]) => ({ name: name + "·首次措施", type: "bar", itemStyle: { color },
          data: report.courts.map((c) => sidesOf(c, provinces)[side].median_days_to_first_measure) })),
        ...SIDES.map(([side, name, color]) => ({ name: name + "·到位率", type: "line", yAxisIndex: 1, itemStyle: { color },
          data: report.courts.map((c) => value(sidesOf(c, provinces)[side].recovery_rate, 100)) })),
      ],
    }, true);
  }

  function renderTable(report, provinces) {
    const body = document.querySelector("#outcomes tbody");
    const three = (row, fn) => SIDES.map(([side]) => fn(sidesOf(row, provinces)[side])).join(" / ");
    body.replaceChildren(...report.courts.map((c) => el("tr", { "data-court": c.court_code },
      el("th", { class: "nowrap", title: c.court_code }, shortName(c)),
      el("td", { class: "num" }, c.transferred.cases), el("td", { class: "num" }, c.own.cases),
      el("td", { class: "num" }, three(c, (f) => days(f.median_days_to_first_measure))),
      el("td", { class: "num" }, three(c, (f) => pct(f.recovery_rate))),
      el("td", { class: "num" }, three(c, (f) => pct(f.share_3m))),
      el("td", { class: "num", "data-share-6m": c.transferred.share_6m ?? "" }, three(c, (f) => pct(f.share_6m))))));
    if (!report.courts.length) body.append(el("tr", {}, el("td", { colspan: 7, class: "muted" }, "本辖区尚无移送决定")));
  }

  function renderCounts(report) {
    const total = (side) => report.courts.reduce((n, c) => n + c[side].cases, 0);
    const pairs = [["统计日", Console.fmtDate(report.as_of)], ["接收法院", report.courts.length + " 个"],
      ["移送案件", total("transferred") + " 件"], ["本院自办案件", total("own") + " 件"]];
    document.getElementById("outcome-counts").replaceChildren(...pairs.map(([k, v]) => el("div", {}, el("span", {}, k), v)));
  }

  async function reload() {
    const q = query();
    history.replaceState(null, "", "?" + q.toString());
    try {
      const report = await Console.api("/v1/outcomes/report?" + q.toString());
      const provinces = Object.fromEntries(report.provinces.map((p) => [p.province, p]));
      const select = document.getElementById("o-province");
      for (const p of report.provinces) {
        if (![...select.options].some((o) => o.value === p.province)) select.append(el("option", { value: p.province }, p.province_name));
      }
      if (!form.as_of.value) form.as_of.value = report.as_of;
      renderCounts(report);
      renderCharts(report, provinces);
      renderTable(report, provinces);
    } catch (err) { Console.showError(err); }
  }

  form.as_of.value = params.get("as_of") || "";
  if (params.get("province")) form.province.append(el("option", { value: params.get("province") }, params.get("province")));
  form.province.value = params.get("province") || "";
  form.addEventListener("change", reload);
  document.getElementById("o-export").addEventListener("click", () =>
    Console.download("/v1/outcomes/report.csv?" + query().toString(), "移送执行成效.csv").catch(Console.showError));
  reload();
})();
