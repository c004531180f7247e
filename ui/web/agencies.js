// Agencies view (#/agencies), for anyone: every agency admitted to the node's neighborhoods on a map,
// each scope circle with the agency's record (since when, where, its caps, the requests seen), the
// monthly transparency report from the agencies' public logs, and "Verify logs" to audit those logs now.
// Uses api, $, views from app.js, reqKit from requests.js and areaMap.
"use strict";

{
const { say, node, when, row, area } = reqKit;

views.agencies = { section: "#agencies", show: () => showAgencies() };

async function showAgencies() {
  say("#ag-error", "");
  $("#ag-verify-out").replaceChildren();
  try {
    const [dir, report] = await Promise.all([api("GET", "/api/v1/agencies"), api("GET", "/api/v1/transparency")]);
    renderDirectory(dir || []);
    renderReport(report || []);
  } catch (e) {
    say("#ag-error", e.status === 503 ? "Agency requests are not enabled on this node." : e.message);
  }
}

function renderDirectory(dir) {
  areaMap.draw($("#ag-map svg"), {
    areas: dir.map(a => ({ ...a, id: `${a.hood}/${a.agency}`, cls: a.revoked ? "st-closed" : "scope", title: a.name })),
    empty: "No agency in your neighborhoods.", onPick: id => pick(id) });
  $("#ag-list").replaceChildren(...dir.map(a => {
    const li = node("li", "set-card ag-card");
    li.dataset.id = `${a.hood}/${a.agency}`;
    const h = node("h3", "", a.name);
    if (a.revoked) h.append(" ", node("span", "badge bad", "revoked"));
    const dl = node("dl", "req-facts");
    for (const [k, v] of [["Member since", when(a.since)], ["Credential until", when(a.expires)], ["Scope", area(a)],
      ["Caps", `${a.max_area_sq_mi.toFixed(2)} sq mi, ${dur(a.max_window)} window, ${a.per_day} a day`], ["Requests seen", String(a.requests)],
      ["Credential", `signed by ${(a.signed_by || []).join(", ") || "—"}`]]) {
      dl.append(node("dt", "", k), node("dd", "", v));
    }
    li.append(h, dl);
    return li;
  }));
  $("#ag-none").hidden = dir.length > 0;
}

// dur shortens a Go duration: 6h0m0s is 6h, 90m0s is 1h30m.
const dur = d => String(d).replace(/([hm])0s$/, "$1").replace(/h0m$/, "h");

function pick(id) {
  const li = $(`#ag-list li[data-id="${CSS.escape(id)}"]`);
  li?.scrollIntoView({ behavior: "smooth", block: "center" });
}

function renderReport(months) {
  $("#ag-report tbody").replaceChildren(...months.map(m => row([m.month, m.agency_name, String(m.requests),
    String(m.requests_open), String(m.closed), String(m.submissions), `${m.area_sq_mi.toFixed(2)} (max ${m.max_area_sq_mi.toFixed(2)})`,
    `${m.window_hours.toFixed(2)} (max ${m.max_window_hours.toFixed(2)})`,
    Object.entries(m.categories || {}).map(([c, n]) => `${c} ${n}`).join(", "),
    [m.log_verified ? "ok" : "bad", m.log_verified ? `verified, ${m.log_size} entries` : (m.log_problems || ["not verified"]).join("; ")]])));
  $("#ag-report-none").hidden = months.length > 0;
}

async function onVerify() {
  const b = $("#ag-verify"), out = $("#ag-verify-out");
  b.disabled = true;
  out.replaceChildren(node("li", "muted", "Verifying…"));
  try {
    const logs = (await api("GET", "/api/v1/log/verify")) || [];
    out.replaceChildren(...logs.map(l => {
      const li = node("li", l.ok ? "ok" : "bad");
      li.textContent = l.ok
        ? `${l.agency_name}: ok — ${l.size} entries, all ${l.requests} requests held here are in the log`
        : `${l.agency_name}: problems — ${(l.problems || []).join("; ")}${l.forks ? ` (${l.forks} forks)` : ""}`;
      return li;
    }));
    if (!logs.length) out.replaceChildren(node("li", "muted", "No agency log to verify."));
  } catch (e) {
    out.replaceChildren(node("li", "bad", `Not verified: ${e.message}`));
  } finally {
    b.disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => $("#ag-verify").addEventListener("click", onVerify));
}
