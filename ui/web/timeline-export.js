// Porchlight timeline export: a range marked on the timeline (shift-drag) or typed into the two time
// inputs, its estimated size from the camera's bitrate, the MP4 download with a progress bar, and the
// list of recent exports (kept in localStorage; this session's files stay downloadable from memory).
"use strict";

{
const { tl, atTime, localTime, localDay, exportURL, draw } = timelineView;
const RECENT_KEY = "porchlight.exports", RECENT_MAX = 10;
const exportBlobs = new Map(); // file name -> object URL of this session's downloads

function formatBytes(n) {
  const units = ["B", "KB", "MB", "GB"];
  let i = 0;
  for (; n >= 1000 && i < units.length - 1; i++) n /= 1000;
  return `${n.toFixed(i && n < 10 ? 1 : 0)} ${units[i]}`;
}
function formatDuration(ms) {
  const s = Math.round(ms / 1e3);
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor(s % 3600 / 60)} min`;
}

// markRange is the marked [start, end] in ms, or null when the inputs do not give a valid range.
function markRange() {
  const f = $("#tl-export");
  const a = atTime(f.from.value), b = atTime(f.to.value);
  return a < b ? [a, b] : null;
}

function showEstimate() {
  const r = markRange(), est = $("#tl-estimate");
  if (!r) { est.textContent = "Mark a range: shift-drag on the timeline or type the times."; return; }
  const cam = tl.cams.find(c => c.name === tl.camera);
  const size = cam?.bitrate_bps ? ` ≈ ${formatBytes(cam.bitrate_bps / 8 * (r[1] - r[0]) / 1e3)}` : "";
  est.textContent = `${formatDuration(r[1] - r[0])}${size}`;
}

// exportShown resets the form when the view opens a camera or day.
function exportShown() {
  const f = $("#tl-export");
  f.from.value = f.to.value = "";
  $("#tl-progress").hidden = true;
  showEstimate();
  renderRecent();
}

// markChanged copies the range marked on the timeline into the inputs.
function markChanged() {
  if (!tl.mark) return;
  const f = $("#tl-export"), [a, b] = [Math.min(...tl.mark), Math.max(...tl.mark)];
  f.from.value = localTime(a);
  f.to.value = localTime(b);
  showEstimate();
}

// onShare opens the Neighborhood page's alert form with the marked range as the clip to attach.
function onShare() {
  const r = markRange();
  if (!r) { showEstimate(); return; }
  const q = new URLSearchParams({ camera: tl.camera, start: new Date(r[0]).toISOString(), end: new Date(r[1]).toISOString() });
  location.hash = `#/hood?${q}`;
}

function inputsChanged() {
  tl.mark = markRange();
  draw();
  showEstimate();
}

async function onExport(ev) {
  ev.preventDefault();
  const r = markRange(), err = $("#tl-export-error"), bar = $("#tl-progress"), button = ev.submitter;
  err.hidden = true;
  if (!r) { showEstimate(); return; }
  const camera = tl.camera, url = exportURL(camera, r[0], r[1]);
  const name = `${camera}-${localDay(r[0]).replaceAll("-", "")}-${localTime(r[0]).replaceAll(":", "")}.mp4`;
  button.disabled = true;
  bar.hidden = false;
  bar.value = 0;
  bar.removeAttribute("max");
  try {
    const resp = await fetch(url, { credentials: "same-origin" });
    if (!resp.ok) {
      const body = resp.headers.get("Content-Type")?.startsWith("application/json") ? await resp.json() : null;
      throw new Error(body?.error || resp.statusText);
    }
    const total = Number(resp.headers.get("Content-Length")) || 0;
    if (total) bar.max = total;
    const chunks = [], reader = resp.body.getReader();
    let got = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      got += value.length;
      if (total) bar.value = got;
    }
    if (!total) { bar.max = got || 1; bar.value = got; }
    const href = URL.createObjectURL(new Blob(chunks, { type: "video/mp4" }));
    exportBlobs.set(name, href);
    const a = document.createElement("a");
    a.href = href;
    a.download = name;
    a.click();
    addRecent({ camera, start: r[0], end: r[1], bytes: got, name, at: Date.now() });
  } catch (e) {
    err.textContent = `Export failed: ${e.message}`;
    err.hidden = false;
  } finally {
    button.disabled = false;
  }
}

function loadRecent() {
  try { return JSON.parse(localStorage.getItem(RECENT_KEY)) || []; } catch { return []; }
}

function addRecent(item) {
  const list = [item, ...loadRecent().filter(x => x.name !== item.name)].slice(0, RECENT_MAX);
  try { localStorage.setItem(RECENT_KEY, JSON.stringify(list)); } catch { /* storage full or off */ }
  renderRecent();
}

// renderRecent lists recent exports: this session's files from memory, older ones fetched again.
function renderRecent() {
  const ul = $("#tl-exports");
  const items = loadRecent().map(x => {
    const li = document.createElement("li"), a = document.createElement("a");
    a.href = exportBlobs.get(x.name) || exportURL(x.camera, x.start, x.end);
    a.download = x.name;
    a.textContent = x.name;
    a.dataset.bytes = x.bytes;
    li.append(a, ` ${x.camera}, ${localDay(x.start)} ${localTime(x.start)}–${localTime(x.end)}, ` +
      `${formatDuration(x.end - x.start)}, ${formatBytes(x.bytes)}`);
    return li;
  });
  ul.replaceChildren(...items);
  $("#tl-exports-none").hidden = items.length > 0;
}

timelineView.hooks.shown = exportShown;
timelineView.hooks.mark = markChanged;

document.addEventListener("DOMContentLoaded", () => {
  const f = $("#tl-export");
  f.addEventListener("submit", onExport);
  $("#tl-share").addEventListener("click", onShare);
  f.from.addEventListener("input", inputsChanged);
  f.to.addEventListener("input", inputsChanged);
});
}
