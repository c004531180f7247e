// Porchlight timeline view: one camera's recorded spans over a day on a zoomable SVG timeline (a day down
// to a minute) with the gaps visible; click to play recorded footage from that moment, drag to pan, wheel
// or pinch to zoom, shift-drag to mark a range for export (timeline-export.js). Camera, day, position and
// zoom live in the URL fragment, so a view can be bookmarked: #/timeline?camera=front&day=2026-11-27&t=08:15:00&zoom=600
"use strict";

// One block: the names stay out of the global scope the other view files share.
{
const MINUTE = 60e3, HOUR = 60 * MINUTE, DAY = 24 * HOUR;
const CLIP = 10 * MINUTE; // each <video> source is an export of at most this long, streamed with Range
const TICKS = [10e3, 30e3, MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR];

const tl = {
  cams: [], camera: "", dayStart: 0, dayEnd: 0, from: 0, to: 0, spans: [], mark: null,
  clip: null, // {start, end} of the loaded video source, in ms
  pos: 0,     // the playing position, ms
  timer: 0, urlTimer: 0, active: false,
};

views.timeline = { section: "#timeline", show: p => showTimeline(p), hide: () => hideTimeline() };

const pad2 = n => String(n).padStart(2, "0");
function localDay(ms) { const d = new Date(ms); return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`; }
function localTime(ms, secs = true) {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}` + (secs ? `:${pad2(d.getSeconds())}` : "");
}
// atTime is the ms of a local "HH:MM[:SS]" on the shown day ("" gives NaN).
function atTime(hms) {
  const [h, m, s] = hms.split(":").map(Number), d = new Date(tl.dayStart);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate(), h, m, s || 0).getTime();
}
function dayBounds(ymd) {
  const [y, m, d] = (ymd || localDay(Date.now())).split("-").map(Number);
  return [new Date(y, m - 1, d).getTime(), new Date(y, m - 1, d + 1).getTime()]; // DST days are 23 or 25 h
}
function exportURL(cam, start, end) {
  return url(`/api/v1/cameras/${encodeURIComponent(cam)}/export.mp4?start=${new Date(start).toISOString()}&end=${new Date(end).toISOString()}`);
}
function say(text) { const m = $("#tl-message"); m.textContent = text; m.hidden = !text; }

async function showTimeline(params) {
  tl.active = true;
  tl.cams = (await api("GET", "/api/v1/cameras")).filter(c => c.stream === "main");
  const sel = $("#tl-camera");
  sel.replaceChildren(...tl.cams.map(c => new Option(c.name, c.name)));
  if (!tl.cams.length) { say("No cameras yet."); return; }
  tl.camera = tl.cams.some(c => c.name === params.get("camera")) ? params.get("camera") : tl.cams[0].name;
  sel.value = tl.camera;
  [tl.dayStart, tl.dayEnd] = dayBounds(params.get("day"));
  $("#tl-day").value = localDay(tl.dayStart);
  const zoom = Math.min(Math.max(Number(params.get("zoom")) * 1e3 || DAY, MINUTE), tl.dayEnd - tl.dayStart);
  const t = params.get("t") ? atTime(params.get("t")) : NaN;
  setView(Number.isNaN(t) ? tl.dayStart : t - zoom / 2, zoom);
  tl.mark = null;
  await loadSpans();
  if (!Number.isNaN(t)) playAt(t, false);
  clearInterval(tl.timer);
  tl.timer = setInterval(() => { if (Date.now() < tl.dayEnd) loadSpans(); }, 5000);
  timelineView.hooks.shown?.();
}

function hideTimeline() {
  tl.active = false;
  clearInterval(tl.timer);
  const v = $("#tl-video");
  v.pause();
  v.removeAttribute("src");
  v.load();
  tl.clip = null;
}

async function loadSpans() {
  const q = `start=${new Date(tl.dayStart).toISOString()}&end=${new Date(tl.dayEnd).toISOString()}`;
  try {
    const spans = await api("GET", `/api/v1/cameras/${encodeURIComponent(tl.camera)}/recordings?${q}`);
    tl.spans = spans.map(s => ({ s: Date.parse(s.start), e: Date.parse(s.end) })).sort((a, b) => a.s - b.s);
    if (!tl.clip) say(tl.spans.length ? "" : "Nothing recorded on this day.");
  } catch (e) {
    say(`Cannot load recordings: ${e.message}`);
  }
  await timelineView.hooks.spans?.(); // timeline-events.js loads the day's events
  draw();
}

// setView shows [from, from+width] of the day, clamped to the day and to a minute at the least.
function setView(from, width) {
  const day = tl.dayEnd - tl.dayStart;
  width = Math.min(Math.max(width, MINUTE), day);
  tl.from = Math.min(Math.max(from, tl.dayStart), tl.dayEnd - width);
  tl.to = tl.from + width;
  draw();
  saveURL();
}
function zoomAt(factor, at = (tl.from + tl.to) / 2) {
  const w = tl.to - tl.from, nw = Math.min(Math.max(w * factor, MINUTE), tl.dayEnd - tl.dayStart);
  setView(at - (at - tl.from) * nw / w, nw);
}

