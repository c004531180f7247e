// Neighborhood view (#/hood): create or join a hood; then its members, the alert feed (live over
// Server-Sent Events, else refetched every 10 s) with clips to play, the map of alerts (hood-map.js), the
// form to post an alert with an optional clip, and for stewards invites with a QR code. The page can be
// opened prefilled: #/hood?camera=front&start=<RFC 3339>&end=<RFC 3339>. Uses api, $, state, views from
// app.js, hoodMap from hood-map.js, hoodCosign (co-stewards' cosigning, the peer ID) from hood-cosign.js and
// eventAlert (an event to an alert: #/hood?event=ID, the recent-events card, a neighbor's alert's matches
// among this home's events) from hood-event.js, and hoodUnread (the nav's unread badge) from hood-unread.js.
"use strict";

{
const hv = { hoods: [], hood: null, alerts: [], items: new Map(), homes: [], es: null, live: false, timer: 0 };
const CLIP_DEFAULT_MS = 30e3;

views.hood = { section: "#hood", show: params => showHood(params), hide: () => stopHood() };

function say(sel, text) {
  const e = $(sel);
  e.textContent = text;
  e.hidden = !text;
}

function span(cls, text) {
  const s = document.createElement("span");
  s.className = cls;
  s.textContent = text;
  return s;
}

const admin = () => state.role === "admin";

// relTime is "just now", "5 min ago", "3 h ago", "2 days ago".
function relTime(t) {
  const s = (Date.now() - Date.parse(t)) / 1000;
  if (s < 45) return "just now";
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

// localInput is t as a datetime-local value (local time, seconds).
function localInput(t) {
  const d = new Date(t);
  return new Date(d - d.getTimezoneOffset() * 60e3).toISOString().slice(0, 19);
}

function stopHood() {
  hv.es?.close();
  hv.es = null;
  hv.live = false;
  clearInterval(hv.timer);
  hv.timer = 0;
  document.querySelectorAll("#alert-feed video").forEach(v => v.pause());
}

async function showHood(params) {
  stopHood();
  say("#hood-error", "");
  try {
    hv.hoods = await api("GET", "/api/v1/hoods");
  } catch (e) {
    $("#hood-none").hidden = $("#hood-main").hidden = true;
    say("#hood-error", e.status === 503 ? "Neighborhoods are not enabled on this node." : `Neighborhoods: ${e.message}`);
    return;
  }
  $("#hood-none").hidden = hv.hoods.length > 0;
  $("#hood-main").hidden = !hv.hoods.length;
  $("#hood-setup").hidden = !admin();
  $("#hood-setup-viewer").hidden = admin();
  hoodCosign.showPeer();
  if (!hv.hoods.length) return;
  const sel = $("#hood-select");
  const keep = hv.hood && hv.hoods.find(h => h.id === hv.hood.id);
  hv.hood = keep || hv.hoods[0];
  sel.replaceChildren(...hv.hoods.map(h => new Option(h.name, h.id, false, h.id === hv.hood.id)));
  sel.hidden = hv.hoods.length < 2;
  $("#hood-name").textContent = hv.hood.name;
  showRole(hv.hood.members);
  $("#alert-form").hidden = !admin();
  $("#invite-card").hidden = !(admin() && hv.hood.steward);
  if (admin()) await prefillPost(params);
  const posted = a => addAlerts([a]);
  eventAlert.recent($("#hood-events"), posted);
  if (admin() && params.get("event")) eventAlert.open(params.get("event"), { onPosted: posted });
  startLive();
  hv.timer = setInterval(tick, 10e3);
  await Promise.all([refreshMembers(), refreshAlerts(), loadHomes()]);
  if (params.get("alert")) pickAlert(params.get("alert")); // a notification's link
}

async function onSelectHood() {
  hv.hood = hv.hoods.find(h => h.id === $("#hood-select").value);
  hv.alerts = [];
  await showHood(new URLSearchParams());
}

// tick refreshes what has no push: members' online state, relative times, and alerts when the event
// stream is down.
function tick() {
  refreshMembers().catch(() => {});
  if (!hv.live) refreshAlerts().catch(() => {});
  else renderAlerts();
}

// ---- create / join ----

async function onCreateHood(ev) {
  ev.preventDefault();
  say("#hood-setup-error", "");
  try {
    const body = { name: $("#hood-create-name").value.trim() };
    const co = coStewards();
    if (co.length) Object.assign(body, { co_stewards: co, agency_quorum: Number($("#hood-create-quorum").value) || undefined });
    hv.hood = await api("POST", "/api/v1/hoods", body);
    ev.target.reset();
    $("#hood-create-quorum-label").hidden = true;
    await showHood(new URLSearchParams());
  } catch (e) {
    say("#hood-setup-error", `Not created: ${e.message}`);
  }
}

// coStewards are the peer IDs typed in the create form, one a line or comma separated.
function coStewards() {
  return $("#hood-create-costewards").value.split(/[\s,]+/).filter(Boolean);
}

async function onJoinHood(ev) {
  ev.preventDefault();
  say("#hood-setup-error", "");
  const b = $("#hood-join");
  b.disabled = true;
  try {
    hv.hood = await api("POST", "/api/v1/hoods/join", { code: $("#hood-join-code").value.trim() });
    ev.target.reset();
    await showHood(new URLSearchParams());
  } catch (e) {
    say("#hood-setup-error", `Not joined: ${e.message}`);
  } finally {
    b.disabled = false;
  }
}

// ---- members ----

function showRole(members) {
  $("#hood-role").textContent = `${hv.hood.role}${hv.hood.steward ? " · steward" : ""} · ${members} ${members === 1 ? "member" : "members"}`;
}

async function refreshMembers() {
  const id = hv.hood.id;
  const ms = await api("GET", `/api/v1/hoods/${encodeURIComponent(id)}/members`);
  if (hv.hood?.id !== id) return;
  const active = ms.filter(m => !m.revoked).length;
  showRole(active);
  if (hv.inviteAt != null && active > hv.inviteAt) { // someone joined: the invite on screen is likely spent
    $("#invite-new").hidden = true;
    hv.inviteAt = null;
  }
  const mayRevoke = admin() && hv.hood.steward;
  hoodCosign.show(mayRevoke && ms.filter(m => m.steward && !m.revoked).length > 1);
  $("#member-list").replaceChildren(...ms.map(m => {
    const li = document.createElement("li");
    li.dataset.id = m.id;
    li.classList.toggle("revoked", m.revoked);
    const dot = span(`dot ${m.online ? "online" : "offline"}`, "");
    dot.title = m.online ? "online" : "offline";
    li.append(dot, span("member-name", m.name || m.id), span("muted", m.role));
    if (m.steward) li.append(span("badge", "steward"));
    if (m.self) li.append(span("badge you", "this node"));
    if (m.revoked) li.append(span("badge bad", "revoked"));
    // Stewards are named in the hood's genesis and cannot be revoked.
    if (mayRevoke && !m.self && !m.revoked && !m.steward) li.append(actionButton("Revoke", "danger member-revoke", () => onRevoke(m)));
    return li;
  }));
}

async function onRevoke(m) {
  if (!confirm(`Revoke ${m.name || m.id}? They stop receiving and posting this hood's alerts.`)) return;
  say("#member-error", "");
  try {
    await api("DELETE", `/api/v1/hoods/${encodeURIComponent(hv.hood.id)}/members/${encodeURIComponent(m.id)}`);
    await refreshMembers();
  } catch (e) {
    say("#member-error", `Not revoked: ${e.message}`);
  }
}

// ---- invites ----

async function onCreateInvite(ev) {
  ev.preventDefault();
  say("#invite-error", "");
  try {
    const id = encodeURIComponent(hv.hood.id);
    const inv = await api("POST", `/api/v1/hoods/${id}/invites`, { role: $("#invite-role").value, ttl: $("#invite-ttl").value, ...inviteScope() });
    $("#invite-code").value = inv.code;
    $("#invite-qr").src = url(`/api/v1/hoods/${id}/invites/qr.svg?code=${encodeURIComponent(inv.code)}`);
    const more = inv.role === "agency" ? hv.hood.agency_quorum - 1 : 0; // this steward signed it
    const whom = inv.role === "agency" ? "an agency" : `a ${inv.role}`;
    $("#invite-expires").textContent = `One use, for ${whom}, until ${new Date(inv.expires).toLocaleString()}.` +
      (more > 0 ? ` Before the agency can join, ${more} more ${more === 1 ? "steward cosigns" : "stewards cosign"} this code (Cosign card).` : "");
    $("#invite-copy").textContent = "Copy";
    $("#invite-new").hidden = false;
    hv.inviteAt = $("#member-list").querySelectorAll("li:not(.revoked)").length;
  } catch (e) {
    say("#invite-error", `No invite: ${e.message}`);
  }
}

// inviteScope is an agency invite's scope: the circle it may ask in and its caps (empty caps take the
// node's defaults). Without a place the agency joins but cannot post requests.
function inviteScope() {
  if ($("#invite-role").value !== "agency" || $("#scope-lat").value === "" || $("#scope-lon").value === "") return {};
  const num = sel => ($(sel).value === "" ? undefined : Number($(sel).value));
  const text = sel => $(sel).value.trim() || undefined;
  return { scope_lat: num("#scope-lat"), scope_lon: num("#scope-lon"), scope_radius: num("#scope-radius"),
    max_area_sq_mi: num("#scope-area"), max_window: text("#scope-window"), per_day: num("#scope-day"), valid: text("#scope-valid") };
}

function onCopyInvite() {
  const code = $("#invite-code");
  return copyText(code.value, $("#invite-copy"), () => code.select());
}

// ---- alerts ----

function startLive() {
  if (!window.EventSource) return;
  const es = new EventSource(url("/api/v1/alerts/stream"));
  hv.es = es;
  es.addEventListener("open", () => {
    if (hv.es !== es) return;
    if (!hv.live) refreshAlerts().catch(() => {}); // catch up on what came while it was down
    hv.live = true;
  });
  es.addEventListener("error", () => { hv.live = false; }); // it reconnects itself; tick polls meanwhile
  es.addEventListener("alert", ev => {
    const a = JSON.parse(ev.data);
    if (hv.es === es && a.hood === hv.hood?.id) addAlerts([a]);
  });
}

async function refreshAlerts() {
  const id = hv.hood.id;
  const as = await api("GET", `/api/v1/alerts?hood=${encodeURIComponent(id)}`);
  if (hv.hood?.id === id) { hv.alerts = []; addAlerts(as); }
}

function addAlerts(as) {
  const byId = new Map(hv.alerts.map(a => [a.id, a]));
  for (const a of as) byId.set(a.id, a);
  hv.alerts = [...byId.values()].sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
  renderAlerts();
}

// renderAlerts keeps the feed's items (and a clip playing in one) and inserts new ones in order.
function renderAlerts() {
  const feed = $("#alert-feed");
  const ids = new Set(hv.alerts.map(a => a.id));
  for (const [id, li] of hv.items) if (!ids.has(id)) { li.remove(); hv.items.delete(id); }
  let prev = null;
  for (const a of hv.alerts) {
    let li = hv.items.get(a.id);
    if (!li) hv.items.set(a.id, li = alertItem(a));
    li.querySelector(".alert-when").textContent = relTime(a.time);
    li.querySelector(".alert-matches")?.remove();
    const matches = eventAlert.matches(a, posted => addAlerts([posted]));
    if (matches) li.querySelector(".alert-text").after(matches);
    const at = prev ? prev.nextSibling : feed.firstChild;
    if (li !== at) feed.insertBefore(li, at);
    prev = li;
  }
  $("#alert-none").hidden = hv.alerts.length > 0;
  hoodMap.draw($("#alert-map svg"), hv.alerts, hv.homes, pickAlert);
  hoodUnread.seen(hv.alerts);
}

function alertItem(a) {
  const li = document.createElement("li");
  li.dataset.id = a.id;
  li.className = `alert cat-${a.category}`;
  const head = document.createElement("div");
  head.className = "alert-head";
  const when = document.createElement("time");
  when.className = "alert-when";
  when.dateTime = a.time;
  when.title = new Date(a.time).toLocaleString();
  head.append(span("alert-cat", a.category), span("alert-author", a.mine ? `${a.author_name} (this node)` : a.author_name), when);
  const text = document.createElement("p");
  text.className = "alert-text";
  text.textContent = a.text;
  li.append(head, text);
  if (a.clip) {
    const secs = Math.round((Date.parse(a.clip.end) - Date.parse(a.clip.start)) / 1000);
    const video = document.createElement("video");
    video.controls = true;
    video.playsInline = true;
    video.hidden = true;
    const msg = span("error alert-clip-error", "");
    msg.hidden = true;
    video.addEventListener("error", () => {
      msg.textContent = "The clip could not be played: the author's node may be offline.";
      msg.hidden = false;
    });
    const play = actionButton(`Play clip (${a.clip.camera}, ${secs} s)`, "secondary alert-play", () => {
      video.src = url(`/api/v1/alerts/${encodeURIComponent(a.id)}/clip.mp4`);
      video.hidden = false;
      play.hidden = true;
      video.play().catch(() => {});
    });
    li.append(play, video, msg);
  }
  return li;
}

function pickAlert(id) {
  const li = hv.items.get(id);
  if (!li) return;
  li.scrollIntoView({ behavior: "smooth", block: "center" });
  li.classList.add("picked");
  setTimeout(() => li.classList.remove("picked"), 1500);
}

// loadHomes gets the cameras' locations for the map; without them the map shows the alerts alone.
async function loadHomes() {
  try {
    const cams = await api("GET", "/api/v1/config/cameras");
    hv.homes = cams.filter(c => c.location).map(c => ({ name: c.name, lat: c.location.lat, lon: c.location.lon }));
  } catch (e) {
    hv.homes = [];
  }
  renderAlerts();
}

// ---- posting ----

// prefillPost lists the cameras and sets the clip range to the last 30 s, or to the page's parameters.
async function prefillPost(params) {
  const sel = $("#alert-camera");
  const want = params.get("camera") || sel.value;
  try {
    const names = [...new Set((await api("GET", "/api/v1/cameras")).map(c => c.name))];
    sel.replaceChildren(new Option("no clip", ""), ...names.map(n => new Option(n, n, false, n === want)));
  } catch (e) { /* posting without a clip still works */ }
  const start = Date.parse(params.get("start") || ""), end = Date.parse(params.get("end") || "");
  if (start && end) {
    $("#alert-start").value = localInput(start);
    $("#alert-end").value = localInput(end);
  } else {
    lastSeconds();
  }
}

function lastSeconds() {
  const now = Date.now();
  $("#alert-start").value = localInput(now - CLIP_DEFAULT_MS);
  $("#alert-end").value = localInput(now);
}

async function onPostAlert(ev) {
  ev.preventDefault();
  say("#alert-error", "");
  const body = { hood: hv.hood.id, text: $("#alert-text").value, category: $("#alert-category").value };
  const lat = $("#alert-lat").value, lon = $("#alert-lon").value;
  if (lat !== "") body.lat = Number(lat);
  if (lon !== "") body.lon = Number(lon);
  const cam = $("#alert-camera").value;
  if (cam) {
    const start = new Date($("#alert-start").value), end = new Date($("#alert-end").value);
    if (isNaN(start) || isNaN(end)) { say("#alert-error", "Set the clip's start and end."); return; }
    Object.assign(body, { camera: cam, start: start.toISOString(), end: end.toISOString() });
  }
  const b = $("#alert-post");
  b.disabled = true;
  try {
    addAlerts([await api("POST", "/api/v1/alerts", body)]);
    $("#alert-text").value = "";
    lastSeconds();
  } catch (e) {
    say("#alert-error", `Not posted: ${e.message}`);
  } finally {
    b.disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("#hood-create-form").addEventListener("submit", onCreateHood);
  $("#hood-join-form").addEventListener("submit", onJoinHood);
  $("#hood-create-costewards").addEventListener("input", () => { $("#hood-create-quorum-label").hidden = !coStewards().length; });
  $("#hood-select").addEventListener("change", onSelectHood);
  $("#invite-form").addEventListener("submit", onCreateInvite);
  $("#invite-copy").addEventListener("click", onCopyInvite);
  $("#invite-role").addEventListener("change", () => {
    $("#invite-scope").hidden = $("#invite-role").value !== "agency";
    const home = hv.homes[0];
    if (home && $("#scope-lat").value === "") { $("#scope-lat").value = home.lat; $("#scope-lon").value = home.lon; }
  });
  $("#alert-form").addEventListener("submit", onPostAlert);
  $("#alert-camera").addEventListener("change", () => { if ($("#alert-camera").value) lastSeconds(); });
});
}
