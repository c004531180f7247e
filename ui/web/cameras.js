// Cameras view (#/cameras): every configured camera with its state and storage, and under it what keeps
// its events from having pictures and what to do (pictures.js), and a form to add, edit or remove one
// (showing the same), with "Test connection" to probe its URL before saving. Viewers see the list only.
// Uses api, $, state and views from app.js, and pictures.
"use strict";

const camAdmin = { timer: 0, editing: null, status: [] }; // status: GET /api/v1/cameras, refreshed

// cameraForm.hooks lets other files add to the form: open(cam) when it opens (cam null: a new camera),
// close() when it closes, and build(cam, form) to add their keys to the camera it saves (camera-motion.js).
const cameraForm = { hooks: [] };

views.cameras = {
  section: "#cameras",
  show: () => showCameras(),
  hide: () => { clearInterval(camAdmin.timer); camAdmin.timer = 0; closeCameraForm(); }, // stops the zone editor's video
};

async function showCameras() {
  $("#cam-add").hidden = state.role !== "admin";
  closeCameraForm();
  clearInterval(camAdmin.timer);
  camAdmin.timer = setInterval(() => refreshCameras().catch(() => {}), 2000);
  await refreshCameras();
}

// refreshCameras lists the configured cameras with the status of their streams.
async function refreshCameras() {
  const [settings, status] = await Promise.all([api("GET", "/api/v1/config/cameras"), api("GET", "/api/v1/cameras")]);
  camAdmin.status = status;
  $("#cam-list tbody").replaceChildren(...settings.flatMap(c => cameraRows(c, status.filter(s => s.name === c.name))));
  $("#cam-empty").hidden = settings.length > 0;
  if (camAdmin.editing) showPictures(camAdmin.editing);
}

// mainPictures is the pictures status of camera name's main stream (null: unknown, e.g. not started).
function mainPictures(name) {
  return camAdmin.status.find(s => s.name === name && s.stream === "main")?.pictures || null;
}

// cameraRows is cam's row, followed by a row saying what keeps its events from having pictures, if anything.
function cameraRows(cam, streams) {
  const rows = [cameraRow(cam, streams)];
  const help = pictures.box(streams.find(s => s.stream === "main")?.pictures);
  if (help) {
    const tr = document.createElement("tr"), td = document.createElement("td");
    tr.className = "cam-pics";
    tr.dataset.camera = cam.name;
    td.colSpan = 8;
    td.append(help);
    tr.append(td);
    rows.push(tr);
  }
  return rows;
}

// showPictures shows in the form what keeps camera name's events from having pictures (nothing for a
// new camera, or one whose pictures are fine).
function showPictures(name) {
  const help = name ? pictures.box(mainPictures(name)) : null;
  $("#cam-pics").replaceChildren(...(help ? [help] : []));
  $("#cam-pics").hidden = !help;
}

function cameraRow(cam, streams) {
  const main = streams.find(s => s.stream === "main") || {};
  const st = main.state || (cam.enabled ? "connecting" : "disabled");
  const bytes = streams.reduce((n, s) => n + (s.bytes || 0), 0);
  const oldest = streams.map(s => s.oldest).filter(Boolean).sort()[0];
  const tr = document.createElement("tr");
  tr.dataset.camera = cam.name;
  const cells = [
    ["name", cam.name],
    [`state ${st}`, st],
    ["storage", formatBytes(bytes) + (oldest ? ` since ${new Date(oldest).toLocaleString()}` : "")],
    ["bitrate", main.bitrate_bps ? `${(main.bitrate_bps / 1e6).toFixed(2)} Mbit/s` : "–"],
    ["fps", main.fps ? main.fps.toFixed(1) : "–"],
    ["reconnects", String(main.reconnects ?? 0)],
    ["last-error", main.last_error || ""],
  ];
  for (const [cls, text] of cells) {
    const td = document.createElement("td");
    td.className = cls;
    td.textContent = text;
    tr.append(td);
  }
  const td = document.createElement("td");
  if (state.role === "admin") {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "cam-edit secondary";
    b.textContent = "Edit";
    b.addEventListener("click", () => openCameraForm(cam));
    td.append(b);
  }
  tr.append(td);
  return tr;
}

