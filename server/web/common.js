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

  // A link to the room. It sends hello (resuming with the stored token), keeps
  // the last sequence number seen, and reconnects by itself.
  class Link {
    constructor(hello, handlers) {
      this.hello = hello;
      this.handlers = handlers;
      this.seq = 0;
      this.token = null;
      this.nextId = 1;
      this.pending = new Map();
      this.closedByUs = false;
      this.retry = 0;
    }
    storageKey() { return `gladi.seat.${this.hello.room}.${this.hello.role}`; }
    start() {
      const saved = JSON.parse(localStorage.getItem(this.storageKey()) || "null");
      if (saved && saved.token) { this.token = saved.token; this.seq = saved.seq || 0; }
      this.open();
    }
    open() {
      const proto = location.protocol === "https:" ? "wss:" : "ws:";
      const ws = new WebSocket(`${proto}//${location.host}/ws`);
      this.ws = ws;
      this.lastHeard = Date.now();
      ws.onopen = () => {
        // Version 2: this page takes part in the host's camera (media.*, docs/protocol.md).
        const hello = { ...this.hello, v: 2, type: "hello", lang };
        if (this.token) { hello.token = this.token; hello.last_seq = this.seq; }
        ws.send(JSON.stringify(hello));
      };
      ws.onmessage = (e) => {
        this.lastHeard = Date.now();
        let msg;
        try { msg = JSON.parse(e.data); } catch { return; }
        this.receive(msg);
      };
      ws.onclose = (e) => {
        clearInterval(this.beat);
        if (this.closedByUs) return;
        if (e.code === 4000) { // the trainer freed this seat: its token is gone
          this.forget(); this.token = null; this.closedByUs = true;
          (this.handlers.freed || (() => {}))();
          return;
        }
        (this.handlers.status || (() => {}))("reconnecting");
        this.retry = Math.min(this.retry + 1, 5);
        setTimeout(() => this.open(), 500 * this.retry);
      };
      // Browsers send no websocket pings: a heartbeat notices a dead hotspot link.
      this.beat = setInterval(() => {
        if (Date.now() - this.lastHeard > 25000) { ws.close(); return; }
        if (ws.readyState === 1) ws.send(JSON.stringify({ v: 1, type: "ping" }));
      }, 8000);
    }
    save() {
      localStorage.setItem(this.storageKey(), JSON.stringify({ token: this.token, seq: this.seq }));
    }
    receive(msg) {
      if (msg.type === "welcome") {
        this.retry = 0;
        this.token = msg.token;
        this.seq = msg.seq;
        this.save();
        this.handlers.welcome(msg);
        return;
      }
      if (msg.type === "event" || msg.type === "room") {
        if (msg.seq <= this.seq) return; // replayed: the snapshot already holds it
        if (msg.seq !== this.seq + 1) { this.ws.close(); return; } // a gap: resume
        this.seq = msg.seq;
        this.save();
      }
      if (msg.type === "error" && msg.code === "bad_token") {
        localStorage.removeItem(this.storageKey());
        this.token = null;
      }
      if ((msg.type === "ack" || msg.type === "error" || msg.type === "export") && msg.id) {
        const cb = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (cb) cb(msg);
      }
      const h = this.handlers[msg.type];
      if (h) h(msg);
    }
    send(body, cb) {
      const id = this.nextId++;
      if (cb) this.pending.set(id, cb);
      if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify({ v: 1, id, ...body }));
      return id;
    }
    forget() { localStorage.removeItem(this.storageKey()); }
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
