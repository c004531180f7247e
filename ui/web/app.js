// Porchlight web app: log in, then watch every camera live. Plain JavaScript, no build step, no
// third-party code; the server embeds this file.
//
// URLs: the node may be served under a base path behind a reverse proxy (http.base_path, e.g. /nvr), so
// no script writes a path such as "/api/v1/..." into a request as it is. api(method, "/api/v1/...")
// prefixes the base path itself; every other URL a script builds goes through url(path): fetch(url(...)),
// new EventSource(url(...)), video.src = url(...), a.href = url(...), navigator.serviceWorker.register(
// url("/sw.js"), { scope: url("/") }). URLs the API hands out (an event's snapshot, Link headers) already
// carry the base path: use them as they are. In index.html, href="/...", src="/..." and action="/..." get
// the base path from the server; other static files (CSS, a manifest, a service worker) use paths
// relative to themselves. A test (TestWebAppURLsUseTheBasePath) fails on a path written any other way.
"use strict";

// BASE is the base path the server wrote into index.html: "" at the root, else e.g. "/nvr".
const BASE = document.querySelector('meta[name="porchlight-base"]')?.content || "";

// url returns the URL of path ("/api/v1/...", "/app.css") on this node, under the base path.
function url(path) { return BASE + path; }

const state = { user: null, role: "", csrf: "", players: [] };

// views are the pages of the app, by the name in the URL fragment (#/live, #/timeline, ...). Each view
// file (timeline.js, cameras.js) registers itself here: { section: "#id", show(params), hide() }.
const views = {};

// onSession holds functions to call when someone logs in (requests.js starts its badge there).
const onSession = [];

// onLiveTiles holds functions to call when the live view has made its tiles (live-motion.js badges them).
const onLiveTiles = [];

// api performs a JSON request with the session cookie (and the CSRF token on state changes).
async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = state.csrf;
  const resp = await fetch(url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin" });
  if (resp.status === 401 && path !== "/api/v1/login") {
    showLogin();
    throw new Error("not logged in");
  }
  const data = resp.headers.get("Content-Type")?.startsWith("application/json") ? await resp.json() : null;
  if (!resp.ok) {
    const err = new Error(data?.error || resp.statusText);
    err.status = resp.status;
    err.retryAfter = Number(resp.headers.get("Retry-After")) || 0;
    throw err;
  }
  return data;
}

function $(sel) { return document.querySelector(sel); }

// copyText puts text on the clipboard and says so on button; over plain HTTP on a LAN address there is no
// clipboard, so select selects the text instead, for Ctrl+C.
async function copyText(text, button, select) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch (e) {
    select();
    button.textContent = "Selected: press Ctrl+C";
  }
}

function showLogin() {
  hideViews();
  state.user = null;
  $("#top").hidden = true;
  $("#login").hidden = false;
  $("#login-form [name=password]").focus();
}

async function onLogin(ev) {
  ev.preventDefault();
  const form = ev.target;
  const err = $("#login-error");
  err.hidden = true;
  try {
    const s = await api("POST", "/api/v1/login", { user: form.user.value, password: form.password.value });
    form.password.value = "";
    startSession(s);
  } catch (e) {
    err.textContent = e.status === 429
      ? `Too many failed attempts. Try again in ${e.retryAfter || "a few"} seconds.`
      : e.status === 401 ? "Wrong user name or password." : `Login failed: ${e.message}`;
    err.hidden = false;
  }
}

function startSession(s) {
  state.user = s.user;
  state.role = s.role;
  state.csrf = s.csrf;
  $("#whoami").textContent = `${s.user} (${s.role})`;
  $("#login").hidden = true;
  $("#top").hidden = false;
  route();
  onSession.forEach(f => f());
}

async function onLogout() {
  try { await api("POST", "/api/v1/logout"); } catch (e) { /* the session is gone either way */ }
  showLogin();
}

function hideViews() {
  for (const v of Object.values(views)) {
    v.hide?.();
    $(v.section).hidden = true;
  }
}

