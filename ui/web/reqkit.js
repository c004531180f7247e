// reqKit: the small DOM and formatting helpers the agency-request pages share (requests.js, agencies.js,
// agency.js). Uses $ from app.js.
"use strict";

const reqKit = (() => {
  function say(sel, text) {
    const e = $(sel);
    e.textContent = text;
    e.hidden = !text;
  }
  function node(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  const when = t => new Date(t).toLocaleString();
  // span is a time range, the end without its date when both fall on one day.
  function span(start, end) {
    const s = new Date(start), e = new Date(end);
    return `${when(s)} – ${s.toDateString() === e.toDateString() ? e.toLocaleTimeString() : when(e)}`;
  }
  const area = r => `${Math.round(r.radius)} m around ${r.lat.toFixed(5)}, ${r.lon.toFixed(5)}`;
  // localInput is t as a datetime-local value (local time, seconds).
  function localInput(t) {
    const d = new Date(t);
    return new Date(d - d.getTimezoneOffset() * 60e3).toISOString().slice(0, 19);
  }
  // row is a table row of cells: text, or [class, text or node].
  function row(cells) {
    const tr = node("tr");
    for (const c of cells) {
      const [cls, v] = Array.isArray(c) ? c : ["", c];
      const td = node("td", cls);
      if (v instanceof Node) td.append(v); else td.textContent = v ?? "";
      tr.append(td);
    }
    return tr;
  }
  const status = s => node("span", `badge st-${s}`, s);
  function size(n) {
    const units = ["B", "KB", "MB", "GB"];
    let i = 0;
    while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
    return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
  }
  return { say, node, when, span, area, localInput, row, status, size };
})();
