// Porchlight camera form, motion part: detection on or off, sensitivity (a slider), shortest motion, pre-
// and post-roll, whether every keyframe is decoded (decode_keyframes), and the zones and masks of the zone editor (zone-editor.js); saved with the camera as its
// `motion` block (cameras[].motion in the config). The server names the key of a wrong value. Admins only,
// as the whole form. Uses $, cameraForm (cameras.js) and zoneEditor.
"use strict";

{
// The server's defaults (nvr.DefaultMotion), shown for a new camera.
const DEFAULTS = { enabled: true, sensitivity: 0.5, min_duration: "1s", pre_roll: "5s", post_roll: "10s", zones: [], masks: [],
  decode_keyframes: false };

function showSensitivity() {
  const f = $("#cam-form");
  $("#cam-sens-value").textContent = Number(f.sensitivity.value).toFixed(2);
}

function open(cam) {
  const f = $("#cam-form"), m = { ...DEFAULTS, ...(cam?.motion || {}) };
  f.motion_enabled.checked = m.enabled;
  f.sensitivity.value = String(m.sensitivity ?? DEFAULTS.sensitivity);
  f.min_duration.value = m.min_duration || DEFAULTS.min_duration;
  f.pre_roll.value = m.pre_roll || DEFAULTS.pre_roll;
  f.post_roll.value = m.post_roll || DEFAULTS.post_roll;
  f.decode_keyframes.checked = !!m.decode_keyframes;
  showSensitivity();
  zoneEditor.open(cam?.name || "", m.zones || [], m.masks || []);
}

// build adds the motion block to the camera the form saves: the whole block (the API would merge a part).
function build(cam, f) {
  const { zones, masks } = zoneEditor.value();
  cam.motion = { enabled: f.motion_enabled.checked, sensitivity: Number(f.sensitivity.value),
    min_duration: f.min_duration.value.trim(), pre_roll: f.pre_roll.value.trim(), post_roll: f.post_roll.value.trim(),
    zones, masks, decode_keyframes: f.decode_keyframes.checked };
}

cameraForm.hooks.push({ open, build, close: () => zoneEditor.close() });

document.addEventListener("DOMContentLoaded", () => {
  $("#cam-form").sensitivity.addEventListener("input", showSensitivity);
});
}
