// Settings → Notifications: admins add, edit, test and delete channels (secrets write-only); every user
// chooses what notifies them on the channels they own ("My notifications"). Extends settings.js's view.
"use strict";

const NOTIFY_EVENTS = [["request", "Agency requests"], ["alert", "Neighbor alerts"], ["motion", "Motion"],
  ["camera", "Camera offline/back"], ["disk", "Disk, retention"], ["member", "New members"]];
const SECRET_LABEL = { ntfy: "Access token (optional)", webhook: "Signing secret", email: "SMTP password" };

const nf = { channels: [], editing: null }; // editing: the channel being edited, or null when adding

{
  const show = views.settings.show;
  views.settings.show = p => { show(p); showNotify(); };
}

async function showNotify() {
  const admin = state.role === "admin";
  $("#set-notify").hidden = !admin;
  $("#notify-form").hidden = true;
  const jobs = [refreshMine()];
  if (admin) jobs.push(refreshNotify(), fillOwners());
  await Promise.all(jobs);
}

function eventBoxes(fieldset, name, chosen) {
  fieldset.querySelectorAll("label").forEach(l => l.remove());
  for (const [value, text] of NOTIFY_EVENTS) {
    const l = document.createElement("label");
    const box = document.createElement("input");
    Object.assign(box, { type: "checkbox", name, value, checked: chosen.includes(value) });
    l.append(box, ` ${text}`);
    fieldset.append(l);
  }
}

function checkedEvents(root, name) {
  return [...root.querySelectorAll(`input[name=${name}]:checked`)].map(b => b.value);
}

const quietParts = q => (/^\d\d:\d\d-\d\d:\d\d$/.test(q || "") ? q.split("-") : ["", ""]);
const quietOf = (from, to) => (from && to ? `${from}-${to}` : "");

// ---- admin: the channels ----

async function refreshNotify() {
  nf.channels = await api("GET", "/api/v1/notify/channels");
  $("#notify-list").replaceChildren(...nf.channels.map(notifyItem));
  $("#notify-none").hidden = nf.channels.length > 0;
}

function notifyItem(c) {
  const li = document.createElement("li");
  li.className = "notify-item";
  li.dataset.channel = c.name;
  li.innerHTML = `<div class="nf-head"><b></b><span class="muted"></span></div><span class="nf-dest"></span>
    <span class="nf-what"></span><div class="cam-actions"></div><span class="nf-result" role="status"></span>`;
  const all = c.events.length === NOTIFY_EVENTS.length, [name, type, dest, what, acts, result] =
    li.querySelectorAll("b, .muted, .nf-dest, .nf-what, .cam-actions, .nf-result");
  name.textContent = c.name;
  type.textContent = c.type + (c.user ? ` · ${c.user}'s` : "");
  dest.textContent = c.type === "email" ? `${(c.to || []).join(", ")} via ${c.smtp}` : c.url;
  what.textContent = (all ? "everything" : c.events.join(", ")) + (c.quiet_hours ? ` · quiet ${c.quiet_hours}` : "");
  acts.append(actionButton("Edit", "secondary nf-edit", () => openNotifyForm(c)),
    actionButton("Send test", "secondary nf-test", () => testNotify(c, result)),
    actionButton("Delete", "danger nf-delete", () => deleteNotify(c)));
  return li;
}

async function fillOwners() {
  const users = await api("GET", "/api/v1/users");
  $("#notify-form [name=user]").replaceChildren(new Option("the admins", ""), ...users.map(u => new Option(u.name, u.name)));
}

function openNotifyForm(c) {
  nf.editing = c || null;
  const f = $("#notify-form");
  f.reset();
  $("#notify-form-title").textContent = c ? `Edit ${c.name}` : "Add a channel";
  setSay("#notify-error", "");
  c = c || { type: "ntfy", events: NOTIFY_EVENTS.map(e => e[0]), motion_cooldown: "1m", quiet_hours: "" };
  f.name.value = c.name || "";
  f.name.readOnly = !!nf.editing;
  for (const k of ["type", "url", "smtp", "username", "from", "ca_file", "motion_cooldown"]) f[k].value = c[k] || "";
  f.user.value = c.user || "";
  f.priority.value = c.priority || 0;
  f.tls.value = c.tls || "";
  f.tags.value = (c.tags || []).join(", ");
  f.to.value = (c.to || []).join(", ");
  [f.quiet_from.value, f.quiet_to.value] = quietParts(c.quiet_hours);
  eventBoxes(f.querySelector(".nf-events"), "event", c.events);
  f.dataset.secretSet = c.secret_set ? "1" : "";
  onNotifyType();
  f.hidden = false;
  f.name.focus();
}

