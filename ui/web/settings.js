// Settings view (#/settings): change one's own password and this device's notifications (push.js); for
// admins also users (list, add, delete) and API tokens (list, create with the secret shown once, revoke).
// Viewers see the password form, the notifications and About (version and on-disk formats) only.
// Uses api, $, state and views from app.js.
"use strict";

views.settings = {
  section: "#settings",
  show: () => showSettings(),
};

async function showSettings() {
  showPushSettings(); // push.js: this device's notifications
  const admin = state.role === "admin";
  $("#set-users").hidden = !admin;
  $("#set-tokens").hidden = !admin;
  $("#token-new").hidden = true;
  $("#token-secret").textContent = "";
  setSay("#pw-status", "");
  await Promise.all([refreshAbout(), ...(admin ? [refreshUsers(), refreshTokens()] : [])]);
}

// ---- about ----

async function refreshAbout() {
  const b = await api("GET", "/api/v1/version");
  $("#about-version").textContent = `Porchlight ${b.version}` + (b.commit ? ` (${b.commit.slice(0, 12)})` : "") + `, ${b.go}`;
  $("#about-formats tbody").replaceChildren(...Object.keys(b.formats).sort().map(name => {
    const tr = cellRow([["name", name], ["version", String(b.formats[name])]]);
    tr.lastChild.remove(); // no action column
    return tr;
  }));
}

function setSay(sel, text, cls) {
  const el = $(sel);
  el.textContent = text;
  el.hidden = !text;
  if (cls !== undefined) el.className = cls;
}

function cellRow(values, button) {
  const tr = document.createElement("tr");
  for (const [cls, text] of values) {
    const td = document.createElement("td");
    td.className = cls;
    td.textContent = text;
    tr.append(td);
  }
  const td = document.createElement("td");
  if (button) td.append(button);
  tr.append(td);
  return tr;
}

function actionButton(label, cls, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = cls;
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

const setWhen = t => (t ? new Date(t).toLocaleString() : "never");

async function onChangePassword(ev) {
  ev.preventDefault();
  const f = ev.target;
  if (f.new.value !== f.repeat.value) {
    setSay("#pw-status", "The new passwords differ.", "error");
    return;
  }
  try {
    await api("POST", "/api/v1/password", { old: f.old.value, new: f.new.value });
    f.reset();
    setSay("#pw-status", "Password changed. Other sessions of this user have been logged out.", "ok");
  } catch (e) {
    setSay("#pw-status", e.status === 403 ? "The current password is wrong." : `Not changed: ${e.message}`, "error");
  }
}

// ---- users (admin) ----

async function refreshUsers() {
  const users = await api("GET", "/api/v1/users");
  $("#user-list tbody").replaceChildren(...users.map(u => {
    const del = u.name === state.user ? null : actionButton("Delete", "danger user-delete", () => onDeleteUser(u.name));
    const tr = cellRow([["name", u.name], ["role", u.role], ["created", setWhen(u.created)]], del);
    tr.dataset.user = u.name;
    return tr;
  }));
}

async function onAddUser(ev) {
  ev.preventDefault();
  const f = ev.target;
  setSay("#user-error", "");
  try {
    await api("POST", "/api/v1/users", { name: f.name.value.trim(), role: f.role.value, password: f.password.value });
    f.reset();
    await refreshUsers();
  } catch (e) {
    setSay("#user-error", e.message);
  }
}

async function onDeleteUser(name) {
  if (!confirm(`Delete user ${name}? Their sessions end at once.`)) return;
  setSay("#user-error", "");
  try {
    await api("DELETE", `/api/v1/users/${encodeURIComponent(name)}`);
    await refreshUsers();
  } catch (e) {
    setSay("#user-error", e.message);
  }
}

// ---- API tokens (admin) ----

async function refreshTokens() {
  const tokens = await api("GET", "/api/v1/tokens");
  $("#token-list tbody").replaceChildren(...tokens.map(t => {
    const tr = cellRow([["name", t.name], ["id", t.id], ["created", setWhen(t.created)], ["last-used", setWhen(t.last_used)]],
      actionButton("Revoke", "danger token-revoke", () => onRevokeToken(t)));
    tr.dataset.token = t.id;
    return tr;
  }));
  $("#token-none").hidden = tokens.length > 0;
}

async function onCreateToken(ev) {
  ev.preventDefault();
  const f = ev.target;
  setSay("#token-error", "");
  try {
    const t = await api("POST", "/api/v1/tokens", { name: f.name.value.trim() });
    f.reset();
    $("#token-secret").textContent = t.token;
    $("#token-copy").textContent = "Copy";
    $("#token-new").hidden = false;
    await refreshTokens();
  } catch (e) {
    setSay("#token-error", e.message);
  }
}

function onCopyToken() {
  return copyText($("#token-secret").textContent, $("#token-copy"), () => getSelection().selectAllChildren($("#token-secret")));
}

async function onRevokeToken(t) {
  const warning = t.id === "cli"
    ? "Revoke the CLI's token (api.token)? porchlight commands that talk to this node stop working."
    : `Revoke token ${t.name}? Whatever uses it stops working.`;
  if (!confirm(warning)) return;
  setSay("#token-error", "");
  try {
    await api("DELETE", `/api/v1/tokens/${encodeURIComponent(t.id)}`);
    $("#token-new").hidden = true;
    await refreshTokens();
  } catch (e) {
    setSay("#token-error", e.message);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("#pw-form").addEventListener("submit", onChangePassword);
  $("#user-form").addEventListener("submit", onAddUser);
  $("#token-form").addEventListener("submit", onCreateToken);
  $("#token-copy").addEventListener("click", onCopyToken);
});