function formatBytes(n) {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

// openCameraForm shows the form for cam, or for a new camera when cam is null.
function openCameraForm(cam) {
  const f = $("#cam-form");
  camAdmin.editing = cam ? cam.name : null;
  $("#cam-form-title").textContent = cam ? `Edit ${cam.name}` : "Add camera";
  f.name.value = cam?.name || "";
  f.name.readOnly = !!cam;
  f.url.value = cam?.url || "";
  f.transport.value = cam?.transport || "tcp";
  f.sub_url.value = cam?.sub_url || "";
  f.enabled.checked = cam ? cam.enabled : true;
  f.lat.value = cam?.location ? cam.location.lat : "";
  f.lon.value = cam?.location ? cam.location.lon : "";
  f.radius.value = cam?.location?.radius || "";
  f.direction.value = cam?.location?.direction ?? "";
  f.fov.value = cam?.location?.fov || "";
  $("#cam-delete").hidden = !cam;
  showPictures(cam?.name);
  cameraForm.hooks.forEach(h => h.open?.(cam));
  say("#cam-probe", "");
  say("#cam-error", "");
  f.hidden = false;
  (cam ? f.url : f.name).focus();
}

function closeCameraForm() {
  $("#cam-form").hidden = true;
  camAdmin.editing = null;
  cameraForm.hooks.forEach(h => h.close?.());
}

function say(sel, text, cls) {
  const el = $(sel);
  el.textContent = text;
  el.hidden = !text;
  if (cls !== undefined) el.className = cls;
}

// cameraFromForm returns the camera the form describes, or throws when the location is half filled in.
// The view (radius, direction, field of view) is what agency requests are matched against; empty fields
// take the server's defaults.
function cameraFromForm(f) {
  const cam = { name: f.name.value.trim(), url: f.url.value.trim(), transport: f.transport.value,
    sub_url: f.sub_url.value.trim(), enabled: f.enabled.checked };
  const lat = f.lat.value.trim(), lon = f.lon.value.trim();
  if ((lat === "") !== (lon === "")) throw new Error("location: enter both latitude and longitude, or neither");
  const view = [f.radius.value, f.direction.value, f.fov.value].map(v => v.trim());
  if (lat === "" && view.some(v => v !== "")) throw new Error("location: a camera's view needs its latitude and longitude");
  if (lat !== "") {
    cam.location = { lat: Number(lat), lon: Number(lon) };
    if (view[0] !== "") cam.location.radius = Number(view[0]);
    if (view[1] !== "") cam.location.direction = Number(view[1]);
    if (view[2] !== "") cam.location.fov = Number(view[2]);
  }
  cameraForm.hooks.forEach(h => h.build?.(cam, f));
  return cam;
}

async function onTestCamera() {
  const f = $("#cam-form");
  say("#cam-probe", "Testing connection…", "probe");
  try {
    const r = await api("POST", "/api/v1/cameras/probe",
      { url: f.url.value.trim(), transport: f.transport.value, camera: camAdmin.editing || undefined });
    let text = `${r.video_codec} ${r.width}x${r.height}`;
    if (r.fps) text += ` at ${Math.round(r.fps * 100) / 100} fps`;
    text += r.audio_codec
      ? ` · audio ${r.audio_codec} ${r.sample_rate / 1000} kHz ${r.channels === 1 ? "mono" : `${r.channels} channels`}`
      : " · no audio";
    say("#cam-probe", text, "probe ok");
  } catch (e) {
    say("#cam-probe", `Connection failed: ${e.message}`, "probe error");
  }
}

async function onSaveCamera(ev) {
  ev.preventDefault();
  const f = ev.target;
  say("#cam-error", "");
  try {
    const cam = cameraFromForm(f);
    if (camAdmin.editing) {
      await api("PUT", `/api/v1/config/cameras/${encodeURIComponent(camAdmin.editing)}`, cam);
    } else {
      await api("POST", "/api/v1/config/cameras", cam);
    }
    closeCameraForm();
    await refreshCameras();
  } catch (e) {
    say("#cam-error", e.message);
  }
}

async function onDeleteCamera() {
  const name = camAdmin.editing;
  if (!name || !confirm(`Remove camera ${name}? Its recordings stay on disk until retention removes them.`)) return;
  try {
    await api("DELETE", `/api/v1/config/cameras/${encodeURIComponent(name)}`);
    closeCameraForm();
    await refreshCameras();
  } catch (e) {
    say("#cam-error", e.message);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("#cam-add").addEventListener("click", () => openCameraForm(null));
  $("#cam-form").addEventListener("submit", onSaveCamera);
  $("#cam-test").addEventListener("click", onTestCamera);
  $("#cam-delete").addEventListener("click", onDeleteCamera);
  $("#cam-cancel").addEventListener("click", closeCameraForm);
});
