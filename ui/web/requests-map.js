// Area map: circles in metres (a request's area, an agency's scope) and the cameras' views, drawn on the
// neighborhood map's projection (hood-map.js), nothing fetched from outside. A click on the map can
// pick a point, as the agency console does to place a request. requests.js and agency.js call
// areaMap.draw.
"use strict";

const areaMap = (() => {
  const { fit, grid, el, W, H } = hoodMap;
  const M_PER_DEG = 111320; // metres per degree of latitude

  // extent is the four points where the circle meets its bounding box, so fit frames whole circles.
  function extent(c) {
    const dlat = c.radius / M_PER_DEG, dlon = dlat / (Math.cos(c.lat * Math.PI / 180) || 1e-6);
    return [{ lat: c.lat - dlat, lon: c.lon }, { lat: c.lat + dlat, lon: c.lon },
      { lat: c.lat, lon: c.lon - dlon }, { lat: c.lat, lon: c.lon + dlon }];
  }

  // view draws a camera as a square, with its sector when it faces one way (fov under 360°).
  function view(pr, cam) {
    const x = pr.x(cam.lon), y = pr.y(cam.lat);
    const r = pr.y(cam.lat) - pr.y(cam.lat + (cam.radius || 30) / M_PER_DEG);
    const out = [];
    const fov = cam.fov || 90;
    if (typeof cam.direction === "number" && fov < 360) {
      const a0 = (cam.direction - fov / 2) * Math.PI / 180, a1 = (cam.direction + fov / 2) * Math.PI / 180;
      const pt = a => `${(x + r * Math.sin(a)).toFixed(1)} ${(y - r * Math.cos(a)).toFixed(1)}`;
      out.push(el("path", { class: "map-view", d: `M${x.toFixed(1)} ${y.toFixed(1)} L${pt(a0)} A${r.toFixed(1)} ${r.toFixed(1)} 0 ${fov > 180 ? 1 : 0} 1 ${pt(a1)} Z` }));
    } else {
      out.push(el("circle", { class: "map-view", cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1) }));
    }
    const sq = el("rect", { class: "map-home", x: x - 4, y: y - 4, width: 8, height: 8 });
    sq.append(el("title", {}, `camera ${cam.name}`));
    out.push(sq);
    return out;
  }

  // draw fills svg with opts.areas ({lat, lon, radius, cls, title, id}; later ones on top) and opts.cams
  // (cameras' locations). opts.onPick(id) is called on a click on an area, opts.onPoint(lat, lon) on a
  // click anywhere else; opts.empty is the text shown when there is nothing to draw.
  function draw(svg, opts) {
    const areas = (opts.areas || []).filter(a => Number.isFinite(a.lat) && Number.isFinite(a.lon));
    const cams = opts.cams || [];
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    svg.onclick = null;
    const points = [...areas.flatMap(a => extent(a)), ...cams];
    if (!points.length) {
      svg.replaceChildren(el("text", { class: "map-empty", x: W / 2, y: H / 2, "text-anchor": "middle" },
        opts.empty || "Nothing to show."));
      return;
    }
    const pr = fit(points);
    const kids = [el("rect", { class: "map-bg", width: W, height: H }), ...grid(pr)];
    for (const c of cams) kids.push(...view(pr, c));
    for (const a of areas) {
      const r = Math.max(pr.y(a.lat) - pr.y(a.lat + a.radius / M_PER_DEG), 3);
      const c = el("circle", { class: `map-area ${a.cls || ""}`, cx: pr.x(a.lon).toFixed(1), cy: pr.y(a.lat).toFixed(1),
        r: r.toFixed(1), tabindex: 0 });
      if (a.id) c.dataset.id = a.id;
      if (a.title) c.append(el("title", {}, a.title));
      if (opts.onPick && a.id) c.addEventListener("click", ev => { ev.stopPropagation(); opts.onPick(a.id); });
      kids.push(c);
    }
    svg.replaceChildren(...kids);
    if (opts.onPoint) {
      svg.onclick = ev => {
        const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(svg.getScreenCTM().inverse());
        opts.onPoint(pr.lat(p.y), pr.lon(p.x));
      };
    }
  }

  return { draw };
})();
