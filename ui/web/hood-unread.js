// The Neighborhood nav's badge: how many neighbors' alerts nobody in the household has looked at yet
// (GET /api/v1/alerts/unread, polled every 10 s while logged in), and the household's read mark, moved
// forward when the feed shows alerts (hood.js calls hoodUnread.seen). Uses api, $, state and onSession
// from app.js.
"use strict";

const hoodUnread = (() => {
  let marked = ""; // the newest alert time sent as read

  function show(u) {
    const b = $("#alert-badge");
    b.textContent = u.unread ? String(u.unread) : "";
    b.hidden = !u.unread;
  }

  async function poll() {
    if (!state.user) return;
    try { show(await api("GET", "/api/v1/alerts/unread")); } catch (e) { /* no neighborhoods here */ }
  }

  // seen marks the feed read up to its newest alert, while the page is in view. The alert's own time is
  // sent, not a Date's: it keeps the nanoseconds a Date would cut, which would leave the alert unread.
  async function seen(alerts) {
    if (document.hidden || !alerts.length) return;
    const newest = alerts.reduce((a, b) => (Date.parse(b.time) > Date.parse(a.time) ? b : a)).time;
    if (marked && Date.parse(newest) <= Date.parse(marked)) return;
    marked = newest;
    try { show(await api("POST", "/api/v1/alerts/read", { until: newest })); } catch (e) { marked = ""; }
  }

  onSession.push(() => { marked = ""; poll(); });
  document.addEventListener("DOMContentLoaded", () => setInterval(poll, 10e3));
  return { seen, poll };
})();
