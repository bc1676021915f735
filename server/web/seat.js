// Seat page: join from a phone, watch the comment stream, moderate with one tap.
"use strict";
(() => {
  const { t, el, clock, toast, Link, Live } = Gladi;
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

  $("join-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const room = $("room").value.trim();
    localStorage.setItem("gladi.name", $("name").value.trim());
    connect({ room, role: $("role").value, name: $("name").value.trim(),
      team: $("team").value.trim() || undefined });
  });

  function connect(hello) {
    $("join-button").disabled = true;
    toast(t("connecting"));
    link = new Link(hello, {
      welcome(msg) {
        me = msg; state = msg.state;
        live.reset(msg.snapshot);
        clockBase = { t: msg.snapshot.t, at: Date.now() };
        $("join").hidden = true; $("live").hidden = false; $("debrief").hidden = true;
        showVideo(msg);
        render();
      },
      "media.answer": (msg) => { if (video) video.handle(msg); },
      "media.state": (msg) => { if (video) video.handle(msg); },
      event(msg) {
        live.apply(msg.event);
        clockBase = { t: msg.t, at: Date.now() };
        if (msg.event.type === "official") toast(t("official_line", { handle: msg.event.handle }));
        render();
      },
      room(msg) {
        const d = msg.data;
        if (msg.kind === "started" || msg.kind === "resumed") state.status = "running";
        else if (msg.kind === "paused") state.status = "paused";
        else if (msg.kind === "ended") state.status = "ended";
        else if (msg.kind === "reset") {
          state.status = "lobby"; live.reset({}); $("debrief").hidden = true; $("live").hidden = false;
        } else if (msg.kind === "settings") { state.leaderboard = d.leaderboard; state.team_mode = d.team_mode; }
        else if (msg.kind === "note") { $("note").hidden = false; $("note").textContent = `${t("note_from_trainer")}: ${d.text}`; }
        else if (msg.kind === "freed" && me && d.seat === me.seat) { backToJoin(); return; }
        clockBase = { t: msg.t, at: Date.now() };
        render();
      },
      ack(msg) {
        if (!msg.accepted) toast(msg.hint || msg.code, "bad");
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
        box.hidden = !msg.visible || !msg.rows.length;
        const line = (r) => msg.verdicts ? ` ${r.rank}. ${r.name} (${r.points})` : ` ${r.name} (${r.actions} ${t("actions")})`;
        box.replaceChildren(el("b", {}, t("top_teams")), ...msg.rows.slice(0, 5).map((r) =>
          el("span", { class: me && r.seats.includes(me.seat) ? "mine" : "" }, line(r))));
      },
      status() { toast(t("reconnecting")); },
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

  // Resume a seat after a reload (the token is in localStorage).
  for (const role of ["moderator", "host", "observer"]) {
    const room = params.get("room");
    if (room && localStorage.getItem(`gladi.seat.${room}.${role}`)) {
      connect({ room, role });
      break;
    }
  }

  setInterval(() => {
    if (state.status === "running") $("clock").textContent = clock(clockBase.t + Date.now() - clockBase.at);
  }, 500);

  // The host's camera on the stage: the host publishes (where the browser allows the
  // camera), everyone else watches; a resumed connection restarts a failed peer.
  function showVideo(welcome) {
    if (!window.GladiVideo) return;
    if (video) { video.restart(); return; }
    video = GladiVideo.attach(link, $("stage-video"), welcome.role, welcome.state.media);
  }

  const staff = () => me && (me.role === "moderator" || me.role === "host");
  const isHost = () => me && me.role === "host";

  function act(action, okText) {
    link.send({ type: "action", action }, (msg) => {
      if (msg.type === "ack" && msg.accepted && okText) toast(okText, "good");
    });
    closeSheet();
  }

  function render() {
    $("status").textContent = t(`status.${state.status}`);
    $("status").className = `badge ${state.status}`;
    $("viewers").textContent = live.viewers;
    $("taps").textContent = live.taps;
    $("clock").textContent = clock(live.t);
    $("me").textContent = t("you_are", { name: me.name, role: t(`serve.role.${me.role}`) });
    const pin = $("pinned");
    pin.hidden = !live.pinned;
    if (live.pinned) pin.replaceChildren(el("b", {}, `📌 ${t("pinned")} · ${live.pinned.handle}: `), live.pinned.text);
    const alerts = $("alerts");
    alerts.replaceChildren(...live.alerts.map(({ kind, ev }) => {
      const line = kind === "gift" ? t("gift_line", { handle: ev.handle, gift: ev.gift, count: ev.count })
        : t("official_line", { handle: ev.handle });
      const btn = isHost() ? el("button", { class: "small", onclick: () => kind === "gift"
        ? act({ type: "thank", target: ev.id }, t("done")) : act({ type: "welcome", viewer: ev.viewer }, t("done")) },
        kind === "gift" ? t("act.thank") : t("act.welcome")) : null;
      return el("div", { class: `alert ${kind}` }, line, btn);
    }), ...[...live.requests.values()].map((r) => el("div", { class: "alert guest" },
      t("guest_line", { handle: r.handle }),
      isHost() ? el("button", { class: "small", onclick: () => act({ type: "guest_accept", request: r.id }) }, t("act.accept")) : null,
      isHost() ? el("button", { class: "small", onclick: () => act({ type: "guest_decline", request: r.id }) }, t("act.decline")) : null)));
    const items = [...live.comments.values()].slice(-40).reverse();
    $("stream").replaceChildren(...(items.length ? items.map((c) => el("li", {
      class: `comment${c.hidden === "filter" ? " filtered" : ""}`, dataset: { id: c.id, viewer: c.viewer },
      onclick: () => staff() && openSheet(c),
    }, el("b", {}, c.handle), " ", c.text, c.hidden === "filter" ? el("i", {}, ` (${t("filtered")})`) : null))
      : [el("li", { class: "empty" }, t("no_comments"))]));
    renderTools();
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
      isHost() ? el("button", { class: "small", onclick: () => act({ type: "talk", duration: 10000 }) }, t("act.talk")) : null,
    ].filter(Boolean));
    // What is in force, each with its undo, as in TikTok's moderation settings.
    $("chips").replaceChildren(
      ...live.keywords.map((k) => el("button", { class: "chip", "data-keyword": k, title: t("action.filter_remove"),
        onclick: () => act({ type: "filter_remove", keyword: k }) }, `${k} ✕`)),
      ...[...live.muted.entries()].filter(([, m]) => m.until === null || m.until > live.t).map(([v, m]) =>
        el("button", { class: "chip", "data-unmute": v, onclick: () => act({ type: "unmute", viewer: v }) },
          `${t("action.unmute")}: ${m.handle}`)),
      ...(isHost() ? [...live.guests.entries()].map(([v, handle]) => el("button", { class: "chip", "data-guest": v,
        onclick: () => act({ type: "guest_remove", viewer: v }) }, `${t("action.guest_remove")}: ${handle}`)) : []));
  }

  function closeSheet() { $("sheet").hidden = true; $("sheet").replaceChildren(); }

  function openSheet(c) {
    const sheet = $("sheet");
    const b = (key, onclick, extra) => el("button", { "data-act": key, class: `act ${extra || ""}`, onclick }, t(`act.${key}`));
    const main = [
      b("delete", () => act({ type: "delete", comment: c.id }, t("done")), "warn"),
      b("mute", () => muteMenu(c)),
      b("block", () => act({ type: "block", viewer: c.viewer, comment: c.id }, t("done")), "warn"),
      b("report", () => reportMenu(c)),
      live.pinned && live.pinned.id === c.id ? b("unpin", () => act({ type: "unpin" })) : b("pin", () => act({ type: "pin", comment: c.id }, t("done"))),
    ];
    if (isHost()) {
      main.push(b("answer", () => act({ type: "answer", comment: c.id }, t("done"))));
      main.push(b("thank", () => act({ type: "thank", target: c.id }, t("done"))));
    }
    sheet.replaceChildren(el("p", { class: "quote" }, el("b", {}, c.handle), " ", c.text), el("div", { class: "grid" }, ...main),
      b("cancel", closeSheet, "cancel"));
    sheet.hidden = false;
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

  function showDebrief(msg) {
    state.status = "ended";
    const card = msg.scorecard;
    const box = $("debrief");
    const you = msg.you ? el("div", { class: "you" }, el("h2", {}, t("your_result")),
      el("p", {}, `${t("rank")}: ${msg.you.rank ?? "–"} · ${t("hits")}: ${msg.you.hits || 0} · ${t("false_alarms")}: ${msg.you.false_alarms || 0} · ${t("answers")}: ${msg.you.answers || 0} · ${t("actions")}: ${msg.you.actions_sent} · ${t("rejected")}: ${msg.you.rejected_sent}`)) : null;
    const board = msg.leaderboard.length ? el("table", { class: "board" },
      el("tr", {}, el("th", {}, "#"), el("th", {}, t("name_col")), el("th", {}, t("points"))),
      ...msg.leaderboard.map((r) => el("tr", {}, el("td", {}, String(r.rank)), el("td", {}, r.name), el("td", {}, String(r.points)))))
      : el("p", {}, t("leaderboard_hidden"));
    const items = card.items.map((it) => el("li", { class: `item ${it.outcome}` },
      el("b", {}, `${clock(it.t)} ${it.handle}: `), it.text,
      el("div", { class: "meta" }, `${t("category")}: ${t(`category.${it.category}`)} · ${t("outcome")}: ${t(`outcome.${it.outcome}`)}`),
      msg.truth[it.template] ? el("div", { class: "why" }, msg.truth[it.template].explanation) : null));
    // The host's camera and voice tips of the run, with the time each problem began.
    const coaching = msg.coaching && msg.coaching.length ? [el("h2", {}, t("video.coaching_title")),
      el("ul", { class: "coaching-log", id: "debrief-coaching" }, ...msg.coaching.map((c) =>
        el("li", { class: c.cleared_t === null ? "" : "cleared" }, t("video.coaching_line", { time: clock(c.t), text: c.text }))))] : [];
    box.replaceChildren(...[el("h1", {}, t("debrief")),
      el("p", { class: "score" }, `${t("room_score")}: ${card.score} — ${card.passed ? t("passed") : t("not_passed")}`),
      you, ...coaching, el("h2", {}, t("leaderboard")), board, el("h2", {}, t("answer_key")), el("ol", { class: "items" }, ...items),
    ].filter(Boolean));
    $("live").hidden = true; box.hidden = false;
  }

})();
