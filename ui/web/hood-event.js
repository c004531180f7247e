// From an event to the neighbors. eventAlert.open(id, {replyTo, onPosted}) shows the confirm dialog:
// GET /api/v1/events/{id}/alert drafts the alert (text, place, clip with pre- and post-roll) and sends
// nothing; only Post sends, with the text, place and trim (From/To) the owner confirmed, through
// POST /api/v1/events/{id}/alert. eventAlert.matches(a) is the line under a neighbor's alert naming this
// home's events at that place and time ("your front camera saw motion at 14:09 — offer the clip?"), and
// eventAlert.recent(el) fills a card of recent events with "Tell the neighbors…" buttons. Any view may
// call open (the Events view's cards, the timeline); #/hood?event=ID opens it too. Uses api, $, state
// from app.js and actionButton from settings.js.
"use strict";

const eventAlert = (() => {
  let dlg = null, cur = null; // the dialog, and {draft, onPosted} while it is open
  const pad = n => String(n).padStart(2, "0");
  const hm = (t, secs) => { const d = new Date(t); return `${pad(d.getHours())}:${pad(d.getMinutes())}` + (secs ? `:${pad(d.getSeconds())}` : ""); };
  // local is t as a datetime-local value (local time, whole seconds); start rounds down, end too.
  const local = t => { const d = new Date(Math.floor(Date.parse(t) / 1e3) * 1e3); return new Date(d - d.getTimezoneOffset() * 60e3).toISOString().slice(0, 19); };
  const el = sel => dlg.querySelector(sel);

  function build() {
    dlg = document.createElement("dialog");
    dlg.id = "event-alert";
    dlg.className = "event-alert";
    dlg.innerHTML = `<form method="dialog" class="set-card">
      <h3>Tell the neighbors</h3>
      <p class="muted ea-what"></p>
      <img class="ea-snap" alt="Snapshot of the event" hidden>
      <p class="muted ea-reply" hidden></p>
      <label class="ea-hood-label">Neighborhood <select class="ea-hood"></select></label>
      <label>What happened <textarea class="ea-text" required maxlength="2000" rows="3"></textarea></label>
      <label>Category <select class="ea-category">
        <option value="other">other</option><option value="suspicious">suspicious</option><option value="theft">theft</option>
        <option value="safety">safety</option><option value="lost-pet">lost pet</option></select></label>
      <label class="ea-check"><input type="checkbox" class="ea-place"> Include the camera's place (shared to about 150 m)</label>
      <label class="ea-check"><input type="checkbox" class="ea-clip" checked> Attach the clip</label>
      <div class="set-row ea-trim">
        <label>From <input type="datetime-local" step="1" class="ea-start"></label>
        <label>To <input type="datetime-local" step="1" class="ea-end"></label>
        <span class="muted ea-length"></span>
        <button type="button" class="secondary ea-preview">Preview</button>
      </div>
      <video class="ea-video" controls playsinline hidden></video>
      <p class="muted">Nothing is sent until you press Post. The clip stays on this node; members of the
        neighborhood fetch it from here.</p>
      <p class="error ea-error" role="alert" hidden></p>
      <div class="set-row">
        <button type="submit" class="ea-post" value="post">Post to the neighborhood</button>
        <button type="button" class="secondary ea-cancel">Cancel</button>
      </div></form>`;
    document.body.append(dlg);
    el("form").addEventListener("submit", onPost);
    el(".ea-cancel").addEventListener("click", close);
    dlg.addEventListener("close", () => { el(".ea-video").pause(); cur = null; });
    el(".ea-clip").addEventListener("change", showTrim);
    for (const s of [".ea-start", ".ea-end"]) el(s).addEventListener("input", showTrim);
    el(".ea-preview").addEventListener("click", preview);
  }

  function say(text) { el(".ea-error").textContent = text; el(".ea-error").hidden = !text; }
  function close() { if (dlg?.open) dlg.close(); }

  // trim is the [start, end] typed in From/To in ms, or null.
  function trim() {
    const a = new Date(el(".ea-start").value).getTime(), b = new Date(el(".ea-end").value).getTime();
    return a < b ? [a, b] : null;
  }

  function showTrim() {
    const on = el(".ea-clip").checked, r = trim();
    el(".ea-trim").hidden = !on;
    el(".ea-length").textContent = !on ? "" : r ? `${Math.round((r[1] - r[0]) / 1e3)} s (at most ${cur?.draft.max_clip || "10m"})` : "Set From before To.";
  }

  // preview plays the trimmed clip from this node's own recordings: nothing leaves the node.
  function preview() {
    const r = trim(), v = el(".ea-video");
    if (!r) return;
    const q = new URLSearchParams({ start: new Date(r[0]).toISOString(), end: new Date(r[1]).toISOString() });
    v.src = url(`/api/v1/cameras/${encodeURIComponent(cur.draft.camera)}/export.mp4?${q}`);
    v.hidden = false;
    v.play().catch(() => {});
  }

  async function open(id, opts = {}) {
    if (!dlg) build();
    const q = opts.replyTo ? `?reply_to=${encodeURIComponent(opts.replyTo)}` : "";
    let draft, hoods;
    try {
      [draft, hoods] = await Promise.all([api("GET", `/api/v1/events/${id}/alert${q}`), api("GET", "/api/v1/hoods")]);
    } catch (e) {
      alert(`Cannot draft an alert from this event: ${e.message}`);
      return;
    }
    cur = { draft, onPosted: opts.onPosted };
    const ev = draft.event;
    el(".ea-what").textContent = `${ev.camera} · ${ev.kind} · ${new Date(ev.start).toLocaleString()}` +
      (ev.end ? ` – ${new Date(ev.end).toLocaleTimeString()}` : " (still going)");
    el(".ea-snap").hidden = !ev.snapshot;
    if (ev.snapshot) el(".ea-snap").src = ev.snapshot;
    el(".ea-reply").hidden = !draft.reply_to;
    el(".ea-reply").textContent = draft.reply_to ? "In answer to a neighbor's alert, in its neighborhood." : "";
    const sel = el(".ea-hood");
    sel.replaceChildren(...hoods.map(h => new Option(h.name, h.id, false, h.id === draft.hood)));
    el(".ea-hood-label").hidden = !!draft.hood || hoods.length < 2;
    el(".ea-text").value = draft.text;
    el(".ea-category").value = draft.category;
    el(".ea-place").checked = draft.lat != null;
    el(".ea-place").disabled = draft.lat == null;
    el(".ea-clip").checked = true;
    el(".ea-start").value = local(draft.start);
    el(".ea-end").value = local(draft.end);
    el(".ea-video").hidden = true;
    el(".ea-video").removeAttribute("src");
    say(hoods.length ? "" : "This node is in no neighborhood yet.");
    el(".ea-post").disabled = !hoods.length;
    showTrim();
    dlg.showModal();
  }

  async function onPost(ev) {
    ev.preventDefault();
    const d = cur.draft, body = { hood: d.hood || el(".ea-hood").value, text: el(".ea-text").value, category: el(".ea-category").value };
    if (el(".ea-place").checked && d.lat != null) Object.assign(body, { lat: d.lat, lon: d.lon });
    if (el(".ea-clip").checked) {
      const r = trim();
      if (!r) { say("Set the clip's From before its To, or leave the clip out."); return; }
      Object.assign(body, { start: new Date(r[0]).toISOString(), end: new Date(r[1]).toISOString() });
    }
    const b = el(".ea-post");
    b.disabled = true;
    say("");
    try {
      const posted = await api("POST", `/api/v1/events/${d.event.id}/alert`, body);
      const done = cur.onPosted;
      close();
      done?.(posted);
    } catch (e) {
      say(`Not posted: ${e.message}`);
    } finally {
      b.disabled = false;
    }
  }

  // matches is the block under a neighbor's alert listing this home's matching events, or null.
  function matches(a, onPosted) {
    if (a.mine || !a.matches?.length) return null;
    const box = document.createElement("div");
    box.className = "alert-matches";
    const shown = a.matches.slice(0, 3), minutes = shown.map(m => hm(m.start));
    for (const m of shown) {
      const secs = minutes.filter(x => x === hm(m.start)).length > 1; // two in one minute: tell them apart
      const p = document.createElement("p");
      p.className = "alert-match";
      p.dataset.event = m.id;
      p.textContent = `Your ${m.camera} camera saw ${m.kind} at ${hm(m.start, secs)}` + (state.role === "admin" ? " — offer the clip? " : ".");
      if (state.role === "admin") p.append(actionButton("Offer the clip…", "secondary alert-offer", () => open(m.id, { replyTo: a.id, onPosted })));
      box.append(p);
    }
    return box;
  }

  // recent fills box with this home's latest events, each with a "Tell the neighbors…" button.
  async function recent(box, onPosted) {
    let evs = [];
    try { evs = await api("GET", "/api/v1/events?limit=5"); } catch (e) { /* no events on this node */ }
    box.hidden = !evs.length || state.role !== "admin";
    const list = document.createElement("ul");
    list.className = "event-list";
    list.append(...evs.map(e => {
      const li = document.createElement("li");
      li.dataset.event = e.id;
      li.textContent = `${e.camera} · ${e.kind} · ${new Date(e.start).toLocaleString()} `;
      li.append(actionButton("Tell the neighbors…", "secondary event-tell", () => open(e.id, { onPosted })));
      return li;
    }));
    const h = document.createElement("h3");
    h.textContent = "Your cameras' recent events";
    box.replaceChildren(h, list);
  }

  return { open, matches, recent, close };
})();

// Every closed event's card in the Events view offers the same dialog (admins only: posting is theirs).
if (globalThis.eventsView) {
  eventsView.hooks.card = (actions, e) => {
    if (state.role !== "admin" || !e.end) return;
    actions.append(actionButton("Tell the neighbors…", "secondary ev-tell", () => eventAlert.open(e.id)));
  };
}
