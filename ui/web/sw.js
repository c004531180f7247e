// Porchlight's service worker: it shows the node's Web Push notifications and, on a click, opens the app
// (or focuses an open window of it) at the notification's view: the request, the alert, the event. The
// app itself asks for a login first when it has no session. It caches nothing: the app is served by the
// node on the home's network, and a stale copy would hide an upgrade.
"use strict";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", ev => ev.waitUntil(self.clients.claim()));

// The push payload is JSON {id, type, title, body, url, image, time}, decrypted by the browser.
self.addEventListener("push", ev => {
  let d = {};
  try {
    d = ev.data ? ev.data.json() : {};
  } catch (e) {
    d = { body: ev.data ? ev.data.text() : "" };
  }
  const opts = {
    body: d.body || "",
    tag: d.id || undefined, // a retried push replaces, not repeats
    icon: new URL("icon-192.png", self.registration.scope).href, // the scope holds the base path
    badge: new URL("icon-192.png", self.registration.scope).href,
    timestamp: Date.parse(d.time) || Date.now(),
    data: { url: d.url || "" },
  };
  if (d.image) opts.image = d.image;
  const title = d.title || "Porchlight";
  ev.waitUntil(self.registration.showNotification(title, opts).catch(() => {
    delete opts.image; // the snapshot needs a login the worker may not have: show the text alone
    return self.registration.showNotification(title, opts);
  }));
});

// appURL is the notification's view in this app: the link's fragment on this worker's own origin, so a
// link made with another address of the node (http.public_url) still opens here.
function appURL(link) {
  const scope = self.registration.scope;
  try {
    const u = new URL(link, scope);
    return u.hash ? scope + u.hash : scope;
  } catch (e) {
    return scope;
  }
}

self.addEventListener("notificationclick", ev => {
  ev.notification.close();
  const url = appURL(ev.notification.data && ev.notification.data.url);
  ev.waitUntil((async () => {
    const wins = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    for (const w of wins) {
      if (!w.url.startsWith(self.registration.scope)) continue;
      await w.focus();
      w.postMessage({ open: url }); // the app moves to the view (push.js)
      return;
    }
    await self.clients.openWindow(url);
  })());
});
