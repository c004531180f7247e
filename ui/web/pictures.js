// Porchlight camera pictures, explained: turns a camera's `pictures` status (GET /api/v1/cameras, main
// stream) into what is missing and what the owner can do about it, in plain words: no snapshots (ffmpeg
// missing, no snapshot_url, ONVIF gave none), zones not checked, keyframes not decoded, the latest snapshot or keyframe-decoder
// failure. Shown in the Cameras view (under the camera's row and in its form) and on Events cards without
// a picture. No dependencies.
"use strict";

{
const INSTALL = "install ffmpeg on this machine (Debian, Ubuntu, Raspberry Pi OS: sudo apt install ffmpeg), then restart Porchlight";
const SNAP_URL = "set this camera's snapshot_url to its still-picture address (e.g. http://user:password@192.168.1.20/snap.jpg)";

// problems returns [{what, todo}] for pictures p (null or undefined: none known).
function problems(p) {
  if (!p) return [];
  const out = [];
  if (!p.snapshot_source) {
    out.push({ key: "no-snapshots", what: `Events of this camera have no picture: ${p.no_snapshot_reason || "no snapshot source"}.`,
      todo: `To get pictures, ${INSTALL}, or ${SNAP_URL}.` });
  }
  if (p.zones_note) {
    out.push({ key: "zones", what: `${p.zones_note}.`, todo: `To have zones and masks checked, ${INSTALL}.` });
  }
  if (p.keyframes_note) {
    out.push({ key: "keyframes", what: `${p.keyframes_note}.`, todo: `To have every keyframe looked at, ${INSTALL}.` });
  }
  if (p.snapshot_error && p.snapshots_failed > 0) {
    const todo = {
      snapshot_url: "Check this camera's snapshot_url: opened from this machine it must answer with a JPEG picture.",
      onvif: `The address the camera gave over ONVIF did not work: ${SNAP_URL}.`,
      ffmpeg: "Porchlight tries again at the next event; if every snapshot fails, see the ffmpeg error, or " + SNAP_URL + ".",
    }[p.snapshot_source] || `To get pictures, ${INSTALL}, or ${SNAP_URL}.`;
    out.push({ key: "snapshot-failed", what: `${p.snapshots_failed} snapshot${p.snapshots_failed === 1 ? "" : "s"} failed, the latest: ${p.snapshot_error}.`, todo });
  }
  if (p.keyframe_error) {
    out.push({ key: "ffmpeg-failed", what: `ffmpeg could not decode this camera's keyframes: ${p.keyframe_error}.`,
      todo: "Porchlight restarts ffmpeg by itself. If this stays, check that this machine's ffmpeg plays the camera's stream (ffmpeg -i <camera URL> -frames:v 1 -f null -), or " + SNAP_URL + "." });
  }
  return out;
}

// box returns an element listing the problems of p (class pics-help, one .pics-item each with .pics-what
// and .pics-todo), or null when there are none.
function box(p) {
  const list = problems(p);
  if (!list.length) return null;
  const div = document.createElement("div");
  div.className = "pics-help";
  for (const it of list) {
    const item = document.createElement("div");
    item.className = "pics-item";
    item.dataset.problem = it.key;
    const what = document.createElement("p"), todo = document.createElement("p");
    what.className = "pics-what";
    what.textContent = it.what;
    todo.className = "pics-todo";
    todo.textContent = it.todo;
    item.append(what, todo);
    div.append(item);
  }
  return div;
}

globalThis.pictures = { problems, box };
}
