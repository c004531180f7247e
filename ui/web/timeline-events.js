// Porchlight timeline event markers: each event of the shown camera and day is a band on the lower half of
// the recordings track (at least 6 px wide, so a short one can still be tapped); a click on one plays from
// the event's start minus its camera's pre-roll. The events are reloaded with the spans (every 5 s today).
// Uses api, timelineView (timeline.js) and eventFeed (events-feed.js).
"use strict";

{
const { tl, playAt, localTime } = timelineView;
const ROLLS_TTL = 60e3; // the cameras' pre-rolls are read again after a minute (settings may change)
const te = { events: [], rolls: {}, rollsAt: 0 };
const iso = ms => new Date(ms).toISOString();

async function loadEvents() {
  try {
    if (Date.now() - te.rollsAt > ROLLS_TTL) {
      te.rolls = await eventFeed.rolls();
      te.rollsAt = Date.now();
    }
    const camera = tl.camera;
    const q = new URLSearchParams({ camera, start: iso(tl.dayStart), end: iso(tl.dayEnd), limit: "1000" });
    const list = await api("GET", `/api/v1/events?${q}`);
    if (camera !== tl.camera) return;
    te.events = list.map(e => ({ id: e.id, kind: e.kind, open: e.end === null, s: Date.parse(e.start),
      e: e.end === null ? Date.now() : Date.parse(e.end) }));
  } catch (e) {
    te.events = []; // markers are extra: the footage is still drawn and plays
  }
}

function layer(kids, { bar, el, xOf }) {
  const y = bar[0] + bar[1] * 0.55, h = bar[1] * 0.45;
  for (const ev of te.events) {
    if (ev.e < tl.from || ev.s > tl.to) continue;
    const x0 = xOf(ev.s), x1 = xOf(ev.e), w = Math.max(x1 - x0, 6);
    const r = el("rect", { class: ev.open ? "event open" : "event", x: x1 - x0 < 6 ? (x0 + x1) / 2 - 3 : x0, y, width: w,
      height: h, "data-id": ev.id, "data-start": iso(ev.s) });
    r.append(el("title", {}, `${ev.kind} ${localTime(ev.s)} – ${ev.open ? "now" : localTime(ev.e)}: click to play it`));
    kids.push(r);
  }
}

// press plays the event whose marker was pressed, from its pre-roll; false when target is no marker.
function press(target) {
  const id = target?.closest?.("rect.event")?.dataset.id;
  const ev = id && te.events.find(e => String(e.id) === id);
  if (!ev) return false;
  playAt(ev.s - (te.rolls[tl.camera]?.pre || 0));
  return true;
}

timelineView.hooks.spans = loadEvents;
timelineView.hooks.layer = layer;
timelineView.hooks.press = press;
}