// onNotifyType shows the fields of the chosen type and says whether a secret is stored.
function onNotifyType() {
  const f = $("#notify-form"), type = f.type.value;
  f.querySelector(".nf-url").hidden = type === "email";
  f.querySelector(".nf-ntfy").hidden = type !== "ntfy";
  f.querySelector(".nf-email").hidden = type !== "email";
  $("#notify-secret-label").textContent = SECRET_LABEL[type];
  const stored = !!f.dataset.secretSet;
  f.secret.placeholder = stored ? "stored: empty keeps it" : "not set";
  f.querySelector(".nf-clear").hidden = !stored;
}

const splitList = s => s.split(",").map(x => x.trim()).filter(Boolean);

async function onSaveNotify(ev) {
  ev.preventDefault();
  const f = ev.target;
  const c = { name: f.name.value.trim(), type: f.type.value, user: f.user.value, events: checkedEvents(f, "event"),
    motion_cooldown: f.motion_cooldown.value.trim(), quiet_hours: quietOf(f.quiet_from.value, f.quiet_to.value) };
  if (c.type === "email") {
    Object.assign(c, { smtp: f.smtp.value.trim(), tls: f.tls.value, username: f.username.value.trim(),
      from: f.from.value.trim(), to: splitList(f.to.value), ca_file: f.ca_file.value.trim() });
  } else {
    c.url = f.url.value.trim();
    if (c.type === "ntfy") Object.assign(c, { priority: Number(f.priority.value), tags: splitList(f.tags.value) });
  }
  if (f.secret.value) c.secret = f.secret.value;
  else if (f.clear_secret.checked) c.clear_secret = true;
  if (!c.events.includes("request") && !confirm("Agency requests wait for your approval: leave them out?")) return;
  setSay("#notify-error", "");
  try {
    if (nf.editing) await api("PUT", `/api/v1/notify/channels/${encodeURIComponent(nf.editing.name)}`, c);
    else await api("POST", "/api/v1/notify/channels", c);
    f.secret.value = "";
    f.hidden = true;
    await Promise.all([refreshNotify(), refreshMine()]);
  } catch (e) {
    setSay("#notify-error", e.message);
  }
}

async function testNotify(c, out) {
  out.className = "nf-result";
  out.textContent = "Sending…";
  try {
    await api("POST", `/api/v1/notify/channels/${encodeURIComponent(c.name)}/test`);
    out.className = "nf-result ok";
    out.textContent = "Sent: check that it arrived.";
  } catch (e) {
    out.className = "nf-result error";
    out.textContent = `Not sent: ${e.message}`;
  }
}

async function deleteNotify(c) {
  if (!confirm(`Delete channel ${c.name}? Notifications waiting for it are dropped.`)) return;
  try {
    await api("DELETE", `/api/v1/notify/channels/${encodeURIComponent(c.name)}`);
    await Promise.all([refreshNotify(), refreshMine()]);
  } catch (e) {
    setSay("#notify-error", e.message);
  }
}

// ---- every user: my channels ----

async function refreshMine() {
  const mine = await api("GET", "/api/v1/notify/mine");
  $("#set-mine").hidden = mine.length === 0;
  $("#mine-list").replaceChildren(...mine.map(mineForm));
}

function mineForm(c) {
  const f = document.createElement("form");
  f.className = "mine-form";
  f.dataset.channel = c.name;
  const [from, to] = quietParts(c.quiet_hours);
  f.innerHTML = `<strong></strong><fieldset class="mine-events"><legend>Notify me of</legend></fieldset>
    <div class="set-row"><label>Motion cooldown <input name="motion_cooldown"></label><label>Quiet from
    <input name="quiet_from" type="time"></label><label>until <input name="quiet_to" type="time"></label></div>
    <button type="submit">Save</button><p role="status" hidden></p>`;
  f.querySelector("strong").textContent = `${c.name} (${c.type})`;
  eventBoxes(f.querySelector("fieldset"), "mine-event", c.events);
  f.motion_cooldown.value = c.motion_cooldown;
  [f.quiet_from.value, f.quiet_to.value] = [from, to];
  const out = f.querySelector("p");
  f.addEventListener("submit", async ev => {
    ev.preventDefault();
    out.hidden = false;
    try {
      await api("PUT", `/api/v1/notify/mine/${encodeURIComponent(c.name)}`, { events: checkedEvents(f, "mine-event"),
        motion_cooldown: f.motion_cooldown.value.trim(), quiet_hours: quietOf(f.quiet_from.value, f.quiet_to.value) });
      [out.className, out.textContent] = ["ok", "Saved."];
    } catch (e) {
      [out.className, out.textContent] = ["error", e.message];
    }
  });
  return f;
}

document.addEventListener("DOMContentLoaded", () => {
  $("#notify-add").addEventListener("click", () => openNotifyForm(null));
  $("#notify-cancel").addEventListener("click", () => { $("#notify-form").hidden = true; });
  $("#notify-form").addEventListener("submit", onSaveNotify);
  $("#notify-form [name=type]").addEventListener("change", onNotifyType);
});
