// Porchlight Events view (#/events?camera=front&day=2026-12-06[&limit=24]): a grid of event cards, newest
// first, a page of limit at a time ("More"), filtered by camera and day, kept live by the event feed (events-feed.js): a new
// event appears at the top, an open one says "ongoing" until it closes. A click on a card plays the event's
// footage (pre-roll to post-roll) in place. Uses api, $, views from app.js and eventFeed.
"use strict";

{
const PAGE = 24, MAX_PAGE = 1000; // the API's limit
const ev = {
  active: false, gen: 0, camera: "", day: "", dayStart: 0, dayEnd: 0, page: PAGE,
  before: 0,         // the oldest id shown: the next page's cursor
  cards: new Map(),  // id -> card element
  rolls: {},         // camera -> {pre, post} ms
  pictures: {},      // camera -> its pictures status (GET /api/v1/cameras, main stream): why events have no picture
  off: null,         // removes our feed listener
};

views.events = { section: "#events", show: p => showEvents(p), hide: () => hideEvents() };

const pad2 = n => String(n).padStart(2, "0");
function dayRange(ymd) {
  const [y, m, d] = ymd.split("-").map(Number);
  return [new Date(y, m - 1, d).getTime(), new Date(y, m - 1, d + 1).getTime()];
}
function say(text) { const m = $("#ev-message"); m.textContent = text; m.hidden = !text; }
function exportURL(cam, start, end) {
  return url(`/api/v1/cameras/${encodeURIComponent(cam)}/export.mp4?start=${new Date(start).toISOString()}&end=${new Date(end).toISOString()}`);
}
function formatDuration(ms) {
  const s = Math.max(0, Math.round(ms / 1e3));
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor(s % 3600 / 60)} min`;
}
function formatWhen(ms) {
  const d = new Date(ms), time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  return ev.day ? time : `${d.toLocaleDateString([], { month: "short", day: "numeric" })} ${time}`;
}

async function showEvents(params) {
  hideEvents();
  ev.active = true;
  const gen = ++ev.gen;
  ev.camera = params.get("camera") || "";
  ev.day = /^\d{4}-\d{2}-\d{2}$/.test(params.get("day") || "") ? params.get("day") : "";
  ev.page = Math.min(Math.max(Math.floor(Number(params.get("limit"))) || PAGE, 1), MAX_PAGE);
  [ev.dayStart, ev.dayEnd] = ev.day ? dayRange(ev.day) : [0, 0];
  $("#ev-day").value = ev.day;
  $("#ev-grid").replaceChildren();
  ev.cards.clear();
  ev.before = 0;
  $("#ev-more").hidden = true;
  ev.off = eventFeed.on(onFeed);
  try {
    const [rolls, status] = await Promise.all([eventFeed.rolls(), api("GET", "/api/v1/cameras")]);
    if (gen !== ev.gen) return;
    ev.rolls = rolls;
    ev.pictures = Object.fromEntries(status.filter(c => c.stream === "main").map(c => [c.name, c.pictures || null]));
    const sel = $("#ev-camera");
    sel.replaceChildren(new Option("All cameras", ""), ...Object.keys(rolls).map(n => new Option(n, n)));
    sel.value = ev.camera;
    await loadPage(gen);
    if (gen === ev.gen && params.get("event")) pickCard(ev.cards.get(Number(params.get("event"))));
  } catch (e) {
    say(`Cannot load events: ${e.message}`);
  }
}

// pickCard brings the event a link names (#/events?…&event=ID, as notifications link) into view.
function pickCard(card) {
  if (!card) return;
  card.setAttribute("aria-current", "true"); // the event a link named (a notification's)
  card.scrollIntoView({ behavior: "smooth", block: "center" });
  card.classList.add("picked");
  setTimeout(() => card.classList.remove("picked"), 1500);
}

function hideEvents() {
  ev.active = false;
  ev.off?.();
  ev.off = null;
  for (const v of document.querySelectorAll("#ev-grid video")) { v.pause(); v.removeAttribute("src"); v.load(); }
}

function query(before) {
  const q = new URLSearchParams({ limit: String(ev.page) });
  if (ev.camera) q.set("camera", ev.camera);
  if (ev.day) { q.set("start", new Date(ev.dayStart).toISOString()); q.set("end", new Date(ev.dayEnd).toISOString()); }
  if (before) q.set("before", String(before));
  return q;
}

// loadPage appends the next page (the first when nothing is shown).
async function loadPage(gen) {
  const list = await api("GET", `/api/v1/events?${query(ev.before)}`);
  if (gen !== ev.gen) return;
  for (const e of list) place(e, true);
  if (list.length) ev.before = list[list.length - 1].id;
  $("#ev-more").hidden = list.length < ev.page;
  say(ev.cards.size ? "" : `No events${ev.camera ? ` of ${ev.camera}` : ""}${ev.day ? " on this day" : ""} yet.`);
}

// matches says whether e belongs to the view's filter (camera, and the day it overlaps).
function matches(e) {
  if (ev.camera && e.camera !== ev.camera) return false;
  if (!ev.day) return true;
  return Date.parse(e.start) < ev.dayEnd && (e.end === null || Date.parse(e.end) >= ev.dayStart);
}

// place shows e: updates its card, or inserts a new one in id order (newest first). Events older than the
// loaded pages wait for "More" unless they come from a page.
function place(e, paged = false) {
  const card = ev.cards.get(e.id);
  if (card) { renderCard(card, e); return; }
  if (!paged && ev.before && e.id < ev.before && !$("#ev-more").hidden) return;
  const c = eventCard(e);
  ev.cards.set(e.id, c);
  const after = [...ev.cards.entries()].filter(([id]) => id < e.id).sort((a, b) => b[0] - a[0])[0];
  $("#ev-grid").insertBefore(c, after ? after[1] : null);
  say("");
}

function onFeed(e) {
  if (!ev.active) return;
  if (e === null) { // the stream reconnected: catch up on the newest page
    const gen = ev.gen;
    api("GET", `/api/v1/events?${query(0)}`).then(list => { if (gen === ev.gen) list.forEach(x => place(x)); }).catch(() => {});
    return;
  }
  if (matches(e)) place(e);
}

// noPicture says why e has no picture: the camera's reason when the node knows one.
function noPicture(e) {
  const why = ev.pictures[e.camera]?.no_snapshot_reason;
  if (why) return `no picture: ${why}`;
  return e.end === null ? "no picture yet" : "no picture: none was taken for this event";
}

// fixes lists, for an event without a picture, what the owner can do about it (pictures.js): how to get
// snapshots at all, or the latest snapshot or ffmpeg failure and what to check. Nothing for an event with
// a picture, or one still open on a camera that takes pictures (its snapshot may yet come).
function fixes(e) {
  const p = ev.pictures[e.camera];
  if (e.snapshot || !p || (p.snapshot_source && e.end === null)) return [];
  return pictures.problems(p).filter(it => it.key !== "zones").map(it => {
    const el = document.createElement("p");
    el.className = "ev-fix";
    el.dataset.problem = it.key;
    // the placeholder already says what is missing when there is no snapshot source at all
    el.textContent = it.key === "no-snapshots" ? it.todo : `${it.what} ${it.todo}`;
    return el;
  });
}

function picture(e) {
  if (e.snapshot) {
    const img = document.createElement("img");
    img.className = "ev-snap";
    img.alt = `${e.camera} at ${formatWhen(Date.parse(e.start))}`;
    img.loading = "lazy";
    img.src = e.snapshot;
    img.addEventListener("error", () => img.replaceWith(placeholder("no picture: the snapshot could not be loaded")));
    return img;
  }
  return placeholder(noPicture(e));
}
function placeholder(text) {
  const p = document.createElement("span");
  p.className = "ev-nopic";
  p.textContent = text;
  return p;
}

// eventCard makes the card of event e. Its parts: .ev-media (a play button holding the picture, or the
// playing <video>), .ev-info (camera, time, duration, score), .ev-why (without a picture: what to do about
// it) and .ev-actions, which is emptied on each
// render and then handed to eventsView.hooks.card(actions, e, card) for other features' buttons.
function eventCard(e) {
  const card = document.createElement("article");
  card.className = "ev-card";
  card.dataset.id = e.id;
  const media = document.createElement("div"), info = document.createElement("div"), why = document.createElement("div"),
    actions = document.createElement("div");
  media.className = "ev-media";
  info.className = "ev-info";
  why.className = "ev-why";
  actions.className = "ev-actions";
  card.append(media, info, why, actions);
  renderCard(card, e);
  return card;
}

// renderCard shows e (a new state of the card's event) on card; a playing clip keeps playing.
function renderCard(card, e) {
  const was = card.event;
  card.event = e;
  card.classList.toggle("ongoing", e.end === null);
  const media = card.querySelector(".ev-media");
  if (!media.querySelector("video") && (!was || was.snapshot !== e.snapshot || was.end !== e.end || !media.firstChild)) {
    const play = document.createElement("button");
    play.type = "button";
    play.className = "ev-play";
    play.title = "Play this event";
    play.append(picture(e));
    play.addEventListener("click", () => playCard(card));
    media.replaceChildren(play);
  }
  const start = Date.parse(e.start);
  const dur = e.end === null ? "ongoing" : formatDuration(Date.parse(e.end) - start);
  const parts = [["ev-camera", e.camera], ["ev-time", formatWhen(start)], [`ev-dur${e.end === null ? " live" : ""}`, dur],
    ["ev-score", `score ${Math.round(e.score * 100)}%`]];
  card.querySelector(".ev-info").replaceChildren(...parts.map(([cls, text]) => {
    const s = document.createElement(cls === "ev-time" ? "time" : "span");
    s.className = cls;
    s.textContent = text;
    if (cls === "ev-time") s.dateTime = e.start;
    return s;
  }));
  card.querySelector(".ev-why").replaceChildren(...fixes(e));
  const actions = card.querySelector(".ev-actions");
  actions.replaceChildren();
  eventsView.hooks.card?.(actions, e, card);
}

// playCard plays the event's footage, [start - pre-roll, end + post-roll], in place of its picture.
function playCard(card) {
  const e = card.event, [a, b] = eventFeed.clipRange(e, ev.rolls[e.camera]);
  const v = document.createElement("video");
  Object.assign(v, { controls: true, autoplay: true, playsInline: true, preload: "auto" });
  v.src = exportURL(e.camera, a, b);
  v.addEventListener("error", () => {
    const msg = placeholder("This clip cannot be played here (is it still recorded?).");
    v.replaceWith(msg);
  });
  card.querySelector(".ev-media").replaceChildren(v);
  v.play().catch(() => { v.muted = true; v.play().catch(() => {}); });
}

function setFilter(camera, day) {
  const q = new URLSearchParams();
  if (camera) q.set("camera", camera);
  if (day) q.set("day", day);
  if (ev.page !== PAGE) q.set("limit", String(ev.page));
  location.hash = `#/events${q.size ? `?${q}` : ""}`;
}

document.addEventListener("DOMContentLoaded", () => {
  $("#ev-camera").addEventListener("change", ev2 => setFilter(ev2.target.value, ev.day));
  $("#ev-day").addEventListener("change", ev2 => setFilter(ev.camera, ev2.target.value));
  $("#ev-all-days").addEventListener("click", () => setFilter(ev.camera, ""));
  $("#ev-more").addEventListener("click", () => loadPage(ev.gen).catch(e => say(`Cannot load events: ${e.message}`)));
});

// eventsView is what other files use of this view: hooks.card(actions, event, card) adds to a card.
globalThis.eventsView = { eventCard, renderCard, hooks: {} };
}
