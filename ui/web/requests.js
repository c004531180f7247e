// Requests view (#/requests), a home's side of agency requests: the inbox of requests that match this
// home's cameras (a badge in the nav counts the unanswered ones, and a browser notification tells of a
// new one; polled every 10 s), each with its area on the map, "Preview" on the timeline, "Approve…"
// (pick a camera, trim the clip within the window, add a note) and "Decline"; the deliveries of approved
// clips; the owner's standing policy; and every request of the node's hoods, public. Uses api, $, state,
// views from app.js, reqKit, timelineView and areaMap.
"use strict";

{
const { say, node, when, span, area, localInput, row, status } = reqKit;
const rq = { known: null, items: new Map(), inbox: [], cams: [], shown: false, agency: false };
const admin = () => state.role === "admin";

views.requests = { section: "#requests", show: p => showRequests(p), hide: () => { rq.shown = false; } };

// poll runs every 10 s while someone is logged in: it keeps the nav right for the node's role and the
// badge counting new requests, notifies of each new one, and refreshes the page when it is open.
async function poll() {
  if (!state.user) return;
  let hoods = [];
  try { hoods = await api("GET", "/api/v1/hoods"); } catch (e) { /* no federation: no requests either */ }
  rq.agency = hoods.some(h => h.role === "agency");
  $("#nav-agency").hidden = !rq.agency;
  $("#nav-requests").hidden = rq.agency;
  if (rq.agency) return;
  let inbox;
  try { inbox = await api("GET", "/api/v1/requests?inbox=true"); } catch (e) { return; }
  const fresh = inbox.filter(r => r.status === "new");
  say("#req-badge", fresh.length ? String(fresh.length) : "");
  if (rq.known) for (const r of fresh) if (!rq.known.has(r.id)) notify(r);
  rq.known = new Set(inbox.map(r => r.id));
  rq.inbox = inbox;
  if (rq.shown) refreshPage().catch(e => say("#req-error", e.message));
}

function notify(r) {
  if (!window.Notification || Notification.permission !== "granted") return;
  const n = new Notification(`Footage request from ${r.agency_name}`, { body: `${r.case}: ${r.reason}`, tag: r.id });
  n.onclick = () => { window.focus(); location.hash = "#/requests"; };
}

// showRequests shows the inbox; #/requests?id=ID (a notification's link) brings that request into view.
async function showRequests(params) {
  rq.shown = true;
  say("#req-error", "");
  $("#req-notify").hidden = !window.Notification || Notification.permission !== "default";
  try {
    const cams = await api("GET", "/api/v1/config/cameras").catch(() => []);
    rq.cams = cams.filter(c => c.location).map(c => ({ name: c.name, ...c.location }));
    rq.inbox = await api("GET", "/api/v1/requests?inbox=true");
    await Promise.all([refreshPage(), loadPolicy(cams.map(c => c.name))]);
    if (params.get("id")) pick(params.get("id"));
  } catch (e) {
    say("#req-error", e.status === 503 ? "Agency requests are not enabled on this node." : e.message);
  }
}

async function refreshPage() {
  renderInbox();
  const [dels, all] = await Promise.all([api("GET", "/api/v1/deliveries"), api("GET", "/api/v1/requests")]);
  const byId = new Map(all.map(r => [r.id, r]));
  $("#req-deliveries tbody").replaceChildren(...dels.map(d => row([byId.get(d.request)?.case || d.request, d.camera,
    span(d.start, d.end), reqKit.size(d.size), ["", status(d.status)],
    d.last_error || (d.delivered ? `received ${when(d.delivered)}` : "")])));
  $("#req-deliveries-none").hidden = dels.length > 0;
  $("#req-public tbody").replaceChildren(...all.map(r => row([when(r.time), r.agency_name, r.case, r.category || "",
    ["req-reason", r.reason], span(r.start, r.end), area(r), ["", status(r.status)], String(r.log_index)])));
}

// renderInbox keeps the items whose request did not change, so an approval form being filled in stays.
function renderInbox() {
  const feed = $("#req-inbox");
  const ids = new Set(rq.inbox.map(r => r.id));
  for (const [id, it] of rq.items) if (!ids.has(id)) { it.li.remove(); rq.items.delete(id); }
  let prev = null;
  for (const r of rq.inbox) {
    const key = `${r.status} ${r.matches} ${r.submissions}`;
    let it = rq.items.get(r.id);
    if (!it || it.key !== key) {
      const li = inboxItem(r);
      it?.li.replaceWith(li);
      rq.items.set(r.id, it = { li, key });
    }
    const at = prev ? prev.nextSibling : feed.firstChild;
    if (it.li !== at) feed.insertBefore(it.li, at);
    prev = it.li;
  }
  $("#req-none").hidden = rq.inbox.length > 0;
  areaMap.draw($("#req-map svg"), {
    areas: rq.inbox.map(r => ({ ...r, cls: `st-${r.status}`, title: `${r.agency_name}: ${r.case}` })),
    cams: rq.cams, empty: "No request to show.", onPick: pick });
}

function pick(id) {
  const it = rq.items.get(id);
  if (!it) return;
  it.li.scrollIntoView({ behavior: "smooth", block: "center" });
  it.li.classList.add("picked");
  setTimeout(() => it.li.classList.remove("picked"), 1500);
}

function inboxItem(r) {
  const li = node("li", `req alert st-${r.status}`);
  li.dataset.id = r.id;
  const head = node("div", "alert-head");
  head.append(status(r.status), node("strong", "req-agency", r.agency_name), node("span", "req-case", `case ${r.case}`),
    node("span", "alert-when", `posted ${when(r.time)}`));
  const dl = node("dl", "req-facts");
  for (const [k, v] of [["Reason", r.reason], ["Contact", r.contact || "–"], ["Window", span(r.start, r.end)],
    ["Area", area(r)], ["Your cameras", (r.matches || []).join(", ") || "none"]]) dl.append(node("dt", "", k), node("dd", "", v));
  li.append(head, dl);
  const acts = node("div", "cam-actions");
  for (const cam of r.matches || []) acts.append(actionButton(`Preview ${cam}`, "secondary req-preview", () => preview(r, cam)));
  if (r.status === "new" && admin()) {
    const form = approveForm(r);
    acts.append(actionButton("Approve…", "req-approve", () => { form.hidden = false; form.camera.focus(); }),
      actionButton("Decline", "danger req-decline", () => decline(r, li)));
    li.append(acts, form);
  } else {
    li.append(acts);
  }
  li.append(node("p", "error req-item-error"));
  li.lastChild.hidden = true;
  return li;
}

// preview opens the timeline at the camera, zoomed to the request's window.
function preview(r, cam) {
  const s = Date.parse(r.start), e = Date.parse(r.end), mid = (s + e) / 2;
  const q = new URLSearchParams({ camera: cam, day: timelineView.localDay(mid), t: timelineView.localTime(mid),
    zoom: String(Math.max(60, Math.round((e - s) / 1000))) });
  location.hash = `#/timeline?${q}`;
}

function approveForm(r) {
  const form = $("#req-approve-form").content.firstElementChild.cloneNode(true);
  form.camera.replaceChildren(...r.matches.map(c => new Option(c, c)));
  for (const f of [form.start, form.end]) { f.min = localInput(r.start); f.max = localInput(r.end); }
  form.start.value = localInput(r.start);
  form.end.value = localInput(r.end);
  form.querySelector(".req-cancel").addEventListener("click", () => { form.hidden = true; });
  form.addEventListener("submit", ev => { ev.preventDefault(); approve(r, form); });
  return form;
}

async function approve(r, form) {
  const err = form.querySelector(".error");
  err.hidden = true;
  const start = new Date(form.start.value), end = new Date(form.end.value);
  if (isNaN(start) || isNaN(end) || start >= end || start < Date.parse(r.start) - 999 || end > Date.parse(r.end) + 999) {
    err.textContent = "Pick a start before the end, both inside the request's window.";
    err.hidden = false;
    return;
  }
  const b = form.querySelector("[type=submit]");
  b.disabled = true;
  try {
    await api("POST", `/api/v1/requests/${encodeURIComponent(r.id)}/approve`,
      { camera: form.camera.value, start: start.toISOString(), end: end.toISOString(), note: form.note.value.trim() });
    await poll();
  } catch (e) {
    err.textContent = `Not approved: ${e.message}`;
    err.hidden = false;
  } finally {
    b.disabled = false;
  }
}

async function decline(r, li) {
  if (!confirm(`Decline ${r.agency_name}'s request (case ${r.case})? Nothing from your cameras is sent.`)) return;
  try {
    await api("POST", `/api/v1/requests/${encodeURIComponent(r.id)}/decline`);
    await poll();
  } catch (e) {
    li.querySelector(".req-item-error").textContent = `Not declined: ${e.message}`;
    li.querySelector(".req-item-error").hidden = false;
  }
}

// ---- policy ----

async function loadPolicy(camNames) {
  const [pol, dir] = await Promise.all([api("GET", "/api/v1/request-policy"), api("GET", "/api/v1/agencies")]);
  $("#pol-optout").checked = pol.opt_out;
  const box = (name, value, on, text) => {
    const l = node("label", "cam-check");
    const i = node("input");
    Object.assign(i, { type: "checkbox", name, value, checked: on, disabled: !admin() });
    l.append(i, text);
    return l;
  };
  const never = new Set(pol.never_share || []), muted = new Set(pol.muted || []);
  $("#pol-cams").replaceChildren(node("legend", "", "Never share these cameras"), ...camNames.map(n => box("never", n, never.has(n), n)));
  const agencies = [...new Map(dir.map(a => [a.agency, a])).values()];
  $("#pol-muted").replaceChildren(node("legend", "", "Mute agencies (their requests are not shown)"), ...agencies.map(a => box("muted", a.agency, muted.has(a.agency), a.name)));
  $("#pol-muted").hidden = !agencies.length;
  $("#pol-optout").disabled = !admin();
  $("#pol-save").hidden = !admin();
}

async function savePolicy(ev) {
  ev.preventDefault();
  const f = ev.target;
  const checked = name => [...f.querySelectorAll(`input[name=${name}]:checked`)].map(i => i.value);
  try {
    await api("PUT", "/api/v1/request-policy", { opt_out: $("#pol-optout").checked, muted: checked("muted"), never_share: checked("never") });
    say("#pol-status", "Saved.");
    await poll();
  } catch (e) {
    say("#pol-status", `Not saved: ${e.message}`);
  }
}

onSession.push(() => poll());
document.addEventListener("DOMContentLoaded", () => {
  setInterval(poll, 10e3);
  $("#req-policy").addEventListener("submit", savePolicy);
  $("#req-notify").addEventListener("click", async () => {
    await Notification.requestPermission();
    $("#req-notify").hidden = Notification.permission !== "default";
  });
});
}
