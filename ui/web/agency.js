// Agency console (#/agency), shown when this node is an agency in a hood: post a request for footage
// (its area a point and radius, clicked on the map within the agency's scope or typed), follow its
// requests with their submission counts and close them, and work the submissions: play, download, and
// read the chain of custody (manifest, hashes, signatures, log proofs). Uses api, $, views from app.js,
// reqKit from requests.js and areaMap.
"use strict";

{
const { say, node, when, span, area, localInput, row, status, size } = reqKit;
const ag = { hoods: [], scopes: [], timer: 0, subs: new Map() };
const HOUR = 3600e3;

views.agency = { section: "#agency", show: () => showConsole(), hide: () => stopConsole() };

function stopConsole() {
  clearInterval(ag.timer);
  ag.timer = 0;
  document.querySelectorAll("#sub-list video").forEach(v => v.pause());
}

async function showConsole() {
  stopConsole();
  say("#ar-error", "");
  try {
    ag.hoods = (await api("GET", "/api/v1/hoods")).filter(h => h.role === "agency");
    const dir = (await api("GET", "/api/v1/agencies")) || [];
    ag.scopes = dir.filter(a => ag.hoods.some(h => h.id === a.hood && h.self === a.agency));
  } catch (e) {
    say("#ar-error", e.message);
    return;
  }
  $("#ar-none").hidden = ag.hoods.length > 0;
  $("#ar-form").hidden = !ag.hoods.length;
  const sel = $("#ar-hood");
  const keep = sel.value;
  sel.replaceChildren(...ag.hoods.map(h => new Option(h.name, h.id, false, h.id === keep)));
  $("#ar-hood-label").hidden = ag.hoods.length < 2;
  const f = $("#ar-form");
  if (f.lat.value === "" && ag.scopes.length) {
    f.lat.value = ag.scopes[0].lat.toFixed(6);
    f.lon.value = ag.scopes[0].lon.toFixed(6);
  }
  if (!f.start.value) {
    f.start.value = localInput(Date.now() - HOUR);
    f.end.value = localInput(Date.now());
  }
  drawMap();
  ag.timer = setInterval(() => refresh().catch(() => {}), 10e3);
  await refresh().catch(e => say("#ar-error", e.message));
}

// drawMap shows the agency's scope and the area the form describes; a click moves the area there.
function drawMap() {
  const f = $("#ar-form");
  const pt = { lat: parseFloat(f.lat.value), lon: parseFloat(f.lon.value), radius: Number(f.radius.value) || 1 };
  const areas = ag.scopes.map(s => ({ ...s, cls: "scope", title: `scope of ${s.name}` }));
  if (Number.isFinite(pt.lat) && Number.isFinite(pt.lon)) areas.push({ ...pt, cls: "pick", title: "the request's area" });
  areaMap.draw($("#ar-map svg"), { areas, empty: "Type the area's coordinates.", onPoint: (lat, lon) => {
    f.lat.value = lat.toFixed(6);
    f.lon.value = lon.toFixed(6);
    drawMap();
  } });
}

async function onPost(ev) {
  ev.preventDefault();
  const f = ev.target;
  say("#ar-error", "");
  const start = new Date(f.start.value), end = new Date(f.end.value);
  if (isNaN(start) || isNaN(end)) { say("#ar-error", "Set the window's start and end."); return; }
  const body = { hood: f.hood.value, case: f.case.value.trim(), category: f.category.value, reason: f.reason.value.trim(),
    contact: f.contact.value.trim(), lat: Number(f.lat.value), lon: Number(f.lon.value), radius: Number(f.radius.value),
    start: start.toISOString(), end: end.toISOString(), expires_in: f.expires.value };
  const b = $("#ar-post");
  b.disabled = true;
  try {
    await api("POST", "/api/v1/requests", body);
    f.case.value = f.reason.value = "";
    await refresh();
  } catch (e) {
    say("#ar-error", `Not posted: ${e.message}`);
  } finally {
    b.disabled = false;
  }
}

async function refresh() {
  const [reqs, subs] = await Promise.all([api("GET", "/api/v1/requests"), api("GET", "/api/v1/submissions")]);
  $("#ar-list tbody").replaceChildren(...reqs.map(r => {
    const close = r.status === "open" ? actionButton("Close", "secondary ar-close", () => onClose(r)) : "";
    const tr = row([when(r.time), r.case, r.category || "", ["req-reason", r.reason], span(r.start, r.end), area(r),
      ["", status(r.status)], ["ar-subs", String(r.submissions)], ["", close]]);
    tr.dataset.id = r.id;
    return tr;
  }));
  $("#ar-list-none").hidden = reqs.length > 0;
  renderSubmissions(subs || []);
}

async function onClose(r) {
  if (!confirm(`Close the request for case ${r.case}? Homes stop being asked; the log keeps it.`)) return;
  try {
    await api("POST", `/api/v1/requests/${encodeURIComponent(r.id)}/close`);
    await refresh();
  } catch (e) {
    say("#ar-error", `Not closed: ${e.message}`);
  }
}

// renderSubmissions adds new submissions and leaves the others alone, so a clip playing keeps playing.
function renderSubmissions(subs) {
  const list = $("#sub-list");
  for (const s of subs) {
    if (ag.subs.has(s.id)) continue;
    const li = submissionItem(s);
    ag.subs.set(s.id, li);
    list.prepend(li);
  }
  $("#sub-none").hidden = subs.length > 0;
}

function submissionItem(s) {
  const li = node("li", "alert sub");
  li.dataset.id = s.id;
  const head = node("div", "alert-head");
  head.append(node("strong", "", `case ${s.case}`), node("span", "", `camera ${s.camera}`), node("span", "", size(s.size)),
    node("span", "alert-when", `received ${when(s.received)}`));
  li.append(head, node("p", "muted", `Clip ${span(s.start, s.end)}`));
  if (s.note) li.append(node("p", "alert-text", `Owner's note: ${s.note}`));
  const clip = url(`/api/v1/submissions/${encodeURIComponent(s.id)}/clip.mp4`);
  const video = node("video");
  Object.assign(video, { controls: true, playsInline: true, hidden: true });
  const custody = node("div", "custody");
  custody.hidden = true;
  const dl = node("a", "button secondary", "Download");
  Object.assign(dl, { href: clip, download: `submission-${s.id}.mp4` });
  const acts = node("div", "cam-actions");
  acts.append(actionButton("Play", "sub-play", () => {
    video.src = clip;
    video.hidden = false;
    video.play().catch(() => {});
  }), dl, actionButton("Chain of custody", "secondary sub-custody", () => showCustody(s, custody)));
  li.append(acts, video, custody);
  return li;
}

async function showCustody(s, box) {
  box.hidden = !box.hidden;
  if (box.hidden || box.childElementCount) return;
  try {
    const c = await api("GET", `/api/v1/submissions/${encodeURIComponent(s.id)}/custody`);
    const dl = node("dl", "req-facts");
    const add = (k, v) => dl.append(node("dt", "", k), v instanceof Node ? v : node("dd", "", v));
    const code = text => { const dd = node("dd"); dd.append(node("code", "hash", text)); return dd; };
    const proof = hs => { const dd = node("dd"); hs?.forEach(h => dd.append(node("code", "hash", h))); if (!hs?.length) dd.textContent = "(none needed)"; return dd; };
    add("Case", `${c.case} (request ${c.request})`);
    add("Clip", `camera ${c.camera}, ${span(c.start, c.end)}`);
    add("Approved by", `${c.owner}, ${when(c.approved)}`);
    add("Received", when(c.received));
    if (c.note) add("Owner's note", c.note);
    add("MP4", `${size(c.size)}`);
    add("MP4 SHA-256", code(c.sha256));
    add("Sealed", `${size(c.cipher_size)}`);
    add("Sealed SHA-256", code(c.cipher_sha256));
    add("Signed manifest (owner)", code(c.manifest));
    add("Signed receipt (agency)", code(c.receipt));
    add("Log checkpoint", code(c.checkpoint));
    add(`Request in the log, entry ${c.request_index}`, proof(c.request_proof));
    add(`Submission in the log, entry ${c.submission_index} of ${c.submission_count}`, proof(c.submission_proof));
    box.replaceChildren(node("h4", "", "Chain of custody"), dl);
  } catch (e) {
    box.replaceChildren(node("p", "error", `No custody record: ${e.message}`));
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const f = $("#ar-form");
  f.addEventListener("submit", onPost);
  for (const i of [f.lat, f.lon, f.radius]) i.addEventListener("input", drawMap);
});
}
