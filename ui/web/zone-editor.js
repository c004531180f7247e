// Porchlight zone editor (in the camera form): polygons drawn on a picture of the camera — its latest event
// snapshot, else its live video — in frame units (0..1, origin top left). Click to add a point; click the
// first point again (or "Close polygon") to close it as a zone (motion counts only inside zones) or a mask
// (motion inside is ignored); each polygon has a Delete button. Uses api, $ and LivePlayer from app.js.
"use strict";

const zoneEditor = (() => {
  const SVGNS = "http://www.w3.org/2000/svg";
  const CLOSE_PX = 14; // a click this near the first point closes the polygon
  const z = { camera: "", polys: { zones: [], masks: [] }, draft: [], player: null, gen: 0, resize: null };

  const round = v => Math.round(Math.min(Math.max(v, 0), 1) * 1000) / 1000;
  function el(name, attrs) {
    const e = document.createElementNS(SVGNS, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    return e;
  }

  // open shows camera's polygons on its picture; camera "" (a new camera) has no picture yet.
  function open(camera, zones, masks) {
    close();
    z.camera = camera;
    z.polys = { zones: structuredClone(zones), masks: structuredClone(masks) };
    z.draft = [];
    loadPicture(++z.gen);
    z.resize = new ResizeObserver(draw);
    z.resize.observe($("#zone-stage"));
    draw();
  }

  function close() {
    z.gen++;
    z.player?.stop();
    z.player = null;
    z.resize?.disconnect();
    z.resize = null;
    const v = $("#zone-video");
    v.pause();
    v.removeAttribute("src");
    v.load();
  }

  // value is the polygons to save; an unfinished polygon of 3 points or more counts as closed.
  function value() {
    if (z.draft.length >= 3) closeDraft();
    return { zones: structuredClone(z.polys.zones), masks: structuredClone(z.polys.masks) };
  }

  function say(text) { $("#zone-source").textContent = text; }

  function fit(w, h) { if (w && h) $("#zone-stage").style.aspectRatio = `${w} / ${h}`; }

  // loadPicture shows the newest event snapshot of the camera, or else its live video.
  async function loadPicture(gen) {
    const img = $("#zone-img"), video = $("#zone-video");
    img.hidden = video.hidden = true;
    $("#zone-stage").style.aspectRatio = "";
    if (!z.camera) { say("Save the camera to draw on its picture; the shapes below keep their place in the frame."); return; }
    let snap = null;
    try {
      const evs = await api("GET", `/api/v1/events?camera=${encodeURIComponent(z.camera)}&limit=50`);
      snap = evs.find(e => e.snapshot)?.snapshot;
    } catch (e) { /* fall back to the live video */ }
    if (gen !== z.gen) return;
    if (snap) {
      img.onload = () => fit(img.naturalWidth, img.naturalHeight);
      img.src = snap;
      img.hidden = false;
      say("Drawn on the latest event snapshot.");
      return;
    }
    video.hidden = false;
    video.onloadedmetadata = () => fit(video.videoWidth, video.videoHeight);
    z.player = new LivePlayer(video, z.camera, "main", $("#zone-message"));
    say("Drawn on the live video (no event snapshot yet).");
  }

  // at is the point of a pointer event in frame units.
  function at(ev) {
    const r = $("#zone-svg").getBoundingClientRect();
    return [round((ev.clientX - r.left) / r.width), round((ev.clientY - r.top) / r.height)];
  }

  function onClick(ev) {
    const p = at(ev), r = $("#zone-svg").getBoundingClientRect();
    if (z.draft.length >= 3) {
      const [fx, fy] = z.draft[0];
      if (Math.hypot((p[0] - fx) * r.width, (p[1] - fy) * r.height) <= CLOSE_PX) { closeDraft(); return; }
    }
    z.draft.push(p);
    draw();
  }

  function closeDraft() {
    if (z.draft.length < 3) return;
    z.polys[$("#zone-kind").value].push(z.draft);
    z.draft = [];
    draw();
  }

  function draw() {
    const svg = $("#zone-svg"), { width: W, height: H } = svg.getBoundingClientRect();
    if (!W || !H) return;
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    const pts = poly => poly.map(([x, y]) => `${x * W},${y * H}`).join(" ");
    const kids = [];
    for (const kind of ["zones", "masks"]) {
      z.polys[kind].forEach((p, i) => kids.push(el("polygon", { class: kind === "zones" ? "zone" : "mask", points: pts(p), "data-index": i })));
    }
    if (z.draft.length) {
      kids.push(el("polyline", { class: `draft ${$("#zone-kind").value}`, points: pts(z.draft) }));
      z.draft.forEach(([x, y], i) => kids.push(el("circle", { class: i ? "pt" : "pt first", cx: x * W, cy: y * H, r: i ? 4 : 7 })));
    }
    svg.replaceChildren(...kids);
    $("#zone-close").disabled = z.draft.length < 3;
    $("#zone-undo").disabled = !z.draft.length;
    list();
  }

  function list() {
    const items = [];
    for (const kind of ["zones", "masks"]) {
      z.polys[kind].forEach((p, i) => {
        const li = document.createElement("li"), b = document.createElement("button");
        li.className = kind === "zones" ? "zone" : "mask";
        li.textContent = `${kind === "zones" ? "Zone" : "Mask"} ${i + 1} (${p.length} points) `;
        b.type = "button";
        b.className = "secondary zone-delete";
        b.textContent = "Delete";
        b.addEventListener("click", () => { z.polys[kind].splice(i, 1); draw(); });
        li.append(b);
        items.push(li);
      });
    }
    $("#zone-list").replaceChildren(...items);
    $("#zone-none").hidden = items.length > 0;
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("#zone-svg").addEventListener("click", onClick);
    $("#zone-close").addEventListener("click", closeDraft);
    $("#zone-undo").addEventListener("click", () => { z.draft.pop(); draw(); });
    $("#zone-kind").addEventListener("change", draw);
  });

  return { open, close, value };
})();
