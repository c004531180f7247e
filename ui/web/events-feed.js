// Porchlight event feed: one EventSource on /api/v1/events/stream, shared by the views that show events
// live (the Events view's cards, the live tiles' motion badge), open only while one of them listens: over
// HTTP/1.1 a browser holds 6 connections to a host, and the live view's cameras need theirs. It keeps the
// events open now, loaded from the API when the stream (re)connects, so a view opened during an event shows
// it at once. Uses api from app.js; views stop listening when they hide (and every view hides at logout).
"use strict";

// eventFeed.on(f) calls f(event) for each event the stream sends (as it opens, changes, closes) and
// f(null) after a (re)connect reloaded the open events; it returns a function that removes f. The stream
// runs while there are listeners.
const eventFeed = {
  open: new Map(), // id -> event: the events open now
  listeners: new Set(),
  es: null,
  on(f) {
    this.listeners.add(f);
    if (!this.es) this.start();
    return () => {
      this.listeners.delete(f);
      if (!this.listeners.size) this.stop();
    };
  },
  // openOn is the open event of camera of the given kind ("" any), or null.
  openOn(camera, kind = "") {
    for (const e of this.open.values()) if (e.camera === camera && (!kind || e.kind === kind)) return e;
    return null;
  },
  // rolls returns each camera's pre- and post-roll in ms ({front: {pre, post}}), from the camera settings.
  async rolls() {
    const out = {};
    for (const c of await api("GET", "/api/v1/config/cameras")) {
      out[c.name] = { pre: goDuration(c.motion?.pre_roll), post: goDuration(c.motion?.post_roll) };
    }
    return out;
  },
  // clipRange is the footage of event e, [start - pre-roll, end + post-roll] in ms, never past now (an
  // open event reaches to now).
  clipRange(e, roll = { pre: 0, post: 0 }) {
    const now = Date.now(), end = e.end === null ? now : Date.parse(e.end) + roll.post;
    return [Date.parse(e.start) - roll.pre, Math.min(end, now)];
  },
};

// goDuration reads a Go duration ("1m30s", "500ms", "0s") as ms; NaN when it is not one, 0 when empty.
function goDuration(s) {
  if (!s) return 0;
  const units = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let ms = 0, m, at = 0;
  const sign = s.startsWith("-") ? -1 : 1;
  if (sign < 0 || s.startsWith("+")) at = re.lastIndex = 1;
  while ((m = re.exec(s))) { ms += Number(m[1]) * units[m[2]]; at = re.lastIndex; }
  return at === s.length && at > 0 ? sign * ms : NaN;
}

{
function tell(e) {
  for (const f of eventFeed.listeners) {
    try { f(e); } catch (err) { console.error("event listener", err); }
  }
}

// loadOpen asks the API for the events open now: an open event overlaps every range after its start.
async function loadOpen(es) {
  const list = await api("GET", `/api/v1/events?start=${new Date().toISOString()}&limit=1000`);
  if (eventFeed.es !== es) return; // stopped or restarted meanwhile
  eventFeed.open = new Map(list.filter(e => e.end === null).map(e => [e.id, e]));
  tell(null);
}

eventFeed.stop = () => {
  eventFeed.es?.close();
  eventFeed.es = null;
  eventFeed.open.clear();
};

eventFeed.start = () => {
  eventFeed.stop();
  if (!window.EventSource) { loadOpen(null).catch(() => {}); return; }
  const es = new EventSource(url("/api/v1/events/stream"));
  eventFeed.es = es;
  // Subscribed first, then loaded: nothing falls between the two.
  es.addEventListener("open", () => { if (eventFeed.es === es) loadOpen(es).catch(() => {}); });
  es.addEventListener("event", msg => {
    if (eventFeed.es !== es) return;
    const e = JSON.parse(msg.data);
    if (e.end === null) eventFeed.open.set(e.id, e);
    else eventFeed.open.delete(e.id);
    tell(e);
  });
}
}
