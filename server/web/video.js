// The host's video on the seat page (and the host's own camera), over WebRTC.
//
// Signalling rides on the drill's websocket (protocol version 2, docs/protocol.md):
// this page offers, the server answers (media.offer -> media.answer), late ICE
// candidates follow as media.candidate, and media.state says whether the host is
// live. The server relays one encoded stream to every seat (server/video/).
// No video (the host is not publishing, WebRTC cannot connect, an old browser):
// the test card and a one-line notice; the drill goes on. Styles are in app.css
// (the pages' Content-Security-Policy allows no inline style).
"use strict";
window.GladiVideo = (() => {
  const { t, el, clock, num } = Gladi;
  const GATHER_MS = 2000; // LAN candidates gather in milliseconds; never wait longer than this
  const RETRY_MS = 3000;

  // A portrait test card: colour bars and the name, drawn once.
  function testCard() {
    const canvas = el("canvas", { class: "testcard", width: 360, height: 640 });
    const g = canvas.getContext("2d");
    if (!g) return canvas;
    const bars = ["#c0c0c0", "#c0c000", "#00c0c0", "#00c000", "#c000c0", "#c00000", "#0000c0"];
    bars.forEach((c, i) => { g.fillStyle = c; g.fillRect(i * 360 / 7, 0, 360 / 7 + 1, 470); });
    g.fillStyle = "#111"; g.fillRect(0, 470, 360, 170);
    g.fillStyle = "#fff"; g.font = "bold 44px system-ui, sans-serif"; g.textAlign = "center";
    g.fillText("GLADI", 180, 560);
    return canvas;
  }

  // A warning as its card says it: the short form a host reads at a glance while live
  // (check.coach_<hint>, numbers the page's way), or the whole message if there is none.
  function cardText(w) {
    const key = `check.coach_${w.hint_key}`;
    const short = t(key, localParams(w.params));
    return short === key ? w.text : short;
  }

  // A check message's parameters with the numbers written the page's way (-2,6 in Indonesian).
  function localParams(params) {
    return Object.fromEntries(Object.entries(params || {}).map(([k, v]) =>
      [k, typeof v === "number" ? num(v) : v]));
  }

  // A check message by its key and parameters (the trainer's coaching log).
  function hintText(hintKey, params) {
    return t(`check.${hintKey}`, localParams(params));
  }

  // What the seat shows: the video when it plays, else the test card; one notice line.
  class Stage {
    constructor(container) {
      this.video = el("video", { playsinline: "", autoplay: "", muted: "" });
      this.video.muted = true; // autoplay is allowed only without sound
      this.card = testCard();
      this.line = el("p", { class: "notice" });
      this.sound = el("button", { class: "unmute", type: "button", onclick: () => this.unmute() },
        t("video.tap_for_sound"));
      // The host's coaching: at most one card about the picture and one about the voice
      // (server/video/coaching.py), in one strip along the top of the stage (app.css).
      this.tips = el("ul", { class: "coaching", hidden: "", "aria-live": "polite",
        "aria-label": t("video.coaching_title") });
      this.root = el("div", { class: "stage", id: "video-stage" }, this.card, this.video,
        this.sound, this.tips, this.line);
      this.sound.hidden = true;
      this.video.hidden = true;
      container.replaceChildren(this.root);
      this.notice("video.no_video");
    }
    notice(key) {
      this.line.hidden = !key;
      this.line.textContent = key ? t(key) : "";
      this.root.dataset.notice = key || "";
    }
    play(stream) {
      this.video.srcObject = stream;
      this.video.hidden = false;
      this.card.hidden = true;
      this.sound.hidden = !this.video.muted;
      this.video.play().catch(() => {});
    }
    blank() {
      this.video.hidden = true;
      this.card.hidden = false;
      this.sound.hidden = true;
    }
    unmute() {
      this.video.muted = false;
      this.video.play().catch(() => {});
      this.sound.hidden = true;
    }
    coaching(items) {
      this.tips.hidden = !items || !items.length;
      this.tips.replaceChildren(...(items || []).map((w) =>
        el("li", { "data-check": w.check, "data-level": w.level }, el("span", {},
          t("video.coaching_line", { time: clock(w.since_ms), text: cardText(w) })))));
    }
  }

  function waitGathering(pc) {
    if (pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => { if (pc.iceGatheringState === "complete") resolve(); };
      pc.addEventListener("icegatheringstatechange", done);
      setTimeout(resolve, GATHER_MS);
    });
  }

  // One peer connection to the server: watching the host, or publishing the host's camera.
  class Peer {
    constructor(link, stage, purpose) {
      this.link = link;
      this.stage = stage;
      this.purpose = purpose;
      this.pc = null;
      this.retry = null;
      this.stopped = false;
      this.onchange = () => {};
    }
    get connected() { return Boolean(this.pc && this.pc.connectionState === "connected"); }
    async start() {
      if (!window.RTCPeerConnection) { this.stage.notice("video.old_browser"); return; }
      this.close();
      this.stopped = false;
      const pc = new RTCPeerConnection({ iceServers: [] }); // LAN only: no STUN, no TURN
      this.pc = pc;
      if (this.purpose === "publish") {
        // getUserMedia exists only in a secure context: https, or this very machine (localhost).
        if (!window.isSecureContext || !navigator.mediaDevices) { this.stage.notice("video.camera_insecure"); return; }
        try { await this.addCamera(pc); } catch { this.stage.notice("video.camera_denied"); return; }
      } else {
        this.addReceivers(pc);
      }
      pc.onicecandidate = (e) => {
        if (!this.answered) return; // before the offer is sent its SDP holds them all
        const c = e.candidate;
        this.link.send({ type: "media.candidate", v: 2, purpose: this.purpose,
          candidate: c ? c.candidate : "", sdpMid: c ? c.sdpMid : null,
          sdpMLineIndex: c ? c.sdpMLineIndex : null });
      };
      pc.onconnectionstatechange = () => {
        if (pc !== this.pc) return;
        if (pc.connectionState === "failed") { this.stage.notice("video.video_failed"); this.later(); }
        else this.onchange();
      };
      this.answered = false;
      await pc.setLocalDescription(await pc.createOffer());
      await waitGathering(pc);
      if (pc !== this.pc) return;
      this.answered = true;
      this.link.send({ type: "media.offer", v: 2, purpose: this.purpose, sdp: pc.localDescription.sdp });
    }
    addReceivers(pc) {
      const stream = new MediaStream();
      pc.addTransceiver("video", { direction: "recvonly" });
      pc.addTransceiver("audio", { direction: "recvonly" });
      pc.ontrack = (e) => {
        stream.addTrack(e.track);
        if (e.track.kind === "video") {
          e.track.onunmute = () => this.stage.play(stream);
          this.stage.play(stream);
        }
      };
    }
    async addCamera(pc) {
      const media = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
        audio: { echoCancellation: true, noiseSuppression: true },
      });
      for (const track of media.getTracks()) pc.addTransceiver(track, { direction: "sendonly", streams: [media] });
      this.stage.play(media); // the host sees itself, muted
      this.stage.sound.hidden = true;
    }
    async answer(msg) {
      if (!this.pc || msg.purpose !== this.purpose) return;
      try {
        await this.pc.setRemoteDescription({ type: "answer", sdp: msg.sdp });
      } catch {
        this.stage.notice("video.video_failed");
        this.later();
      }
    }
    later() {
      if (this.stopped || this.retry) return;
      this.retry = setTimeout(() => { this.retry = null; this.start(); }, RETRY_MS);
    }
    close() {
      clearTimeout(this.retry);
      this.retry = null;
      if (this.pc) {
        if (this.purpose === "publish") this.pc.getSenders().forEach((s) => s.track && s.track.stop());
        this.pc.close();
      }
      this.pc = null;
    }
    stop() {
      this.stopped = true;
      this.close();
      this.link.send({ type: "media.state", v: 2, purpose: this.purpose, state: "stopped" });
    }
  }

  // attach(link, container, role, media): the stage in `container`, watching the host (or,
  // for the host, publishing the camera); `media` is welcome.state.media (null: no video on
  // this server). Returns { handle(msg), restart(), stop() } for the page to feed media.*
  // messages and media errors to.
  function attach(link, container, role, media) {
    const stage = new Stage(container);
    const peer = new Peer(link, stage, role === "host" ? "publish" : "watch");
    let host = media ? media.host : "off";
    const show = () => {
      const connected = peer.connected;
      if (host === "live" && connected) stage.notice(null);
      else if (host === "reconnecting") stage.notice("video.host_reconnecting");
      else if (host === "off" && peer.purpose === "watch") { stage.blank(); stage.notice("video.no_video"); }
      else if (host === "connecting" || !connected) stage.notice("video.connecting");
    };
    peer.onchange = show;
    peer.start().then(show);
    const api = {
      stage,
      handle(msg) {
        if (msg.type === "media.answer") peer.answer(msg).then(show);
        else if (msg.type === "media.state") {
          host = msg.host;
          stage.coaching(msg.coaching);
          show();
        } else if (msg.type === "error") {
          stage.notice(null);
          stage.line.hidden = false;
          stage.line.textContent = msg.message;
        }
      },
      restart() { if (!peer.connected) peer.start().then(show); },
      stop() { peer.stop(); stage.blank(); },
    };
    return api;
  }

  return { attach, hintText };
})();
