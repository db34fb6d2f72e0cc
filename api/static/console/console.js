/* Shared by every console page: the signed-in key, API calls, labels, small DOM helpers. */
(function () {
  "use strict";
  const KEY = "assign.console.key";
  const WHO = "assign.console.who";
  const L = (function () {  // a JSON data block in the page head: the CSP allows no inline script
    const block = document.getElementById("console-labels");
    try { return block ? JSON.parse(block.textContent) : {}; } catch (e) { return {}; }
  })();

  function key() { return sessionStorage.getItem(KEY); }
  function who() { try { return JSON.parse(sessionStorage.getItem(WHO) || "null"); } catch (e) { return null; } }

  class ApiError extends Error {
    constructor(status, detail) { super(detail); this.status = status; }
  }

  async function api(path, options) {
    const opts = Object.assign({ method: "GET", headers: {} }, options || {});
    opts.headers = Object.assign({ "X-API-Key": key() || "", "Accept": "application/json" }, opts.headers);
    if (opts.json !== undefined) {
      opts.body = JSON.stringify(opts.json);
      opts.headers["Content-Type"] = "application/json";
      delete opts.json;
    }
    const res = await fetch(path, opts);
    if (res.status === 401 && !location.pathname.endsWith("/login")) {
      signOut();
      throw new ApiError(401, "密钥无效或已失效，请重新登录");
    }
    if (!res.ok) {
      let detail = res.statusText;
      try { const body = await res.json(); detail = body.detail || detail; } catch (e) { /* not JSON */ }
      throw new ApiError(res.status, detail);
    }
    if (opts.raw) return res;
    return res.status === 204 ? null : res.json();
  }

  function signOut() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(WHO);
    location.href = "/console/login";
  }

  function requireKey() {
    if (!key()) { location.href = "/console/login"; return false; }
    return true;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function label(group, code) { return (L[group] && L[group][code]) || code || "—"; }
  function outcomeBadge(o) { return el("span", { class: "badge " + o, title: o }, label("outcomes", o)); }
  function flagChips(flags) { return (flags || []).map((f) => el("span", { class: "chip", title: f }, label("flags", f))); }
  const ITEMS = { "10(1)": "第十条第（一）项", "10(2)": "第十条第（二）项", "10(3)": "第十条第（三）项", "10(4)": "第十条第（四）项" };
  function basisText(b) { return b ? (ITEMS[b] || b) : "—"; }
  function fmtDate(d) { if (!d) return "—"; const [y, m, dd] = String(d).slice(0, 10).split("-"); return `${y}年${+m}月${+dd}日`; }
  // Stored times are UTC; the command centre reads Beijing time.
  function fmtTime(iso) {
    if (!iso) return "—";
    const d = new Date(iso);
    if (isNaN(d)) return String(iso);
    return d.toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false }) + "（北京时间）";
  }
  function daysBetween(a, b) { return Math.round((new Date(b) - new Date(a)) / 86400000); }

  let courts = null;
  async function courtNames() {
    if (courts) return courts;
    courts = {};
    try {
      const data = await api("/v1/courts?scope=jurisdiction");
      for (const c of (data.data || data.courts || data)) courts[c.code] = c;
    } catch (e) { /* names are a convenience: fall back to codes */ }
    return courts;
  }
  function courtName(code) { return (courts && courts[code] && courts[code].name) || code || "—"; }
  // Within one province the province prefix adds nothing on a crowded screen.
  function shortCourtName(code) { return courtName(code).replace(/^(.{2,3}省|.{2,6}自治区)/, ""); }

  function showError(err) {
    const box = document.getElementById("error");
    if (!box) return;
    box.hidden = false;
    const prefix = { 403: "无权访问：不在本院辖区或本角色权限之内", 404: "未找到", 409: "与当前状态冲突（可能已由他人处理）",
      422: "输入或条件不符", 501: "暂不支持" }[err && err.status];
    box.textContent = (err && err.status ? `（${err.status}）` : "") + (prefix ? prefix + "。" : "") +
      (err && err.message ? err.message : String(err));
  }

  async function download(path, filename) {
    const res = await api(path, { raw: true, headers: { Accept: "*/*" } });
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const a = el("a", { href: url, download: filename });
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function markNav() {
    const page = location.pathname.split("/")[2] || "queue";
    for (const a of document.querySelectorAll("[data-nav]")) a.classList.toggle("active", a.dataset.nav === page ||
      (page === "cases" && a.dataset.nav === "queue"));
    const w = who();
    const slot = document.getElementById("who-court");
    if (slot && w) slot.textContent = `${w.court_name || w.court_code || ""} · ${w.label || "调度员"}`;
    const out = document.getElementById("sign-out");
    if (out) out.addEventListener("click", signOut);
  }
  document.addEventListener("DOMContentLoaded", markNav);

  window.Console = { KEY, WHO, key, who, api, ApiError, signOut, requireKey, el, label, outcomeBadge, flagChips,
    fmtDate, fmtTime, basisText, daysBetween, courtNames, courtName, shortCourtName, showError, download, L };
})();
