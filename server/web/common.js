// Gladi web client: shared pieces (translation, the websocket link with resume).
// Plain JS, no build step, no CDN. Every user-facing string comes from the
// server's catalogues (/i18n/<lang>.json, made from gladi/locales).
"use strict";

const Gladi = (() => {
  let strings = {};
  // A room's join link names the room's language (?lang=en); a choice made here wins later.
  let lang = localStorage.getItem("gladi.lang") || new URLSearchParams(location.search).get("lang") || "id";

  // A language the server has no catalogue for (an old link, a typo) is Indonesian.
  async function loadLang(next) {
    let res = await fetch(`/i18n/${encodeURIComponent(next)}.json`);
    if (!res.ok) {
      next = "id";
      res = await fetch("/i18n/id.json");
    }
    lang = next;
    localStorage.setItem("gladi.lang", lang);
    strings = await res.json();
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach((el) => {
      el.textContent = t(el.dataset.i18n);
    });
    document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => {
      el.placeholder = t(el.dataset.i18nPlaceholder);
    });
    document.querySelectorAll("[data-i18n-title]").forEach((el) => {
      el.title = t(el.dataset.i18nTitle);
      el.setAttribute("aria-label", el.title);
    });
  }

  function t(key, params) {
    let text = strings["seat." + key];
    if (text === undefined) text = strings[key];
    if (text === undefined) return key;
    for (const [k, v] of Object.entries(params || {})) text = text.split(`{${k}}`).join(String(v));
    return text;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "dataset") Object.assign(node.dataset, v);
      else node.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  // Numbers as the page's language writes them (Indonesian: 77,2 and 1.234), in the locale
  // its catalogue names (i18n.CONVENTIONS).
  function num(n, digits) {
    return new Intl.NumberFormat(strings["lang.locale"] || "id-ID", { maximumFractionDigits: digits ?? 1 }).format(n);
  }

  function clock(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  // A page may give its toasts an area of their own, in the flow of what is showing (the
  // consoles: under their controls, so a toast never covers a button); else the floating
  // #toasts. An area shows the newest few.
  function toast(text, kind) {
    const area = [...document.querySelectorAll("[data-toasts]")].find((b) => b.getClientRects().length);
    const box = area || document.getElementById("toasts");
    if (!box) return;
    const node = el("div", { class: `toast ${kind || ""}`, role: "status" }, text);
    box.append(node);
    while (area && area.children.length > 3) area.firstElementChild.remove();
    setTimeout(() => node.remove(), 4000);
  }

  // The link's heartbeat (docs/protocol.md, "Transport"): a ping a second, which the
  // server answers with a pong; any message from the server proves the link. After
  // SILENT_MS without one the link counts as down: the page says so and opens a new
  // connection (the old one may never answer again: a Wi-Fi blip, a hotspot that moved).
  const PING_MS = 1000;
  const SILENT_MS = 2000;
  // A new connection that has heard nothing by then is given up and made again: a network
  // that drops packets answers nothing, not even a refusal.
  const CONNECT_MS = 3000;
  const WATCH_MS = 250;
  // An action still waiting for its answer after this long is shown in the list of waiting
  // actions even while the link is up (a slow hotspot); one waiting ANSWER_MS on a live
  // link is sent again (its cid makes that safe: the room applies it once).
  const SHOW_MS = 1500;
  const ANSWER_MS = 5000;
  // Actions kept waiting at most (server/seats.py remembers 256 answers per seat), and
  // answered ones kept on screen until dismissed.
  const MAX_PENDING = 100;
  const MAX_SETTLED = 20;

  // A client id for an action (docs/protocol.md, "Sent again"): random, so two phones or
  // two reloads never share one (crypto.randomUUID needs https; this does not).
  function newCid() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // A link to the room. It sends hello (resuming with the stored token), keeps the last
  // sequence number seen, notices a dead link within SILENT_MS, and reconnects by itself.
  // Actions go through act(): each gets a cid and waits in an outbox (kept in
  // localStorage, so a reload loses none) until the room answered it, applied or refused;
  // they go out one at a time, in order, and again after a reconnect.
  class Link {
    constructor(hello, handlers) {
      this.hello = hello;
      this.handlers = handlers;
      this.seq = 0;
      this.token = null;
      this.nextId = 1;
      this.pending = new Map(); // message id → callback, for requests other than actions
      this.closedByUs = false;
      this.retry = 0;
      this.online = false; // welcomed, and the server heard within SILENT_MS
      this.epoch = null;
      this.outbox = []; // {cid, action, epoch, label, at, shown, outcome, reason}
      this.callbacks = new Map(); // cid → callback of a tap on this page
      this.inflight = null; // {item, id, at}: the action sent and not yet answered
    }
    storageKey() { return `gladi.seat.${this.hello.room}.${this.hello.role}`; }
    outboxKey() { return `gladi.outbox.${this.hello.room}.${this.hello.role}`; }
    start() {
      const saved = JSON.parse(localStorage.getItem(this.storageKey()) || "null");
      if (saved && saved.token) { this.token = saved.token; this.seq = saved.seq || 0; }
      const kept = JSON.parse(localStorage.getItem(this.outboxKey()) || "[]");
      this.outbox = Array.isArray(kept) ? kept.filter((i) => i && i.cid && i.action) : [];
      this.watch = setInterval(() => this.tick(), WATCH_MS);
      this.open();
      this.emit();
    }
    open() {
      clearTimeout(this.again);
      const proto = location.protocol === "https:" ? "wss:" : "ws:";
      const ws = new WebSocket(`${proto}//${location.host}/ws`);
      this.ws = ws;
      this.welcomed = false;
      this.lastHeard = Date.now();
      this.lastPing = 0;
      ws.onopen = () => {
        // Version 2: this page takes part in the host's camera (media.*, docs/protocol.md).
        const hello = { ...this.hello, v: 2, type: "hello", lang };
        if (this.token) { hello.token = this.token; hello.last_seq = this.seq; }
        ws.send(JSON.stringify(hello));
      };
      ws.onmessage = (e) => {
        if (ws !== this.ws) return;
        this.lastHeard = Date.now();
        let msg;
        try { msg = JSON.parse(e.data); } catch { return; }
        this.receive(msg);
      };
      ws.onclose = (e) => {
        if (ws !== this.ws || this.closedByUs) return;
        if (e.code === 4000) { // the trainer freed this seat: its token is gone
          this.forget(); this.token = null; this.closedByUs = true;
          this.down();
          this.dropAll();
          (this.handlers.freed || (() => {}))();
          return;
        }
        this.down();
        this.retry = Math.min(this.retry + 1, 4);
        this.again = setTimeout(() => this.open(), 250 * this.retry);
      };
    }
    // Every WATCH_MS: the heartbeat, a silent link given up, answers that are late.
    tick() {
      if (this.closedByUs) { clearInterval(this.watch); return; }
      const ws = this.ws;
      if (!ws) return;
      const now = Date.now();
      if (ws.readyState === 1 && now - this.lastPing >= PING_MS) {
        this.lastPing = now;
        ws.send(JSON.stringify({ v: 1, type: "ping" }));
      }
      if (now - this.lastHeard > (this.welcomed ? SILENT_MS : CONNECT_MS)) this.abandon();
      let shown = false;
      for (const item of this.outbox) {
        if (item.outcome === "pending" && !item.shown && now - item.at > SHOW_MS) { item.shown = true; shown = true; }
      }
      if (shown) { this.save(); this.emit(); }
      if (this.inflight && this.online && now - this.inflight.at > ANSWER_MS) {
        this.inflight = null; // its answer never came (a message over the rate limit has none)
        this.pump();
      }
    }
    // The link is silent: this connection is given up (nothing it may still deliver is
    // needed: the actions go again with their cid) and a new one is made.
    abandon() {
      const ws = this.ws;
      ws.onopen = ws.onmessage = ws.onclose = null;
      try { ws.close(); } catch { /* already closed */ }
      this.down();
      this.open();
    }
    // The link is down: the notice goes up, and the action on its way waits again.
    down() {
      const was = this.online;
      this.online = false;
      this.welcomed = false;
      if (this.inflight) { this.inflight.item.shown = true; this.inflight = null; }
      for (const item of this.outbox) if (item.outcome === "pending") item.shown = true;
      // Other requests on their way get no answer now: say so (they were not actions).
      for (const [id, cb] of this.pending) cb({ type: "error", code: "offline", id, message: t("offline.not_sent") });
      this.pending.clear();
      this.save();
      if (was) (this.handlers.status || (() => {}))("offline");
      this.emit();
    }
    save() {
      if (this.token) localStorage.setItem(this.storageKey(), JSON.stringify({ token: this.token, seq: this.seq }));
      localStorage.setItem(this.outboxKey(), JSON.stringify(this.outbox));
    }
    receive(msg) {
      if (msg.type === "welcome") {
        this.retry = 0;
        this.token = msg.token;
        this.seq = msg.seq;
        this.epoch = msg.epoch;
        this.welcomed = true;
        this.online = true;
        this.save();
        this.handlers.welcome(msg);
        (this.handlers.status || (() => {}))("online");
        this.outdated();
        this.pump();
        return;
      }
      if (msg.type === "event" || msg.type === "room") {
        if (msg.seq <= this.seq) return; // replayed: the snapshot already holds it
        if (msg.seq !== this.seq + 1) { this.ws.close(); return; } // a gap: resume
        this.seq = msg.seq;
        this.epoch = msg.epoch;
        this.save();
        if (msg.type === "room" && msg.kind === "reset") this.outdated();
      }
      if (msg.type === "error" && msg.code === "bad_token") {
        localStorage.removeItem(this.storageKey());
        this.token = null;
        this.dropAll();
      }
      if ((msg.type === "ack" || msg.type === "error") && this.inflight && msg.id === this.inflight.id) {
        this.settle(this.inflight.item, msg);
      } else if ((msg.type === "ack" || msg.type === "error" || msg.type === "export") && msg.id) {
        const cb = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (cb) cb(msg);
      }
      const h = this.handlers[msg.type];
      if (h) h(msg);
    }
    // A request that is not an action (the trainer's commands, the camera's signalling):
    // sent now, or, with the link down, refused at once (the trainer sees the state when
    // the link is back and decides again).
    send(body, cb) {
      const id = this.nextId++;
      if (this.ws && this.ws.readyState === 1 && this.online) {
        if (cb) this.pending.set(id, cb);
        this.ws.send(JSON.stringify({ v: 1, id, ...body }));
      } else if (!String(body.type).startsWith("media.")) {
        const refusal = { type: "error", code: "offline", id, message: t("offline.not_sent") };
        if (cb) cb(refusal);
        else if (this.handlers.error) this.handlers.error(refusal);
      }
      return id;
    }
    // An action: kept with a cid until the room answered it. `label` says what it was
    // (for the list of waiting actions); `cb` gets the answer (ack, or error).
    act(action, cb, label) {
      if (this.outbox.filter((i) => i.outcome === "pending").length >= MAX_PENDING) {
        const refusal = { type: "error", code: "offline", message: t("offline.too_many") };
        if (cb) cb(refusal);
        if (this.handlers.error) this.handlers.error(refusal);
        return null;
      }
      const item = { cid: newCid(), action, epoch: this.epoch, label: label || "", at: Date.now(),
        shown: !this.online, outcome: "pending", reason: null };
      this.outbox.push(item);
      if (cb) this.callbacks.set(item.cid, cb);
      this.save();
      this.pump();
      this.emit();
      return item.cid;
    }
    // Send the oldest waiting action, if none is on its way (one at a time, in order: an
    // undo must follow what it takes back).
    pump() {
      if (!this.online || this.inflight || !this.ws || this.ws.readyState !== 1) return;
      const item = this.outbox.find((i) => i.outcome === "pending");
      if (!item) return;
      const id = this.nextId++;
      this.inflight = { item, id, at: Date.now() };
      this.ws.send(JSON.stringify({ v: 1, id, type: "action", cid: item.cid, action: item.action }));
    }
    // The room's answer to the action on its way: applied, or refused with its reason.
    settle(item, msg) {
      this.inflight = null;
      const applied = msg.type === "ack" && msg.accepted;
      this.end(item, applied ? "applied" : "refused",
        applied ? null : msg.type === "ack" ? (msg.hint || t(`reject.${msg.code}`)) : msg.message);
      const cb = this.callbacks.get(item.cid);
      this.callbacks.delete(item.cid);
      if (cb) cb(msg);
      this.pump();
    }
    end(item, outcome, reason) {
      item.outcome = outcome;
      item.reason = reason;
      if (!item.shown) this.outbox = this.outbox.filter((i) => i !== item);
      const settled = this.outbox.filter((i) => i.outcome !== "pending");
      for (const old of settled.slice(0, Math.max(0, settled.length - MAX_SETTLED))) {
        this.outbox = this.outbox.filter((i) => i !== old);
      }
      this.save();
      this.emit();
    }
    // Actions taken before the trainer restarted the drill are not sent into the new run:
    // their comments and viewers are gone (ids start again).
    outdated() {
      for (const item of this.outbox) {
        if (item.outcome === "pending" && item.epoch !== null && item.epoch !== this.epoch) {
          if (this.inflight && this.inflight.item === item) this.inflight = null;
          this.end(item, "refused", t("offline.refused_reset"));
        }
      }
    }
    // The seat is gone (freed, or its token unknown): nothing waiting can be sent, and
    // the page says how many were not.
    dropAll() {
      this.inflight = null;
      const lost = this.outbox.filter((i) => i.outcome === "pending").length;
      this.outbox = [];
      this.callbacks.clear();
      localStorage.removeItem(this.outboxKey());
      this.emit();
      if (lost && this.handlers.error) {
        this.handlers.error({ type: "error", code: "offline", message: t("offline.dropped", { n: num(lost) }) });
      }
    }
    // The answered ones on screen are put away (the waiting ones stay).
    dismiss() {
      this.outbox = this.outbox.filter((i) => i.outcome === "pending");
      this.save();
      this.emit();
    }
    emit() {
      const h = this.handlers.outbox;
      if (h) h(this.outbox.filter((i) => i.shown), this.online);
    }
    forget() {
      localStorage.removeItem(this.storageKey());
      localStorage.removeItem(this.outboxKey());
    }
  }

  // The room's visible state, kept from the snapshot and the event stream.
  class Live {
    constructor() { this.reset({}); }
    reset(snap) {
      this.t = snap.t || 0;
      this.viewers = snap.viewers || 0;
      this.taps = snap.taps || 0;
      this.commentsEnabled = snap.comments_enabled !== false;
      this.comments = new Map();
      for (const c of snap.stream || []) this.comments.set(c.id, { ...c });
      for (const c of snap.filtered || []) this.comments.set(c.id, { ...c, hidden: "filter" });
      this.pinned = snap.pinned || null;
      // Every comment pinned so far (id → it), so that an undone pin can bring back the one before.
      this.pins = new Map(this.pinned ? [[this.pinned.id, this.pinned]] : []);
      this.requests = new Map((snap.requests || []).map((r) => [r.id, r]));
      this.keywords = [...(snap.keywords || [])];
      // viewer → {handle, until}; the snapshot knows only the viewer and the end of the mute.
      this.muted = new Map(Object.entries(snap.muted || {}).map(([v, until]) => [v, { handle: v, until }]));
      this.guests = new Map((snap.guests || []).map((g) => [g.viewer, g.handle]));
      // viewer → handle, so that nothing shows a bare viewer id ("v12").
      this.handles = new Map();
      for (const c of this.comments.values()) if (c.viewer) this.handles.set(c.viewer, c.handle);
      for (const [v, h] of this.guests) this.handles.set(v, h);
      for (const [v, m] of this.muted) m.handle = this.handles.get(v) || "";
      // Gifts and officials waiting for the host (thank, welcome), oldest first.
      this.alerts = [];
    }
    apply(ev) {
      this.t = Math.max(this.t, ev.t);
      switch (ev.type) {
        case "comment":
          this.handles.set(ev.viewer, ev.handle);
          this.comments.set(ev.id, { id: ev.id, viewer: ev.viewer, handle: ev.handle, text: ev.text,
            t: ev.t, hidden: ev.hidden, template: ev.template });
          while (this.comments.size > 60) this.comments.delete(this.comments.keys().next().value);
          break;
        case "hidden":
          for (const id of ev.comments) {
            this.comments.delete(id);
            if (this.pinned && this.pinned.id === id) this.pinned = null;
          }
          break;
        case "audience":
          this.viewers = ev.viewers;
          for (const v of ev.joined || []) this.handles.set(v.id, v.handle);
          break;
        case "taps": this.taps += ev.count; break;
        case "gift": this.alerts.push({ kind: "gift", ev }); break;
        case "official":
          this.handles.set(ev.viewer, ev.handle);
          this.alerts.push({ kind: "official", ev });
          break;
        case "guest_request": this.requests.set(ev.id, ev); break;
        case "undone": // an undo took back a pin (the one before returns) or comments-off
          if (ev.action.type === "pin") this.pinned = (ev.pinned && this.pins.get(ev.pinned)) || null;
          else if (ev.action.type === "comments") this.commentsEnabled = true;
          break;
        case "applied": {
          const a = ev.action;
          if (a.type === "pin") {
            const c = this.comments.get(a.comment);
            this.pinned = c ? { id: c.id, text: c.text, handle: c.handle } : null;
            if (this.pinned) this.pins.set(c.id, this.pinned);
          } else if (a.type === "unpin") this.pinned = null;
          else if (a.type === "comments") this.commentsEnabled = a.enabled;
          else if (a.type === "guest_accept" || a.type === "guest_decline") {
            const r = this.requests.get(a.request);
            if (r && a.type === "guest_accept") this.guests.set(r.viewer, r.handle);
            this.requests.delete(a.request);
          } else if (a.type === "guest_remove") this.guests.delete(a.viewer);
          else if (a.type === "filter_add") {
            const k = a.keyword.split(/\s+/).filter(Boolean).join(" ").toLowerCase();
            if (!this.keywords.includes(k)) this.keywords.push(k);
          } else if (a.type === "filter_remove") {
            const k = a.keyword.split(/\s+/).filter(Boolean).join(" ").toLowerCase();
            this.keywords = this.keywords.filter((x) => x !== k);
          } else if (a.type === "mute") {
            this.muted.set(a.viewer, { handle: this.handles.get(a.viewer) || "",
              until: a.duration === null ? null : ev.t + a.duration * 1000 });
          } else if (a.type === "unmute" || a.type === "block") this.muted.delete(a.viewer);
          else if (a.type === "thank") this.alerts = this.alerts.filter((x) => x.kind !== "gift" || x.ev.id !== a.target);
          else if (a.type === "welcome") this.alerts = this.alerts.filter((x) => x.kind !== "official" || x.ev.viewer !== a.viewer);
          break;
        }
        default: break;
      }
      while (this.alerts.length > 30) this.alerts.shift();
    }
  }

  return { loadLang, t, el, num, clock, toast, Link, Live, get lang() { return lang; } };
})();
