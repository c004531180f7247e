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

views.live = {
  section: "#live",
  show: params => showLive(params.get("camera"), params.get("player")),
  hide: () => stopPlayers(),
};

// showLive shows every camera in a grid, or one camera large (#/live?camera=NAME); a click on a tile
// switches between the two. The grid plays each camera's sub-stream where it has one (smaller, lighter
// for a phone showing many), a single camera its main stream. player (#/live?player=mse|mms|hls) forces
// how the video plays (see livePath in live-player.js), for tests and for a browser that misreports.
async function showLive(only, player) {
  stopPlayers();
  if (player !== null) state.forcePlayer = player || undefined;
  const grid = $("#grid");
  grid.replaceChildren();
  grid.classList.toggle("single", !!only);
  const all = await api("GET", "/api/v1/cameras");
  const cams = all.filter(c => c.stream === "main" && (!only || c.name === only));
  for (const cam of cams) {
    const hasSub = all.some(c => c.name === cam.name && c.stream === "sub");
    const stream = !only && hasSub ? "sub" : "main";
    const tile = $("#tile").content.firstElementChild.cloneNode(true);
    tile.dataset.camera = cam.name;
    tile.dataset.stream = stream;
    tile.querySelector(".name").textContent = cam.name;
    tile.querySelector("video").addEventListener("click", () => {
      location.hash = only ? "#/live" : `#/live?camera=${encodeURIComponent(cam.name)}`;
    });
    const st = tile.querySelector(".state");
    st.textContent = cam.state;
    st.className = `state ${cam.state}`;
    grid.append(tile);
    const player = new LivePlayer(tile.querySelector("video"), cam.name, stream, tile.querySelector(".message"),
      state.forcePlayer);
    player.lag = tile.querySelector(".lag");
    tile.dataset.path = player.path || "none";
    state.players.push(player);
  }
  if (!cams.length) grid.textContent = only ? `No camera named ${only}.` : "No cameras yet.";
  onLiveTiles.forEach(f => f());
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
