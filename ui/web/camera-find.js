// "Find cameras" in the camera form: an ONVIF probe of the LAN (POST /api/v1/cameras/discover) lists what
// answered; choosing one and giving its user and password asks it (POST /api/v1/cameras/onvif/probe) for
// make, model and profiles, and fills the main and sub-stream URLs, the snapshot URL and the ONVIF device
// URL. The form's snapshot_url and onvif keys are this file's (cameraForm hooks). Uses api and $ from
// app.js, cameraForm and say from cameras.js.
"use strict";

const camFind = { chosen: null }; // the FoundCamera chosen

// foundLabel is how a found device reads in the list: its name and hardware from its scopes, and where.
function foundLabel(d) {
  const what = [d.name, d.hardware].filter(Boolean).join(" · ") || "ONVIF device";
  const where = d.xaddrs[0] ? new URL(d.xaddrs[0]).host : d.from;
  return `${what} — ${where}`;
}

async function onFindCameras() {
  const list = $("#cam-found");
  list.replaceChildren();
  list.hidden = true;
  $("#cam-find-login").hidden = true;
  camFind.chosen = null;
  say("#cam-find-status", "Looking for cameras on the network…", "probe");
  try {
    const found = await api("POST", "/api/v1/cameras/discover");
    if (!found.length) {
      say("#cam-find-status", "No camera answered. Cameras without ONVIF, or on another network, must be added by URL.", "probe");
      return;
    }
    for (const d of found) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "secondary";
      b.textContent = foundLabel(d);
      b.dataset.xaddr = d.xaddrs[0];
      b.addEventListener("click", () => chooseFound(d, b));
      li.append(b);
      list.append(li);
    }
    list.hidden = false;
    say("#cam-find-status", `${found.length} found. Choose one, then give its user and password.`, "probe ok");
  } catch (e) {
    say("#cam-find-status", `Finding cameras failed: ${e.message}`, "probe error");
  }
}

function chooseFound(d, button) {
  camFind.chosen = d;
  document.querySelectorAll("#cam-found button").forEach(b => b.classList.toggle("chosen", b === button));
  $("#cam-find-which").textContent = `Log in to ${foundLabel(d)}`;
  $("#cam-find-login").hidden = false;
  $("#cam-form").onvif_user.focus();
}

// onUseCamera asks the chosen camera with the credentials given and fills the form with its answer.
async function onUseCamera() {
  const d = camFind.chosen, f = $("#cam-form");
  if (!d) return;
  say("#cam-find-status", "Asking the camera…", "probe");
  try {
    const c = await api("POST", "/api/v1/cameras/onvif/probe",
      { xaddr: d.xaddrs[0], username: f.onvif_user.value, password: f.onvif_pass.value });
    f.url.value = c.main_url;
    f.sub_url.value = c.sub_url || "";
    f.snapshot_url.value = c.snapshot_url || "";
    f.onvif_url.value = c.onvif_url;
    f.onvif_events.checked = !!c.events;
    if (!f.name.value && !f.name.readOnly) f.name.value = cameraSlug(d.name || c.model);
    const main = c.profiles[0];
    let text = `${c.manufacturer} ${c.model}`;
    if (main) text += ` · main ${main.encoding || ""} ${main.width}x${main.height}`;
    text += c.sub_url ? " · with a sub-stream" : " · no sub-stream";
    say("#cam-find-status", text, "probe ok");
    f.onvif_pass.value = "";
    $("#cam-find-login").hidden = true;
  } catch (e) {
    say("#cam-find-status", `The camera did not answer: ${e.message}`, "probe error");
  }
}

// cameraSlug makes a camera name ([a-z0-9_-]{1,32}) of what the camera calls itself.
function cameraSlug(s) {
  return (s || "camera").toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 32) || "camera";
}

cameraForm.hooks.push({
  open(cam) {
    const f = $("#cam-form");
    f.snapshot_url.value = cam?.snapshot_url || "";
    f.onvif_url.value = cam?.onvif?.url || "";
    f.onvif_events.checked = !!cam?.onvif?.events;
    f.onvif_user.value = f.onvif_pass.value = "";
    $("#cam-found").replaceChildren();
    $("#cam-found").hidden = $("#cam-find-login").hidden = true;
    camFind.chosen = null;
    say("#cam-find-status", "");
  },
  build(cam, f) {
    cam.snapshot_url = f.snapshot_url.value.trim();
    const url = f.onvif_url.value.trim();
    if (url) cam.onvif = { url, events: f.onvif_events.checked };
    else if (f.onvif_events.checked) throw new Error("onvif: enter the camera's ONVIF device URL to follow its motion events");
    else cam.onvif = null;
  },
});

document.addEventListener("DOMContentLoaded", () => {
  $("#cam-find").addEventListener("click", onFindCameras);
  $("#cam-find-use").addEventListener("click", onUseCamera);
});
