// Neighborhood map: the alerts that carry a place (and the cameras' locations) drawn as our own SVG, an
// equirectangular projection fitted to their bounding box with a degree grid; no tiles, nothing fetched
// from outside. hood.js calls hoodMap.draw; requests-map.js reuses its projection. Uses $ from app.js.
"use strict";

const hoodMap = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const W = 480, H = 300, PAD = 24;
  const MIN_SPAN = 0.004; // degrees (about 400 m): one point alone still gets a street-sized frame

  function el(name, attrs, text) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // niceStep is 1, 2 or 5 times a power of ten, near span/6: the grid's spacing in degrees.
  function niceStep(span) {
    const raw = span / 6, p = 10 ** Math.floor(Math.log10(raw));
    return [1, 2, 5, 10].map(m => m * p).find(s => s >= raw);
  }

  // fit returns the projection of the points' bounding box (padded) into the W×H frame. Longitudes are
  // shrunk by cos(latitude) so that streets keep their shape at any latitude.
  function fit(points) {
    let [s, n, w, e] = [90, -90, 180, -180];
    for (const p of points) {
      s = Math.min(s, p.lat); n = Math.max(n, p.lat);
      w = Math.min(w, p.lon); e = Math.max(e, p.lon);
    }
    const k = Math.cos((s + n) / 2 * Math.PI / 180) || 1e-6;
    const grow = (lo, hi, min) => {
      const mid = (lo + hi) / 2, half = Math.max(hi - lo, min) * 0.55;
      return [mid - half, mid + half];
    };
    [s, n] = grow(s, n, MIN_SPAN);
    [w, e] = grow(w, e, MIN_SPAN / k);
    const scale = Math.min((W - 2 * PAD) / ((e - w) * k), (H - 2 * PAD) / (n - s));
    const cx = (w + e) / 2, cy = (s + n) / 2;
    return {
      x: lon => W / 2 + (lon - cx) * k * scale,
      y: lat => H / 2 - (lat - cy) * scale,
      lat: y => cy - (y - H / 2) / scale,
      lon: x => cx + (x - W / 2) / (k * scale),
    };
  }

  // grid draws parallels and meridians, each axis with its own step (near the poles a degree of
  // longitude is short, so one step for both would draw thousands of meridians).
  function grid(pr) {
    const [s, n] = [pr.lat(H), pr.lat(0)], [w, e] = [pr.lon(0), pr.lon(W)];
    const out = [];
    const lines = (lo, hi, draw) => {
      const step = niceStep(hi - lo), digits = Math.max(0, -Math.floor(Math.log10(step)));
      for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) draw(v, `${v.toFixed(digits)}°`);
    };
    lines(s, n, (lat, label) => {
      const y = pr.y(lat).toFixed(1);
      out.push(el("line", { class: "map-grid", x1: 0, x2: W, y1: y, y2: y }));
      out.push(el("text", { class: "map-label", x: 3, y: y - 3 }, label));
    });
    lines(w, e, (lon, label) => {
      const x = pr.x(lon).toFixed(1);
      out.push(el("line", { class: "map-grid", x1: x, x2: x, y1: 0, y2: H }));
      out.push(el("text", { class: "map-label", x: +x + 3, y: H - 4 }, label));
    });
    return out;
  }

  // draw fills svg with alerts (those with lat and lon; newest drawn last, on top) and homes (cameras'
  // {name, lat, lon}); onPick(id) is called when a dot is clicked.
  function draw(svg, alerts, homes, onPick) {
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    const placed = alerts.filter(a => typeof a.lat === "number" && typeof a.lon === "number");
    const points = [...placed, ...homes];
    if (!points.length) {
      svg.replaceChildren(el("text", { class: "map-empty", x: W / 2, y: H / 2, "text-anchor": "middle" },
        "No alerts with a place yet."));
      return;
    }
    const pr = fit(points);
    const kids = [el("rect", { class: "map-bg", width: W, height: H }), ...grid(pr)];
    for (const h of homes) {
      const r = el("rect", { class: "map-home", x: pr.x(h.lon) - 4, y: pr.y(h.lat) - 4, width: 8, height: 8 });
      r.append(el("title", {}, `camera ${h.name}`));
      kids.push(r);
    }
    for (const a of [...placed].reverse()) {
      const c = el("circle", { class: `map-dot cat-${a.category}`, cx: pr.x(a.lon).toFixed(1),
        cy: pr.y(a.lat).toFixed(1), r: 6, "data-id": a.id, tabindex: 0 });
      c.append(el("title", {}, `${a.category}: ${a.text}\n${a.author_name} · ${new Date(a.time).toLocaleString()}`));
      c.addEventListener("click", () => onPick(a.id));
      kids.push(c);
    }
    svg.replaceChildren(...kids);
  }

  // fit, grid and el serve requests-map.js, which draws areas on the same kind of map.
  return { draw, fit, grid, el, W, H };
})();
