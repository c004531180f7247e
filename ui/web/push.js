// Web Push on this device: registers the service worker (sw.js), which shows the node's push
// notifications, and runs Settings → "Notifications on this device": enable (the browser's permission,
// then pushManager.subscribe with the node's VAPID key, then the subscription posted to the node), the
// types this device shows, disable. It says plainly when the browser cannot: push needs a secure context
// (https, or localhost), service workers and the Push API. Uses api, $, setSay and views from app.js and
// settings.js.
"use strict";

const push = { reg: null, sub: null }; // reg: the service worker registration (a promise); sub: ours on the node

// pushUnsupported says why this browser cannot take push notifications from this page, or "".
function pushUnsupported() {
  if (!window.isSecureContext) {
    return `This browser cannot get push notifications from this page: it came over plain http from ${location.host}, ` +
      "and browsers allow push only on a secure connection. Open Porchlight over https (http.tls, or a reverse proxy " +
      "with a certificate) to turn notifications on for this device.";
  }
  if (!("serviceWorker" in navigator)) return "This browser has no service workers, which push notifications need.";
  if (!("PushManager" in window) || !("Notification" in window)) {
    return "This browser has no Web Push. On an iPhone or iPad (iOS 16.4 or later), add Porchlight to the Home Screen " +
      "(Share → Add to Home Screen) and turn notifications on in the app opened from there.";
  }
  return "";
}

function registerServiceWorker() {
  if (!window.isSecureContext || !("serviceWorker" in navigator)) return;
  push.reg = navigator.serviceWorker.register(url("/sw.js"), { scope: url("/") }).catch(e => {
    console.warn("service worker:", e);
    return null;
  });
  // A click on a notification while the app is open moves it to the notification's view.
  navigator.serviceWorker.addEventListener("message", ev => {
    const url = ev.data?.open;
    if (typeof url === "string" && url.startsWith(location.origin + "/")) location.href = url;
  });
}

// pushSubscribeTimeout bounds the wait for the browser's push service, which may never answer.
const pushSubscribeTimeout = 15000;

const pushBoxes = () => [...document.querySelectorAll("#push-events input[type=checkbox]")];

async function currentPushSubscription() {
  const reg = await push.reg;
  return reg ? reg.pushManager.getSubscription() : null;
}

// showPushSettings shows whether this device gets notifications, and what it can do about it.
async function showPushSettings() {
  setSay("#push-error", "");
  const why = pushUnsupported();
  $("#push-events").disabled = !!why;
  $("#push-enable").hidden = true;
  $("#push-disable").hidden = true;
  if (why) {
    setSay("#push-state", why, "muted push-unsupported");
    return;
  }
  let mine = [];
  try {
    mine = await api("GET", "/api/v1/push/subscriptions");
  } catch (e) {
    setSay("#push-state", `Push notifications are not available from this node: ${e.message}`, "muted");
    return;
  }
  const sub = await currentPushSubscription().catch(() => null);
  push.sub = (sub && mine.find(s => s.endpoint === sub.endpoint)) || null;
  const events = push.sub ? push.sub.events : ["request"];
  pushBoxes().forEach(b => { b.checked = events.includes(b.name); });
  if (push.sub) {
    setSay("#push-state", "On: this device gets a notification for each kind checked below.", "ok");
    $("#push-disable").hidden = false;
  } else if (Notification.permission === "denied") {
    setSay("#push-state", "Off: this browser blocks notifications from this site. Allow them in the browser's site settings, then enable.", "muted");
    $("#push-enable").hidden = false;
  } else {
    setSay("#push-state", "Off: this device gets no notifications.", "muted");
    $("#push-enable").hidden = false;
  }
}

// b64urlBytes decodes the node's VAPID public key for pushManager.subscribe.
function b64urlBytes(s) {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - s.length % 4) % 4));
  return Uint8Array.from(bin, c => c.charCodeAt(0));
}

async function savePushSubscription(ps) {
  const j = ps.toJSON();
  await api("POST", "/api/v1/push/subscriptions",
    { endpoint: j.endpoint, keys: j.keys, events: pushBoxes().filter(b => b.checked).map(b => b.name) });
}

async function onPushEnable() {
  setSay("#push-error", "");
  try {
    const perm = await Notification.requestPermission();
    if (perm !== "granted") {
      setSay("#push-error", perm === "denied"
        ? "The browser refused notifications for this site. Allow them in its site settings, then enable again."
        : "Notifications were not allowed: nothing changed.");
      return;
    }
    const reg = await push.reg;
    if (!reg) throw new Error("the service worker did not register");
    await navigator.serviceWorker.ready;
    const { public_key: key } = await api("GET", "/api/v1/push/key");
    setSay("#push-state", "Asking the browser's push service for a subscription…", "muted");
    const ps = await Promise.race([
      reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64urlBytes(key) }),
      new Promise((_, fail) => setTimeout(() => fail(new Error(`no answer in ${pushSubscribeTimeout / 1000} s`)), pushSubscribeTimeout)),
    ]);
    await savePushSubscription(ps);
    await showPushSettings();
  } catch (e) {
    await showPushSettings();
    setSay("#push-error", `Not enabled: the browser's push service: ${e.message}. A browser without one (some ` +
      "privacy-minded builds, headless ones) cannot get push notifications.");
  }
}

async function onPushDisable() {
  setSay("#push-error", "");
  try {
    if (push.sub) await api("DELETE", `/api/v1/push/subscriptions/${encodeURIComponent(push.sub.id)}`);
    const sub = await currentPushSubscription();
    if (sub) await sub.unsubscribe();
  } catch (e) {
    setSay("#push-error", `Not disabled: ${e.message}`);
  }
  await showPushSettings();
}

// onPushTypes saves the types checked while push is on.
async function onPushTypes() {
  if (!push.sub) return;
  setSay("#push-error", "");
  try {
    const sub = await currentPushSubscription();
    if (sub) await savePushSubscription(sub);
    setSay("#push-state", "Saved: this device gets a notification for each kind checked below.", "ok");
  } catch (e) {
    setSay("#push-error", `Not saved: ${e.message}`);
  }
}

registerServiceWorker();
document.addEventListener("DOMContentLoaded", () => {
  $("#push-enable").addEventListener("click", onPushEnable);
  $("#push-disable").addEventListener("click", onPushDisable);
  pushBoxes().forEach(b => b.addEventListener("change", onPushTypes));
});