// route shows the view the URL fragment names: #/name?key=value&... (bookmarkable).
function route() {
  if (!state.user) return;
  const [path, query] = location.hash.replace(/^#\/?/, "").split("?");
  const name = views[path] ? path : "live";
  document.querySelectorAll("header nav a").forEach(a => a.classList.toggle("active", a.dataset.view === name));
  hideViews();
  $(views[name].section).hidden = false;
  views[name].show(new URLSearchParams(query || ""));
}

// ---- live view ----

function stopPlayers() {
  state.players.forEach(p => p.stop());
  state.players = [];
}

views.live = { section: "#live", show: params => showLive(params.get("camera")), hide: () => stopPlayers() };

// showLive shows every camera in a grid, or one camera large (#/live?camera=NAME); a click on a tile
// switches between the two.
async function showLive(only) {
  stopPlayers();
  const grid = $("#grid");
  grid.replaceChildren();
  grid.classList.toggle("single", !!only);
  const cams = (await api("GET", "/api/v1/cameras")).filter(c => c.stream === "main" && (!only || c.name === only));
  for (const cam of cams) {
    const tile = $("#tile").content.firstElementChild.cloneNode(true);
    tile.dataset.camera = cam.name;
    tile.querySelector(".name").textContent = cam.name;
    tile.querySelector("video").addEventListener("click", () => {
      location.hash = only ? "#/live" : `#/live?camera=${encodeURIComponent(cam.name)}`;
    });
    const st = tile.querySelector(".state");
    st.textContent = cam.state;
    st.className = `state ${cam.state}`;
    grid.append(tile);
    const player = new LivePlayer(tile.querySelector("video"), cam.name, tile.querySelector(".message"));
    player.lag = tile.querySelector(".lag");
    state.players.push(player);
  }
  if (!cams.length) grid.textContent = only ? `No camera named ${only}.` : "No cameras yet.";
  onLiveTiles.forEach(f => f());
}

// LivePlayer feeds a camera's live fMP4 (a chunked HTTP response) into Media Source Extensions, keeps
// playback within a second of the live edge, trims old buffer, and reconnects by itself.
class LivePlayer {
  constructor(video, camera, message) {
    this.video = video;
    this.camera = camera;
    this.message = message;
    this.stopped = false;
    this.backoff = 500;
    this.run();
  }

  stop() {
    this.stopped = true;
    this.abort?.abort();
  }

  say(text) {
    this.message.textContent = text;
    this.message.hidden = !text;
  }

  async run() {
    while (!this.stopped) {
      try {
        await this.session();
        this.backoff = 500;
      } catch (e) {
        if (this.stopped) return;
        if (e.unsupported) { this.say(e.message); return; }
        this.say(`Reconnecting… (${e.message})`);
      }
      if (this.stopped) return;
      await new Promise(r => setTimeout(r, this.backoff));
      this.backoff = Math.min(this.backoff * 2, 10000);
    }
  }

  async session() {
    this.abort = new AbortController();
    const resp = await fetch(url(`/api/v1/cameras/${encodeURIComponent(this.camera)}/live.mp4`),
      { signal: this.abort.signal, credentials: "same-origin" });
    if (resp.status === 401) { showLogin(); this.stopped = true; return; }
    if (!resp.ok) throw new Error(resp.statusText);
    const mime = resp.headers.get("Content-Type");
    this.origin = Date.parse(resp.headers.get("X-Live-Origin") || "") || 0;
    if (!window.MediaSource || !MediaSource.isTypeSupported(mime)) {
      this.abort.abort();
      const e = new Error(`This browser cannot play this camera's video (${mime}). ` +
        "H.265 plays in Safari and in Chrome or Edge with hardware support; recordings can still be exported.");
      e.unsupported = true;
      throw e;
    }
    const ms = new MediaSource();
    this.video.src = URL.createObjectURL(ms);
    await new Promise(r => ms.addEventListener("sourceopen", r, { once: true }));
    const sb = ms.addSourceBuffer(mime);
    const queue = [];
    let failed = null;
    const pump = () => {
      if (sb.updating || !queue.length || failed) return;
      try { sb.appendBuffer(queue.shift()); } catch (e) { failed = e; }
    };
    sb.addEventListener("updateend", () => { this.keepLive(sb); pump(); });
    sb.addEventListener("error", () => { failed = new Error("media error"); });
    this.say("");
    const reader = resp.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done || this.stopped) break;
      if (failed) throw failed;
      queue.push(value);
      pump();
    }
    throw new Error("stream ended");
  }

  // latency is how far behind the camera the picture on screen is, in seconds: now minus the wall time
  // of the frame shown (the stream's origin plus the playback position). NaN before playback.
  latency() {
    if (!this.origin || !this.video.buffered.length) return NaN;
    return (Date.now() - this.origin) / 1000 - this.video.currentTime;
  }

  // keepLive holds playback near the newest frame: a late player jumps ahead instead of drifting behind,
  // and buffer older than 30 s is released.
  keepLive(sb) {
    const v = this.video, b = v.buffered;
    if (!b.length) return;
    const end = b.end(b.length - 1);
    if (end - v.currentTime > 1.2 || v.currentTime < b.start(0)) v.currentTime = Math.max(b.start(b.length - 1), end - 0.3);
    if (v.paused) v.play().catch(() => {});
    const lag = this.latency();
    if (this.lag && lag >= 0) this.lag.textContent = `${lag.toFixed(1)} s`;
    if (!sb.updating && v.currentTime - b.start(0) > 30) sb.remove(b.start(0), v.currentTime - 10);
  }
}

// ---- start ----

window.addEventListener("hashchange", route);
document.addEventListener("DOMContentLoaded", async () => {
  $("#login-form").addEventListener("submit", onLogin);
  $("#logout").addEventListener("click", onLogout);
  try {
    startSession(await api("GET", "/api/v1/session"));
  } catch (e) {
    showLogin();
  }
});