// saveURL writes camera, day, position and zoom into the fragment, without a history entry or hashchange,
// at most every 300 ms (playback calls it four times a second).
function saveURL() {
  if (!tl.active || tl.urlTimer) return;
  tl.urlTimer = setTimeout(() => {
    tl.urlTimer = 0;
    if (!tl.active) return;
    const p = new URLSearchParams({ camera: tl.camera, day: localDay(tl.dayStart) });
    if (tl.clip) p.set("t", localTime(tl.pos));
    if (tl.to - tl.from < tl.dayEnd - tl.dayStart) p.set("zoom", String(Math.round((tl.to - tl.from) / 1e3)));
    history.replaceState(null, "", `#/timeline?${p}`);
  }, 300);
}

// ---- drawing ----

const SVGNS = "http://www.w3.org/2000/svg";
function el(name, attrs, text) {
  const e = document.createElementNS(SVGNS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}
function svgWidth() { return $("#tl-svg").clientWidth || 800; }
function xOf(t) { return (t - tl.from) / (tl.to - tl.from) * svgWidth(); }
function tOf(x) { return tl.from + x / svgWidth() * (tl.to - tl.from); }

function draw() {
  const svg = $("#tl-svg"), W = svgWidth(), H = svg.clientHeight || 72, bar = [8, H - 36]; // the span band

  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const kids = [el("rect", { class: "gap", x: 0, y: bar[0], width: W, height: bar[1] })];
  for (const sp of tl.spans) {
    if (sp.e < tl.from || sp.s > tl.to) continue;
    const x = Math.max(xOf(sp.s), -1), w = Math.max(Math.min(xOf(sp.e), W + 1) - x, 2);
    const r = el("rect", { class: "span", x, y: bar[0], width: w, height: bar[1],
      "data-start": new Date(sp.s).toISOString(), "data-end": new Date(sp.e).toISOString() });
    r.append(el("title", {}, `${localTime(sp.s)} – ${localTime(sp.e)}`));
    kids.push(r);
  }
  timelineView.hooks.layer?.(kids, { W, H, bar, el, xOf }); // event markers
  const step = TICKS.find(s => W / ((tl.to - tl.from) / s) >= 70) || TICKS[TICKS.length - 1];
  for (let t = tl.dayStart + Math.ceil((tl.from - tl.dayStart) / step) * step; t <= tl.to; t += step) {
    const x = xOf(t);
    kids.push(el("line", { class: "tick", x1: x, x2: x, y1: bar[0] + bar[1], y2: bar[0] + bar[1] + 6 }));
    kids.push(el("text", { class: "label", x: x + 2, y: H - 8 }, localTime(t, step < MINUTE)));
  }
  if (tl.mark) {
    const [a, b] = [Math.min(...tl.mark), Math.max(...tl.mark)];
    kids.push(el("rect", { class: "mark", x: xOf(a), y: 2, width: Math.max(xOf(b) - xOf(a), 1), height: bar[1] + 12 }));
  }
  const now = Date.now();
  if (now > tl.from && now < tl.to) kids.push(el("line", { class: "now", x1: xOf(now), x2: xOf(now), y1: 0, y2: bar[0] + bar[1] }));
  if (tl.clip && tl.pos >= tl.from && tl.pos <= tl.to) {
    kids.push(el("line", { class: "playhead", x1: xOf(tl.pos), x2: xOf(tl.pos), y1: 0, y2: H - 20 }));
  }
  svg.replaceChildren(...kids);
  $("#tl-clock").textContent = tl.clip ? `${localTime(tl.pos)}` : "";
}

// ---- playback ----

// playAt plays recorded footage from t: a moment in a gap snaps to the next recording. The source is an
// export of [t, t+10 min] clipped to the span and to now, so the video starts at t.
function playAt(t, autoplay = true) {
  const sp = tl.spans.find(s => s.e > t + 500);
  if (!sp) { say("Nothing recorded after this moment."); return false; }
  const start = Math.max(t, sp.s), end = Math.min(start + CLIP, sp.e, Date.now());
  if (end - start < 500) { say("Nothing recorded after this moment."); return false; }
  say("");
  tl.clip = { start, end };
  tl.pos = start;
  const v = $("#tl-video");
  v.src = exportURL(tl.camera, start, end);
  if (autoplay) v.play().catch(() => { v.muted = true; v.play().catch(() => {}); });
  if (start < tl.from || start > tl.to) setView(start - (tl.to - tl.from) / 2, tl.to - tl.from);
  draw();
  saveURL();
  return true;
}

// seek moves the playing position by d ms: within the loaded clip by currentTime, else by a new clip.
function seek(d) {
  if (!tl.clip) return;
  const v = $("#tl-video"), t = tl.pos + d;
  if (t >= tl.clip.start && t < tl.clip.end - 500) v.currentTime = (t - tl.clip.start) / 1e3;
  else playAt(t, !v.paused);
}

async function onEnded() {
  if (!tl.clip) return;
  const next = tl.clip.end;
  await loadSpans();
  playAt(next);
}

function onTimeUpdate() {
  if (!tl.clip) return;
  const v = $("#tl-video");
  tl.pos = tl.clip.start + v.currentTime * 1e3;
  const w = tl.to - tl.from;
  if (!v.paused && (tl.pos > tl.to || tl.pos < tl.from)) setView(tl.pos - w / 10, w); // follow the playhead
  else draw();
  saveURL();
}

function onKey(ev) {
  if (!tl.active || ev.target.closest?.("input, select, textarea, button") || ev.ctrlKey || ev.metaKey) return;
  const v = $("#tl-video");
  const keys = {
    " ": () => tl.clip ? (v.paused ? v.play().catch(() => {}) : v.pause()) : playAt(tl.from),
    ArrowLeft: () => seek(-10e3), ArrowRight: () => seek(10e3),
    "+": () => zoomAt(0.5, tl.clip ? tl.pos : undefined), "=": () => zoomAt(0.5, tl.clip ? tl.pos : undefined),
    "-": () => zoomAt(2, tl.clip ? tl.pos : undefined),
  };
  if (!keys[ev.key]) return;
  ev.preventDefault();
  keys[ev.key]();
}

// ---- pointer: click plays, drag pans, shift-drag marks, wheel and pinch zoom ----

const drag = { pointers: new Map(), startX: 0, from: 0, moved: false, marking: false, pinch: 0, target: null };

function svgX(ev) { return ev.clientX - $("#tl-svg").getBoundingClientRect().left; }

function onPointerDown(ev) {
  const svg = $("#tl-svg");
  svg.setPointerCapture(ev.pointerId);
  drag.pointers.set(ev.pointerId, svgX(ev));
  if (drag.pointers.size === 2) { drag.pinch = pinchWidth(); drag.moved = true; return; }
  Object.assign(drag, { startX: svgX(ev), from: tl.from, moved: false, marking: ev.shiftKey, target: ev.target });
  if (drag.marking) { tl.mark = [tOf(drag.startX), tOf(drag.startX)]; draw(); }
}
function pinchWidth() { const [a, b] = [...drag.pointers.values()]; return Math.abs(a - b); }

function onPointerMove(ev) {
  if (!drag.pointers.has(ev.pointerId)) return;
  const x = svgX(ev);
  drag.pointers.set(ev.pointerId, x);
  if (drag.pointers.size === 2) {
    const w = pinchWidth(), [a, b] = [...drag.pointers.values()];
    if (drag.pinch > 10 && w > 10) zoomAt(drag.pinch / w, tOf((a + b) / 2));
    drag.pinch = w;
    return;
  }
  if (Math.abs(x - drag.startX) > 4) drag.moved = true;
  if (drag.marking) { tl.mark[1] = tOf(x); draw(); timelineView.hooks.mark?.(); return; }
  if (drag.moved) setView(drag.from - (x - drag.startX) / svgWidth() * (tl.to - tl.from), tl.to - tl.from);
}

function onPointerUp(ev) {
  if (!drag.pointers.delete(ev.pointerId)) return;
  if (drag.pointers.size) return;
  if (drag.marking) { timelineView.hooks.mark?.(); return; }
  if (!drag.moved && !timelineView.hooks.press?.(drag.target)) playAt(tOf(svgX(ev)));
}

function onWheel(ev) {
  ev.preventDefault();
  if (Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
    setView(tl.from + ev.deltaX / svgWidth() * (tl.to - tl.from), tl.to - tl.from);
  } else {
    zoomAt(Math.exp(ev.deltaY * 0.002), tOf(svgX(ev)));
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const svg = $("#tl-svg"), v = $("#tl-video");
  svg.addEventListener("pointerdown", onPointerDown);
  svg.addEventListener("pointermove", onPointerMove);
  svg.addEventListener("pointerup", onPointerUp);
  svg.addEventListener("pointercancel", ev => drag.pointers.delete(ev.pointerId));
  svg.addEventListener("wheel", onWheel, { passive: false });
  v.addEventListener("timeupdate", onTimeUpdate);
  v.addEventListener("ended", onEnded);
  v.addEventListener("error", () => { if (tl.clip) say("This recording cannot be played here; it can still be exported."); });
  document.addEventListener("keydown", onKey);
  window.addEventListener("resize", draw);
  $("#tl-zoom-in").addEventListener("click", () => zoomAt(0.5, tl.clip ? tl.pos : undefined));
  $("#tl-zoom-out").addEventListener("click", () => zoomAt(2, tl.clip ? tl.pos : undefined));
  $("#tl-zoom-day").addEventListener("click", () => setView(tl.dayStart, DAY));
  $("#tl-camera").addEventListener("change", ev => {
    hideTimeline();
    showTimeline(new URLSearchParams({ camera: ev.target.value, day: localDay(tl.dayStart) }));
  });
  $("#tl-day").addEventListener("change", ev => {
    if (!ev.target.value) return;
    hideTimeline();
    showTimeline(new URLSearchParams({ camera: tl.camera, day: ev.target.value }));
  });
});

// timelineView is what timeline-export.js and timeline-events.js use of this view; they set the hooks.
globalThis.timelineView = { tl, atTime, localTime, localDay, exportURL, draw, playAt, hooks: {} };
}
