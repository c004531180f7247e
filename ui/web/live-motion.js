// Porchlight live tiles' motion badge: a tile shows "motion" while its camera has an open motion event, as
// the event feed (events-feed.js) reports it; the live view listens to the feed while it is shown. Uses
// eventFeed, onLiveTiles and views from app.js.
"use strict";

{
let off = null;
function badgeTiles() {
  for (const tile of document.querySelectorAll("#grid .tile")) {
    const open = eventFeed.openOn(tile.dataset.camera, "motion");
    const badge = tile.querySelector(".motion-badge");
    badge.hidden = !open;
    badge.title = open ? `motion since ${new Date(open.start).toLocaleTimeString()}` : "";
    tile.classList.toggle("motion", !!open);
  }
}

onLiveTiles.push(() => {
  off ??= eventFeed.on(badgeTiles);
  badgeTiles();
});
const hideLive = views.live.hide;
views.live.hide = () => {
  hideLive();
  off?.();
  off = null;
};
}
