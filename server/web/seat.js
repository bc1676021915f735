// Seat page: join from a phone, watch the comment stream, moderate with one tap.
// The stream holds still while you act on it (a finger or the mouse on it, or the action
// sheet open): new comments wait behind a "N komentar baru" pill, rows that leave are only
// struck through, so the row under a finger never moves. A tap on rows that had just moved
// (the comment you saw may have slid away) opens nothing: it holds the stream and asks for
// the tap again. docs/protocol.md: the messages.
"use strict";
(() => {
  const { t, el, num, clock, toast, Link, Live } = Gladi;
  const $ = (id) => document.getElementById(id);
  // Strings first: a welcome rendered before the catalogue arrived would show raw keys.
  const ready = Gladi.loadLang(Gladi.lang);
  const live = new Live();
  let link = null;
  let video = null; // the host's camera on the stage (video.js)
  let me = null;
  let state = {};
  let clockBase = { t: 0, at: 0 };

  const params = new URLSearchParams(location.search);
  $("room").value = params.get("room") || "";
  $("name").value = localStorage.getItem("gladi.name") || "";

  document.querySelectorAll("[data-lang]").forEach((b) =>
    b.addEventListener("click", () => Gladi.loadLang(b.dataset.lang).then(() => { if (me) render(); })));

  // Large text: one switch for the whole page (app.css scales everything from the root size).
  function applyLarge(on) {
    document.documentElement.classList.toggle("large", on);
    document.querySelectorAll(".large-toggle").forEach((b) => b.setAttribute("aria-pressed", String(on)));
  }
  applyLarge(localStorage.getItem("gladi.large") === "1");
  document.querySelectorAll(".large-toggle").forEach((b) => b.addEventListener("click", () => {
    const on = !document.documentElement.classList.contains("large");
    localStorage.setItem("gladi.large", on ? "1" : "0");
    stable(() => applyLarge(on));
  }));

  $("join-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const room = $("room").value.trim();
    localStorage.setItem("gladi.name", $("name").value.trim());
    connect({ room, role: $("role").value, name: $("name").value.trim(),
      team: $("team").value.trim() || undefined });
  });

  function connect(hello) {
    $("join-button").disabled = true;
    ready.then(() => toast(t("connecting")));
    link = new Link(hello, {
      welcome(msg) {
        me = msg; state = msg.state;
        live.reset(msg.snapshot);
        stream.reset();
        clockBase = { t: msg.snapshot.t, at: Date.now() };
        $("join").hidden = true; $("live").hidden = false; $("debrief").hidden = true;
        keepInUrl(msg);
        showVideo(msg);
        render();
      },
      "media.answer": (msg) => { if (video) video.handle(msg); },
      "media.state": (msg) => { if (video) video.handle(msg); },
      event(msg) {
        live.apply(msg.event);
        clockBase = { t: msg.t, at: Date.now() };
        render();
      },
      room(msg) {
        const d = msg.data;
        if (msg.kind === "started") { $("debrief").hidden = true; $("live").hidden = false; }
        if (msg.kind === "started" || msg.kind === "resumed") state.status = "running";
        else if (msg.kind === "paused") state.status = "paused";
        else if (msg.kind === "ended") state.status = "ended";
        else if (msg.kind === "reset") {
          state.status = "lobby"; live.reset({}); stream.reset(); me.epoch = d.epoch;
          // The results stay on the phone until the next run starts.
          if ($("debrief").hidden) $("live").hidden = false;
          else GladiDebrief.kept($("debrief"));
        } else if (msg.kind === "settings") { state.leaderboard = d.leaderboard; state.team_mode = d.team_mode; }
        else if (msg.kind === "note") {
          stable(() => { $("note").hidden = false; $("note").textContent = `${t("note_from_trainer")}: ${d.text}`; });
        }
        else if (msg.kind === "freed" && me && d.seat === me.seat) { backToJoin(); return; }
        clockBase = { t: msg.t, at: Date.now() };
        render();
      },
      ack(msg) {
        if (!msg.accepted) toast(msg.hint || t(`reject.${msg.code}`), "bad");
      },
      error(msg) {
        if (msg.v === 2 && video) { video.handle(msg); return; } // a media.* request's error
        toast(msg.message, "bad");
        if (msg.code === "bad_token" && me) { backToJoin(); return; }
        if (!me) { $("join-button").disabled = false; if (link) { link.closedByUs = true; link.ws.close(); } }
      },
      debrief: showDebrief,
      leaderboard(msg) {
        // During the live (unless the trainer chose otherwise) rows carry no verdicts:
        // only how many actions each row took.
        const box = $("board");
        const line = (r) => msg.verdicts ? ` ${r.rank}. ${r.name} (${num(r.points)})` : ` ${r.name} (${num(r.actions)} ${t("actions")})`;
        stable(() => {
          box.hidden = !msg.visible || !msg.rows.length;
          box.replaceChildren(el("b", {}, t("top_teams")), ...msg.rows.slice(0, 5).map((r) =>
            el("span", { class: me && r.seats.includes(me.seat) ? "mine" : "" }, line(r))));
        });
      },
      // Her name has a seat already: the trainer confirms it is her (docs/protocol.md, rejoin).
      waiting(msg) { toast(msg.message); },
      // The link went down or came back (offline.js): the notice, a stale LIVE badge and clock.
      status(s) { if (me) stable(() => { GladiOffline.notice($("offline-notice"), s === "offline"); renderBadge(); }); },
      outbox(items) { stable(() => GladiOffline.list($("pending-actions"), items, () => link.dismiss())); },
      storage(msg) { toast(t(msg.saved ? "storage_back" : "storage_lost"), msg.saved ? "good" : "bad"); },
      freed: backToJoin,
    });
    ready.then(() => link.start());
  }

  // The trainer freed this seat (or it is no longer known): join again from the form.
  function backToJoin() {
    if (video) { video.stop(); video = null; }
    if (link) { link.forget(); link.closedByUs = true; if (link.ws) link.ws.close(); }
    me = null;
    toast(t("seat_freed"), "bad");
    $("live").hidden = true; $("debrief").hidden = true; $("join").hidden = false;
    $("join-button").disabled = false;
  }

  // After a welcome the address names the room and the role, so a reload (or a phone that
  // dropped the tab) resumes this seat with the token Link keeps in localStorage.
  function keepInUrl(welcome) {
    if (link && link.hello.room !== welcome.room) { link.hello.room = welcome.room; link.save(); }
    const next = new URLSearchParams(location.search);
    next.set("room", welcome.room);
    next.set("role", welcome.role);
    history.replaceState(null, "", `${location.pathname}?${next}`);
  }

  // Resume a seat after a reload (the token is in localStorage): the role the address
  // names first, then any role this phone has a seat of in the room.
  {
    const room = params.get("room");
    const roles = [params.get("role"), "moderator", "host", "observer"].filter(Boolean);
    const role = room && roles.find((r) => localStorage.getItem(`gladi.seat.${room}.${r}`));
    if (role) connect({ room, role });
  }

  // The room's clock runs on between messages, but not while the link is down: what the
  // page shows then is stale, and says so (renderBadge).
  setInterval(() => {
    if (state.status === "running" && link && link.online) $("clock").textContent = clock(clockBase.t + Date.now() - clockBase.at);
  }, 500);

  // The host's camera on the stage: the host publishes (where the browser allows the
  // camera), everyone else watches; a resumed connection restarts a failed peer.
  function showVideo(welcome) {
    if (!window.GladiVideo) return;
    if (video) { video.restart(); return; }
    video = GladiVideo.attach(link, $("stage-video"), welcome.role, welcome.state.media);
  }

  const staff = () => me && (me.role === "moderator" || me.role === "host");
  // What this seat may do: the welcome lists the actions it may send and holds the
  // permission for (docs/protocol.md, the action table); nothing else is offered.
  const may = (type) => Boolean(me && (me.actions || []).includes(type));

  // The comment stream, newest at the bottom as on TikTok. Rows are made once and only
  // appended, updated or removed. It holds still while a finger (or the mouse) is on it or
  // the action sheet is open, and for HOLD_AFTER_MS after that; the pill lets it go at once.
  const HOLD_AFTER_MS = 8000;
  const LONG_PRESS_MS = 500; // a longer press only holds the stream: it is not a tap
  // A tap this soon after the rows moved may land on a comment that slid under the finger
  // after you looked (a person taps about a second after finding a comment).
  const SETTLE_MS = 1500;
  const stream = {
    rows: new Map(), // comment id → its <li>, in arrival order
    held: false,
    on: false, // a finger or the mouse is on the list
    sheet: false, // the action sheet is open
    timer: 0,
    downAt: 0,
    pressMs: 0,
    movedAt: -Infinity, // when the rows last moved on screen (performance.now() time)
    settled: true, // the rows under the last touch had held still (or the stream was held)
    reset() {
      clearTimeout(this.timer);
      this.rows.clear(); this.held = false; this.on = false;
      $("stream").replaceChildren();
    },
    hold() { clearTimeout(this.timer); if (!this.held) { this.held = true; this.update(); } },
    letGo() {
      clearTimeout(this.timer);
      if (this.held && !this.on && !this.sheet) this.timer = setTimeout(() => this.follow(), HOLD_AFTER_MS);
    },
    follow() {
      clearTimeout(this.timer);
      this.held = false; this.on = false;
      if (me) render();
    },
    update() {
      const box = $("stream");
      const wanted = [...live.comments.values()].slice(-40);
      const oldest = wanted.length ? wanted[0].t : Infinity;
      let fresh = 0;
      let gone = 0;
      for (const [id, row] of this.rows) {
        if (live.comments.has(id) && (this.held || wanted.some((c) => c.id === id))) continue;
        // Hidden by a moderator (or scrolled out of the window, when the stream moves).
        if (!this.held) { row.remove(); this.rows.delete(id); } else if (Number(row.dataset.t) >= oldest) {
          row.classList.add("gone"); gone++;
        }
      }
      for (const c of wanted) {
        const row = this.rows.get(c.id);
        if (row) this.refresh(row, c);
        else if (this.held) fresh++;
        else { const r = this.row(c); this.rows.set(c.id, r); box.append(r); }
      }
      const empty = box.querySelector("li.empty");
      if (this.rows.size && empty) empty.remove();
      if (!this.rows.size && !empty) box.append(el("li", { class: "empty" }, t("no_comments")));
      if (!this.held) box.scrollTop = box.scrollHeight;
      const pill = $("new-comments");
      pill.hidden = !this.held || (!fresh && !gone);
      pill.textContent = fresh ? t("new_comments", { n: num(fresh) }) : t("stream_catch_up");
      pill.dataset.count = String(fresh);
      $("tap-hint").hidden = !pill.hidden || !staff();
      box.classList.toggle("held", this.held);
    },
    row(c) {
      const li = el("li", { class: "comment", dataset: { id: c.id, viewer: c.viewer || "", t: String(c.t) } });
      this.refresh(li, c);
      return li;
    },
    refresh(li, c) {
      const filtered = c.hidden === "filter";
      const key = `${Gladi.lang}|${filtered}|${c.handle}|${c.text}`;
      if (li.dataset.key === key) return;
      li.dataset.key = key;
      li.classList.toggle("filtered", filtered);
      li.replaceChildren(el("b", {}, c.handle), " ", c.text, ...(filtered ? [el("i", {}, ` (${t("filtered")})`)] : []));
    },
  };
  {
    const box = $("stream");
    box.addEventListener("pointerdown", (e) => {
      stream.downAt = e.timeStamp;
      stream.settled = stream.held || e.timeStamp - stream.movedAt >= SETTLE_MS;
      stream.on = true; stream.hold();
    });
    // The mouse holds it once it moves over the list (a pointer the page moved under does not).
    box.addEventListener("pointermove", (e) => {
      if (e.pointerType === "mouse" && (e.movementX || e.movementY) && !stream.on) { stream.on = true; stream.hold(); }
    });
    box.addEventListener("pointerup", (e) => {
      stream.pressMs = e.timeStamp - stream.downAt;
      if (e.pointerType !== "mouse") { stream.on = false; stream.letGo(); }
    });
    for (const type of ["pointercancel", "pointerleave"]) {
      box.addEventListener(type, () => { stream.on = false; stream.letGo(); });
    }
    box.addEventListener("contextmenu", (e) => e.preventDefault()); // a long press holds, nothing else
    box.addEventListener("click", (e) => {
      const press = stream.pressMs;
      stream.pressMs = 0;
      const li = e.target.closest("li.comment");
      if (!li || li.classList.contains("gone") || press > LONG_PRESS_MS || !staff()) return;
      if (!stream.settled) { toast(t("stream_moved")); return; } // held now: tap again
      const c = live.comments.get(li.dataset.id);
      if (c) openSheet(c);
    });
    $("new-comments").addEventListener("click", () => stream.follow());
  }

  // Gifts, officials and guest requests wait for whoever may thank, welcome and accept
  // (the host, docs/protocol.md, the action table): one bar with the latest and a count.
  function pendingAlerts() {
    const list = [...(may("thank") ? live.alerts.filter((a) => a.kind === "gift") : []),
      ...(may("welcome") ? live.alerts.filter((a) => a.kind === "official") : []),
      ...(may("guest_accept") ? [...live.requests.values()].map((ev) => ({ kind: "guest", ev })) : [])];
    return list.sort((a, b) => (a.ev.t ?? -1) - (b.ev.t ?? -1));
  }

  function giftName(id) {
    const name = t(`gift.${id}`);
    return name === `gift.${id}` ? id.replace(/_/g, " ") : name;
  }

  function alertLine({ kind, ev }) {
    if (kind === "gift") return t("gift_line", { handle: ev.handle, gift: giftName(ev.gift), count: num(ev.count) });
    return kind === "official" ? t("official_line", { handle: ev.handle }) : t("guest_line", { handle: ev.handle });
  }

  function alertButtons({ kind, ev }) {
    const b = (key, action) => el("button", { class: "small", type: "button", "data-alert-act": key,
      onclick: (e) => { e.stopPropagation(); act(action, t("done")); } }, t(`act.${key}`));
    if (kind === "gift") return [b("thank", { type: "thank", target: ev.id })];
    if (kind === "official") return [b("welcome", { type: "welcome", viewer: ev.viewer })];
    return [b("accept", { type: "guest_accept", request: ev.id }), b("decline", { type: "guest_decline", request: ev.id })];
  }

  function renderAlerts() {
    const bar = $("alert-bar");
    const list = pendingAlerts();
    if (stream.held && bar.hidden) return; // see render(): it appears once the stream goes on
    bar.hidden = !list.length;
    bar.dataset.count = String(list.length);
    if (!list.length) { bar.replaceChildren(); return; }
    const last = list[list.length - 1];
    bar.className = `alert-bar ${last.kind}`;
    bar.replaceChildren(
      el("button", { class: "count", type: "button", title: t("alerts_count", { n: num(list.length) }), onclick: openAlerts },
        num(list.length)),
      el("span", { class: "line", onclick: openAlerts }, alertLine(last)), ...alertButtons(last));
  }

  function openAlerts() {
    $("sheet").replaceChildren(el("p", { class: "quote" }, el("b", {}, t("alerts_title"))),
      el("ul", { class: "alert-list" }, ...pendingAlerts().reverse().map((a) =>
        el("li", { class: `alert ${a.kind}` }, alertLine(a), " ", ...alertButtons(a)))),
      el("button", { class: "act cancel", type: "button", onclick: closeSheet }, t("act.cancel")));
    showSheet();
  }

  // An action goes into the link's outbox (common.js, Link.act): sent now, or kept while
  // the link is down and sent when it is back; its answer ends it applied or refused.
  function act(action, okText) {
    link.act(action, (msg) => {
      if (msg.type !== "ack" || !msg.accepted) return;
      if (msg.undoable) offerUndo(okText || t("done"));
      else if (okText) toast(okText, "good");
    }, GladiOffline.describe(action, live));
    closeSheet();
  }

  // An action the server's ack calls undoable (a block, pin, report or comments-off) can be
  // taken back for state.undo_ms (a slip of the finger): one bar with the countdown, for the
  // last of them (docs/protocol.md, "Undo").
  let undoTimer = 0;
  function offerUndo(text) {
    const box = $("toasts");
    clearInterval(undoTimer);
    box.querySelector(".toast.undo")?.remove();
    // Counted on this phone's clock from the answer, a little short of the room's window,
    // which began when the server applied the action.
    const until = performance.now() + (state.undo_ms || 5000) - 500;
    const button = el("button", { type: "button", class: "small", id: "undo" });
    const bar = el("div", { class: "toast good undo", role: "status" }, `${text} `, button);
    const close = () => { clearInterval(undoTimer); bar.remove(); };
    const tick = () => {
      const left = Math.ceil((until - performance.now()) / 1000);
      if (left <= 0) close();
      else button.textContent = t("act.undo", { seconds: num(left) });
    };
    button.addEventListener("click", () => {
      close();
      link.act({ type: "undo" }, (msg) => {
        if (msg.type === "ack" && msg.accepted) toast(t("undone"), "good");
      }, t("action.undo"));
    });
    tick();
    undoTimer = setInterval(tick, 250);
    box.append(bar);
  }

  function render() {
    stable(() => {
      renderBadge();
      $("viewers").textContent = num(live.viewers);
      $("taps").textContent = num(live.taps);
      $("clock").textContent = clock(live.t);
      $("me").textContent = t("you_are", { name: me.name, role: t(`serve.role.${me.role}`) });
      $("me").dataset.seat = me.seat;
      // While the stream holds still, a bar that was not there does not appear over its rows
      // (it waits for the stream to go on); one that is there changes in place (one line).
      const pin = $("pinned");
      const pinWaits = stream.held && pin.hidden;
      pin.hidden = !live.pinned || pinWaits;
      if (live.pinned && !pinWaits) pin.replaceChildren(el("b", {}, `📌 ${t("pinned")} · ${live.pinned.handle}: `), live.pinned.text);
      renderAlerts();
      stream.update();
      renderTools();
    });
  }

  // The room's status; while the link is down, marked stale and the clock stopped.
  function renderBadge() {
    const stale = Boolean(link && !link.online);
    $("status").textContent = stale ? t("offline.badge") : t(`status.${state.status}`);
    $("status").className = `badge ${stale ? "stale" : state.status}`;
    $("clock").classList.toggle("stale", stale);
  }

  // Keep the rows of the stream where they are on screen while it holds still, whatever
  // else changes around it (a pinned comment, the leaderboard, a note, the tools).
  // Otherwise note when they moved (a tap right after that is not taken, see SETTLE_MS).
  function stable(change) {
    const box = $("stream");
    const top = box.getBoundingClientRect().top;
    const anchor = [...box.children].find((r) => r.getBoundingClientRect().bottom > top);
    const before = anchor ? anchor.getBoundingClientRect().top : 0;
    change();
    if (!anchor) return;
    const shift = anchor.isConnected ? anchor.getBoundingClientRect().top - before : Infinity;
    if (stream.held && anchor.isConnected) box.scrollTop += shift;
    else if (Math.abs(shift) >= 1) stream.movedAt = performance.now();
  }

  // The keyword box is static: re-rendering it on every event would wipe what is being typed.
  $("add-keyword").addEventListener("click", () => {
    const kw = $("keyword").value.trim();
    if (kw) { act({ type: "filter_add", keyword: kw }, t("done")); $("keyword").value = ""; }
  });

  function renderTools() {
    $("tools").hidden = !staff();
    if (!staff()) return;
    $("tool-buttons").replaceChildren(...[
      el("button", { class: "small", id: "comments-toggle", onclick: () => act({ type: "comments", enabled: !live.commentsEnabled }, t("done")) },
        live.commentsEnabled ? t("act.comments_off") : t("act.comments_on")),
      may("talk") ? el("button", { class: "small", onclick: () => act({ type: "talk", duration: 10000 }) }, t("act.talk")) : null,
    ].filter(Boolean));
    // What is in force, each with its undo, as in TikTok's moderation settings.
    $("chips").replaceChildren(
      ...live.keywords.map((k) => el("button", { class: "chip", "data-keyword": k, title: t("action.filter_remove"),
        onclick: () => act({ type: "filter_remove", keyword: k }) }, `${k} ✕`)),
      ...[...live.muted.entries()].filter(([, m]) => m.until === null || m.until > live.t).map(([v, m]) =>
        el("button", { class: "chip", "data-unmute": v, onclick: () => act({ type: "unmute", viewer: v }) },
          `${t("action.unmute")}: ${m.handle}`)),
      ...(may("guest_remove") ? [...live.guests.entries()].map(([v, handle]) => el("button", { class: "chip", "data-guest": v,
        onclick: () => act({ type: "guest_remove", viewer: v }) }, `${t("action.guest_remove")}: ${handle}`)) : []));
  }

  function showSheet() {
    $("sheet").hidden = false;
    stream.sheet = true;
    stream.hold();
  }

  function closeSheet() {
    const sheet = $("sheet");
    sheet.hidden = true; sheet.replaceChildren(); delete sheet.dataset.comment;
    stream.sheet = false;
    stream.letGo();
  }

  function openSheet(c) {
    const sheet = $("sheet");
    const b = (key, onclick, extra) => el("button", { "data-act": key, class: `act ${extra || ""}`, onclick }, t(`act.${key}`));
    const pinned = live.pinned && live.pinned.id === c.id;
    // The actions on a comment, in the sheet's order; each only if this seat may take it.
    const main = [
      may("delete") && b("delete", () => act({ type: "delete", comment: c.id }, t("done")), "warn"),
      may("mute") && b("mute", () => muteMenu(c)),
      may("block") && b("block", () => act({ type: "block", viewer: c.viewer, comment: c.id }, t("done")), "warn"),
      may("report") && b("report", () => reportMenu(c)),
      pinned && may("unpin") && b("unpin", () => act({ type: "unpin" })),
      !pinned && may("pin") && b("pin", () => act({ type: "pin", comment: c.id }, t("done"))),
      may("answer") && b("answer", () => act({ type: "answer", comment: c.id }, t("done"))),
      may("thank") && b("thank", () => act({ type: "thank", target: c.id }, t("done"))),
    ].filter(Boolean);
    sheet.replaceChildren(el("p", { class: "quote" }, el("b", {}, c.handle), " ", c.text), el("div", { class: "grid" }, ...main),
      b("cancel", closeSheet, "cancel"));
    sheet.dataset.comment = c.id;
    showSheet();
  }

  function muteMenu(c) {
    const presets = state.mute_presets || [5, 30, 60, 300, null];
    const label = (s) => s === null ? t("mute_whole") : s >= 60 ? t("minutes", { n: s / 60 }) : t("seconds", { n: s });
    $("sheet").replaceChildren(el("p", {}, t("mute_for")), el("div", { class: "grid" }, ...presets.map((s) =>
      el("button", { class: "act", "data-mute": String(s), onclick: () => act({ type: "mute", viewer: c.viewer, duration: s, comment: c.id }, t("done")) }, label(s)))),
    el("button", { class: "act cancel", onclick: closeSheet }, t("act.cancel")));
  }

  function reportMenu(c) {
    const reasons = state.report_reasons || [];
    $("sheet").replaceChildren(el("p", {}, t("report_reason")), el("div", { class: "grid" }, ...reasons.map((r) =>
      el("button", { class: "act", "data-reason": r, onclick: () => act({ type: "report", comment: c.id, reason: r }, t("done")) }, t(`reason.${r}`)))),
    el("button", { class: "act cancel", onclick: closeSheet }, t("act.cancel")));
  }

  // The debrief (debrief.js): this run's when it ends; after a reset, the run before's,
  // kept until the next run starts.
  function showDebrief(msg) {
    const kept = msg.epoch < me.epoch;
    if (!kept) state.status = "ended";
    const box = $("debrief");
    GladiDebrief.show(box, msg, { room: me.room, kept,
      who: `${t("room_code")} ${me.room} · ${t("you_are", { name: me.name, role: t(`serve.role.${me.role}`) })}` });
    $("live").hidden = true; box.hidden = false;
  }

})();
