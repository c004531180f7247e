// Porchlight live tiles' motion badge: a tile shows "motion" while its camera has an open motion event, as
// the event feed (events-feed.js) reports it. Uses eventFeed and onLiveTiles.
"use strict";

{
function badgeTiles() {
  for (const tile of document.querySelectorAll("#grid .tile")) {
    const open = eventFeed.openOn(tile.dataset.camera, "motion");
    const badge = tile.querySelector(".motion-badge");
    badge.hidden = !open;
    badge.title = open ? `motion since ${new Date(open.start).toLocaleTimeString()}` : "";
    tile.classList.toggle("motion", !!open);
  }
}

eventFeed.on(badgeTiles);
onLiveTiles.push(badgeTiles);
}
