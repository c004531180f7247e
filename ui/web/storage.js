// Storage & health view (#/storage): per camera the footage on disk, the oldest footage, how many days fit
// (with the inputs of that estimate) and the stream's health; a chart of disk usage over time drawn as our
// own SVG. Uses api, $, views from app.js and formatBytes from cameras.js.
"use strict";

const storageView = { timer: 0 };
const ST_SVGNS = "http://www.w3.org/2000/svg";
const CHART = { w: 800, h: 220, left: 64, right: 12, top: 12, bottom: 26 };
const LIMIT_NAMES = {
  max_age: "max_age",
  camera_max_bytes: "the camera's max_bytes",
  max_bytes: "its share of the global max_bytes",
  disk: "its share of the disk above min_free",
};

views.storage = {
  section: "#storage",
  show: () => showStorage(),
  hide: () => { clearInterval(storageView.timer); storageView.timer = 0; },
};

async function showStorage() {
  clearInterval(storageView.timer);
  storageView.timer = setInterval(() => refreshStorage().catch(() => {}), 5000);
  await refreshStorage();
}

async function refreshStorage() {
  const err = $("#st-error");
  let rep;
  try {
    rep = await api("GET", "/api/v1/storage");
  } catch (e) {
    err.textContent = `Storage report failed: ${e.message}`;
    err.hidden = false;
    return;
  }
  err.hidden = true;
  const warn = $("#st-warning");
  warn.textContent = rep.warning || "";
  warn.hidden = !rep.warning;
  const fs = rep.filesystem, lim = rep.limits;
  $("#st-disk").textContent = fs.total
    ? `Disk: ${formatBytes(fs.free)} free of ${formatBytes(fs.total)} (${(100 * fs.free / fs.total).toFixed(0)} %)`
    : "Disk size unknown";
  $("#st-limits").textContent = "Retention (all cameras): " + [
    lim.max_age ? `max_age ${formatDays(lim.max_age / 86400)}` : "no max_age",
    lim.max_bytes ? `max_bytes ${formatBytes(lim.max_bytes)}` : "no max_bytes",
    lim.min_free ? `min_free ${formatBytes(lim.min_free)}` : "no min_free",
  ].join(" · ");
  $("#st-list tbody").replaceChildren(...rep.cameras.map(storageRow));
  drawUsageChart(rep);
}

function formatDays(d) {
  return d >= 10 ? `${Math.round(d)} days` : `${d.toFixed(1)} days`;
}

function storageRow(c) {
  const tr = document.createElement("tr");
  tr.dataset.camera = c.name;
  const cell = (cls, text) => {
    const td = document.createElement("td");
    td.className = cls;
    td.textContent = text;
    tr.append(td);
    return td;
  };
  cell("name", c.name);
  cell(`state ${c.state}`, c.state);
  cell("bytes", formatBytes(c.bytes));
  cell("oldest", c.oldest ? new Date(c.oldest).toLocaleString() : "–");
  const hz = cell("horizon", horizonText(c.horizon));
  const inputs = document.createElement("small");
  inputs.className = "st-inputs";
  inputs.textContent = horizonInputs(c);
  hz.append(inputs);
  cell("bitrate", c.bitrate_bps ? `${(c.bitrate_bps / 1e6).toFixed(2)} Mbit/s` : "–");
  cell("fps", c.fps ? c.fps.toFixed(1) : "–");
  cell("reconnects", String(c.reconnects));
  cell("last-error", c.last_error || "");
  return tr;
}

function horizonText(h) {
  if (h.limited_by === "unknown") return "not known yet";
  if (h.limited_by === "none") return "no limit";
  return `about ${formatDays(h.days)} fit`;
}

// horizonInputs spells out the estimate: days = limit / (bytes on disk / days recorded).
function horizonInputs(c) {
  const h = c.horizon;
  if (h.limited_by === "unknown") return "needs 10 minutes of footage to estimate the rate";
  const parts = [`${formatBytes(h.bytes_per_day)}/day = ${formatBytes(c.bytes)} over ${formatDays(h.recorded_days)}`];
  if (h.share < 1) parts.push(`${(100 * h.share).toFixed(0)} % of all cameras' rate`);
  if (h.max_bytes) parts.push(`byte limit ${formatBytes(h.max_bytes)}`);
  if (h.max_age) parts.push(`max_age ${formatDays(h.max_age / 86400)}`);
  if (LIMIT_NAMES[h.limited_by]) parts.push(`limited by ${LIMIT_NAMES[h.limited_by]}`);
  return parts.join(" · ");
}

function svgEl(name, attrs, text) {
  const el = document.createElementNS(ST_SVGNS, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

// drawUsageChart plots the total footage and each camera's over the sampled history, ending now.
function drawUsageChart(rep) {
  const svg = $("#st-chart");
  const points = rep.history.map(p => ({ t: Date.parse(p.time), bytes: p.bytes, cams: p.cameras || {} }));
  const now = { t: Date.now(), bytes: 0, cams: {} };
  for (const c of rep.cameras) { now.bytes += c.bytes; now.cams[c.name] = c.bytes; }
  points.push(now);
  if (points.length === 1) points.unshift({ ...now, t: now.t - 60000 });
  const t0 = points[0].t, t1 = Math.max(points[points.length - 1].t, t0 + 1);
  const top = Math.max(1, ...points.map(p => p.bytes)) * 1.1;
  const { w, h, left, right, bottom } = CHART;
  const x = t => left + (t - t0) / (t1 - t0) * (w - left - right);
  const y = b => CHART.top + (1 - b / top) * (h - CHART.top - bottom);
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  const kids = [];
  for (let i = 0; i <= 4; i++) {
    const b = top * i / 4;
    kids.push(svgEl("line", { class: "st-grid", x1: left, x2: w - right, y1: y(b), y2: y(b) }));
    kids.push(svgEl("text", { class: "st-label", x: left - 6, y: y(b) + 4, "text-anchor": "end" }, formatBytes(b)));
  }
  const when = t => new Date(t).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  kids.push(svgEl("text", { class: "st-label", x: left, y: h - 6 }, when(t0)));
  kids.push(svgEl("text", { class: "st-label", x: w - right, y: h - 6, "text-anchor": "end" }, when(t1)));
  const line = get => points.map((p, i) => `${i ? "L" : "M"}${x(p.t).toFixed(1)} ${y(get(p)).toFixed(1)}`).join(" ");
  const legend = [];
  rep.cameras.forEach((c, i) => {
    const color = `hsl(${(200 + i * 67) % 360} 60% 60%)`;
    kids.push(svgEl("path", { class: "st-cam", d: line(p => p.cams[c.name] || 0), stroke: color, "data-camera": c.name }));
    legend.push([c.name, color]);
  });
  kids.push(svgEl("path", { class: "st-total", d: line(p => p.bytes) }));
  svg.replaceChildren(...kids);
  $("#st-legend").replaceChildren(...[["all cameras", "var(--accent)"], ...legend].map(([name, color]) => {
    const s = document.createElement("span");
    s.style.setProperty("--c", color);
    s.textContent = name;
    return s;
  }));
}
