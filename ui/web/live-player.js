// Porchlight live player: plays one camera stream in a <video>, by one of three paths (livePath), keeps
// playback near the live edge, reports its latency, and reconnects by itself. Used by app.js's live view.
"use strict";

// livePaths, in order of preference:
//   mse  Media Source Extensions fed from live.mp4, one chunked response: the lowest latency (the app
//        holds the live edge itself), Chrome, Firefox, Edge, desktop Safari, iPad Safari;
//   mms  ManagedMediaSource (Safari 17.1+, the only MSE on iPhone), the same feed and code;
//   hls  the browser's own HLS player on the LL-HLS playlist: iPhones before iOS 17.1, and browsers with
//        neither. Its buffering is the browser's, so its latency is higher.
const livePaths = ["mse", "mms", "hls"];

// livePath returns the path a browser plays live video by: the first of livePaths it supports, or the
// forced one (the live view's ?player=) when it supports that; null when none.
function livePath(video, force) {
  const can = {
    mse: !!window.MediaSource,
    mms: !!window.ManagedMediaSource,
    hls: video.canPlayType("application/vnd.apple.mpegurl") !== "",
  };
  if (force) return can[force] ? force : null;
  return livePaths.find(p => can[p]) || null;
}

class LivePlayer {
  constructor(video, camera, stream, message, force) {
    this.video = video;
    this.camera = camera;
    this.stream = stream;
    this.message = message;
    this.path = livePath(video, force);
    this.stopped = false;
    this.backoff = 500;
    if (!this.path) {
      this.say(force ? `This browser cannot play live video by ${force}.` : "This browser cannot play live video.");
      return;
    }
    this.run();
  }

  stop() {
    this.stopped = true;
    this.abort?.abort();
    this.video.removeAttribute("src");
    this.video.load();
  }

  say(text) {
    this.message.textContent = text;
    this.message.hidden = !text;
  }

  // resource is the URL of one of the camera's live resources (live.mp4, hls/index.m3u8), under the
  // base path.
  resource(file) {
    return url(`/api/v1/cameras/${encodeURIComponent(this.camera)}/${file}${this.stream === "sub" ? "?stream=sub" : ""}`);
  }

  async run() {
    while (!this.stopped) {
      try {
        await (this.path === "hls" ? this.sessionHLS() : this.sessionMSE());
        this.backoff = 500;
      } catch (e) {
        if (this.stopped) return;
        if (e.unsupported) { this.say(e.message); return; }
        this.say(`Reconnecting… (${e.message})`);
      }
      if (this.stopped) return;
      await new Promise(r => setTimeout(r, this.backoff));
      this.backoff = Math.min(this.backoff * 2, 10000);
    }
  }

  // fetchLive starts a request for the stream's file, checks its answer and takes its timeline's origin.
  async fetchLive(file) {
    this.abort = new AbortController();
    const resp = await fetch(this.resource(file), { signal: this.abort.signal, credentials: "same-origin" });
    if (resp.status === 401) { showLogin(); this.stopped = true; throw new Error("logged out"); }
    if (!resp.ok) throw new Error(resp.statusText);
    this.origin = Date.parse(resp.headers.get("X-Live-Origin") || "") || 0;
    return resp;
  }

  // sessionMSE feeds live.mp4 (a chunked fMP4 response) into a MediaSource or ManagedMediaSource.
  async sessionMSE() {
    const resp = await this.fetchLive("live.mp4");
    const mime = resp.headers.get("Content-Type");
    const MS = this.path === "mms" ? window.ManagedMediaSource : window.MediaSource;
    if (!MS.isTypeSupported(mime)) {
      this.abort.abort();
      const e = new Error(`This browser cannot play this camera's video (${mime}). ` +
        "H.265 plays in Safari and in Chrome or Edge with hardware support; recordings can still be exported.");
      e.unsupported = true;
      throw e;
    }
    const ms = new MS();
    // ManagedMediaSource opens only on a video without remote playback (or with an AirPlay source).
    this.video.disableRemotePlayback = this.path === "mms";
    this.video.src = URL.createObjectURL(ms);
    await new Promise(r => ms.addEventListener("sourceopen", r, { once: true }));
    const sb = ms.addSourceBuffer(mime);
    const queue = [];
    let failed = null;
    const pump = () => {
      if (sb.updating || !queue.length || failed) return;
      try { sb.appendBuffer(queue.shift()); } catch (e) { failed = e; }
    };
    sb.addEventListener("updateend", () => { this.keepLive(sb); pump(); });
    sb.addEventListener("error", () => { failed = new Error("media error"); });
    this.say("");
    const reader = resp.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done || this.stopped) break;
      if (failed) throw failed;
      queue.push(value);
      pump();
    }
    throw new Error("stream ended");
  }

  // sessionHLS hands the LL-HLS playlist to the browser's own player. The playlist is asked for once
  // first: it says whether the camera has video and the session still lives (a 401 shows the login);
  // the browser's player then reloads it by itself, with the session cookie.
  async sessionHLS() {
    const resp = await this.fetchLive("hls/index.m3u8");
    await resp.arrayBuffer();
    const v = this.video;
    await new Promise((resolve, reject) => {
      const tick = setInterval(() => this.keepLive(null), 1000);
      const end = err => { clearInterval(tick); v.removeEventListener("error", onError); reject(err); };
      const onError = () => end(new Error(v.error?.message || "media error"));
      v.addEventListener("error", onError);
      this.abort.signal.addEventListener("abort", () => end(new Error("stopped")));
      v.addEventListener("ended", () => end(new Error("stream ended")), { once: true });
      v.src = this.resource("hls/index.m3u8");
      v.play().catch(() => {});
      this.say("");
    });
  }

  // latency is how far behind the camera the picture on screen is, in seconds: now minus the wall time
  // of the frame shown (the stream's origin plus the playback position). NaN before playback, and on
  // the HLS path of a browser that does not say where its timeline starts: its own player puts 0 where
  // it joined the playlist, and only Safari tells the wall time of that (getStartDate, from
  // EXT-X-PROGRAM-DATE-TIME).
  latency() {
    const v = this.video;
    if (!v.buffered.length || !v.currentTime) return NaN;
    const origin = this.path === "hls" ? v.getStartDate?.().getTime() : this.origin;
    if (!origin) return NaN;
    return (Date.now() - origin) / 1000 - v.currentTime;
  }

  // keepLive holds playback near the newest frame: a late player jumps ahead instead of drifting behind,
  // and buffer older than 30 s is released. The browser's HLS player keeps its own buffer (sb is null).
  keepLive(sb) {
    const v = this.video, b = v.buffered;
    if (!b.length) return;
    if (sb) {
      const end = b.end(b.length - 1);
      if (end - v.currentTime > 1.2 || v.currentTime < b.start(0)) v.currentTime = Math.max(b.start(b.length - 1), end - 0.3);
    }
    if (v.paused) v.play().catch(() => {});
    const lag = this.latency();
    if (this.lag && lag >= 0) this.lag.textContent = `${lag.toFixed(1)} s`;
    if (sb && !sb.updating && v.currentTime - b.start(0) > 30) sb.remove(b.start(0), v.currentTime - 10);
  }
}
