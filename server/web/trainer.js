// Trainer console: drive the drill, watch every seat, see the answer key live.
"use strict";
(() => {
  const { t, el, num, clock, toast, Link, Live } = Gladi;
  const $ = (id) => document.getElementById(id);
  // Strings first: a welcome rendered before the catalogue arrived would show raw keys.
  const ready = Gladi.loadLang(Gladi.lang);
  const live = new Live();
  let link = null;
  let video = null; // the host's camera and the live coaching (video.js)
  const coachingLog = []; // room messages of kind "coaching": the host's warnings, timed
  let state = {};
  let templates = {};
  const log = [];
  let clockBase = { t: 0, at: 0 };
  let roomCode = "";

  const params = new URLSearchParams(location.search);
  $("room").value = params.get("room") || "";
  $("key").value = new URLSearchParams(location.hash.slice(1)).get("key") || "";
  document.querySelectorAll("[data-lang]").forEach((b) =>
    b.addEventListener("click", () => Gladi.loadLang(b.dataset.lang)));

  $("connect-form").addEventListener("submit", (e) => {
    e.preventDefault();
    link = new Link({ room: $("room").value.trim(), role: "trainer", key: $("key").value }, {
      welcome(msg) {
        state = msg.state; templates = state.templates || {};
        live.reset(msg.snapshot); log.length = 0;
        for (const c of msg.snapshot.stream || []) log.push({ ...c, template: (state.truth || {})[c.id] });
        clockBase = { t: msg.snapshot.t, at: Date.now() };
        $("connect").hidden = true; $("console").hidden = false;
        roomCode = msg.room;
        $("room-title").textContent = `${msg.room} · ${state.scenario.title}`;
        $("join-url").textContent = `${t("join_link")}: ${joinUrl()}`;
        if (state.status !== "ended") clearResults();
        $("show-board").checked = state.leaderboard; $("team-mode").checked = state.team_mode;
        $("verdicts-live").checked = state.verdicts_live;
        renderInjects(); render();
        if (window.GladiVideo) {
          if (video) video.restart();
          else video = GladiVideo.attach(link, $("stage-video"), "trainer", state.media);
        }
      },
      "media.answer": (msg) => { if (video) video.handle(msg); },
      "media.state": (msg) => { if (video) video.handle(msg); },
      event(msg) {
        live.apply(msg.event);
        if (msg.event.type === "comment") log.push(msg.event);
        if (msg.event.type === "hidden") for (const id of msg.event.comments) {
          const c = log.find((x) => x.id === id); if (c) c.gone = msg.event.by;
        }
        if (msg.event.type === "rejected") toast(`${msg.event.action.actor}: ${t(`reject.${msg.event.code}`)}`);
        while (log.length > 200) log.shift();
        clockBase = { t: msg.t, at: Date.now() };
        renderStream(); renderTop();
      },
      room(msg) {
        const d = msg.data;
        if (msg.kind === "started" || msg.kind === "resumed") state.status = "running";
        else if (msg.kind === "paused") state.status = "paused";
        else if (msg.kind === "ended") state.status = "ended";
        else if (msg.kind === "reset") { state.status = "lobby"; live.reset({}); log.length = 0; clearResults(); coachingLog.length = 0; renderCoaching(); }
        else if (msg.kind === "coaching") { coachingLog.push({ ...d, at: msg.t }); renderCoaching(); }
        else if (msg.kind === "settings") {
          Object.assign(state, d);
          $("show-board").checked = d.leaderboard; $("team-mode").checked = d.team_mode; $("verdicts-live").checked = d.verdicts_live;
        }
        clockBase = { t: msg.t, at: Date.now() };
        render();
      },
      seats(msg) { renderSeats(msg.seats); },
      rejoins(msg) { renderRejoins(msg.waiting); },
      saved(msg) { renderSaved(msg); },
      leaderboard(msg) { renderBoard(msg.rows); },
      ack(msg) { if (!msg.accepted) toast(msg.hint || t(`reject.${msg.code}`), "bad"); },
      error(msg) {
        if (msg.v === 2 && video) { video.handle(msg); return; } // a media.* request's error
        toast(msg.message, "bad");
      },
      debrief(msg) { renderDebrief(msg); },
      // The link went down or came back (offline.js): the notice, a stale badge and clock.
      status(s) {
        GladiOffline.notice($("offline-notice"), s === "offline", "offline.notice_console");
        renderTop();
      },
    });
    ready.then(() => link.start());
  });

  function joinUrl() { return `${location.origin}/?room=${encodeURIComponent(roomCode)}`; }

  // The projector view: the join code, the room's QR code (/qr/<code>.svg) and the address.
  $("project").addEventListener("click", () => {
    $("projector-join").textContent = t("serve.console.project_join", { url: joinUrl() });
    $("projector-code").textContent = roomCode;
    $("projector-qr").src = `/qr/${encodeURIComponent(roomCode)}.svg`;
    $("projector").hidden = false;
    const box = $("projector");
    if (box.requestFullscreen) box.requestFullscreen().catch(() => {});
  });
  function closeProjector() {
    $("projector").hidden = true;
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  }
  $("projector-close").addEventListener("click", closeProjector);
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && !$("projector").hidden) closeProjector(); });
  document.addEventListener("fullscreenchange", () => { if (!document.fullscreenElement) $("projector").hidden = true; });

  document.querySelectorAll("[data-cmd]").forEach((b) => b.addEventListener("click", () => {
    const cmd = b.dataset.cmd;
    if ((cmd === "reset" || cmd === "end") && !confirm(t(`confirm_${cmd}`))) return;
    link.send({ type: "control", command: cmd });
  }));
  $("show-board").addEventListener("change", (e) => link.send({ type: "settings", leaderboard: e.target.checked }));
  $("team-mode").addEventListener("change", (e) => link.send({ type: "settings", team_mode: e.target.checked }));
  $("verdicts-live").addEventListener("change", (e) => link.send({ type: "settings", verdicts_live: e.target.checked }));
  $("note-form").addEventListener("submit", (e) => {
    e.preventDefault();
    if ($("note").value.trim()) link.send({ type: "note", text: $("note").value.trim() });
    $("note").value = "";
  });
  for (const [id, format] of [["export-csv", "csv"], ["export-session", "session"]]) {
    $(id).addEventListener("click", () => link.send({ type: "export", format }, (msg) => {
      if (msg.type !== "export") return;
      const blob = new Blob([msg.content], { type: format === "csv" ? "text/csv" : "application/json" });
      const a = el("a", { href: URL.createObjectURL(blob), download: msg.filename });
      document.body.append(a); a.click(); a.remove();
    }));
  }

  setInterval(() => {
    if (state.status === "running" && link && link.online) $("clock").textContent = clock(clockBase.t + Date.now() - clockBase.at);
  }, 500);

  function renderInjects() {
    const kinds = state.injects || [];
    $("injects").replaceChildren(...kinds.flatMap((k) => k === "official_joins"
      ? ["village_head", "midwife"].map((role) => el("button", { "data-inject": `${k}:${role}`,
        onclick: () => link.send({ type: "inject", kind: k, count: 1, role }) }, `${t(`inject.${k}`)} (${t(`official.${role}`)})`))
      : [el("button", { "data-inject": k, onclick: () => link.send({ type: "inject", kind: k }) }, t(`inject.${k}`))]));
  }

  function renderTop() {
    const stale = Boolean(link && !link.online); // the link is down: what shows is stale
    $("status").textContent = stale ? t("offline.badge") : t(`status.${state.status}`);
    $("status").className = `badge ${stale ? "stale" : state.status}`;
    $("clock").classList.toggle("stale", stale);
    $("viewers").textContent = num(live.viewers);
    $("pause").hidden = state.status !== "running";
    $("resume").hidden = state.status !== "paused";
    $("start").hidden = state.status !== "lobby";
    lockWhenEnded();
  }

  // Once the drill ended nothing but a reset (and the exports) makes sense: every other
  // drill control is disabled until then, so no stray click injects into finished results.
  function lockWhenEnded() {
    const ended = state.status === "ended";
    const drill = [$("start"), $("pause"), $("resume"), $("end"), $("show-board"), $("verdicts-live"),
      $("team-mode"), $("note"), ...document.querySelectorAll("#note-form button, #injects button")];
    for (const node of drill) node.disabled = ended;
    $("ended-locked").hidden = !ended;
    document.body.classList.toggle("ended", ended);
  }

  function render() { renderTop(); renderStream(); }

  function renderStream() {
    $("stream").replaceChildren(...log.slice(-80).reverse().map((c) => {
      const tpl = templates[c.template] || {};
      return el("li", { class: `comment ${tpl.harmful ? "harmful" : "harmless"}${c.gone ? " gone" : ""}${c.hidden ? " filtered" : ""}` },
        el("span", { class: "cat" }, tpl.category ? t(`category.${tpl.category}`) : "?"), " ", el("b", {}, c.handle), " ", c.text,
        c.gone ? el("i", {}, ` — ${c.gone}`) : null,
        tpl.harmful ? el("div", { class: "why" }, `${(tpl.acceptable || []).map((r) => t(`action.${r}`)).join(", ")} · ${tpl.explanation || ""}`) : null);
    }));
  }

  // The trainer is one line above the table, never a participant; every participant's
  // seat (the host's too, and seats whose phone is gone) can be freed.
  function renderSeats(seats) {
    const trainers = seats.filter((s) => s.role === "trainer");
    const connections = trainers.reduce((n, s) => n + (s.connections || 0), 0);
    $("trainer-row").textContent = trainers.length ? t("serve.console.trainer_row", { count: connections }) : "";
    const people = seats.filter((s) => s.role !== "trainer");
    $("seats").replaceChildren(el("tr", {}, ...["name_col", "role", "team_col", "online"].map((k) => el("th", {}, t(k))),
      el("th", { title: t("serve.console.harm_title") }, t("serve.console.harm_col")),
      ...["actions", "rejected", "hits", "seat_hits", "false_alarms", "last_action"].map((k) => el("th", {}, t(k))), el("th", {}, "")),
    ...people.map((s) => el("tr", { class: s.online ? "" : "off", "data-seat": s.seat },
      el("td", {}, s.name, s.online ? null : el("span", { class: "ghost" }, ` ${t("serve.console.ghost")}`)),
      el("td", {}, t(`serve.role.${s.role}`)),
      el("td", {}, s.team || ""), el("td", {}, s.online ? t("online") : t("offline")),
      el("td", { class: `harm${s.harm ? " some" : ""}`, "data-harm": s.seat }, s.harm === null || s.harm === undefined ? "–" : num(s.harm)),
      el("td", {}, num(s.actions)),
      el("td", {}, num(s.rejected)), el("td", {}, num(s.hits)), el("td", {}, num(s.seat_hits)),
      el("td", {}, num(s.false_alarms)),
      el("td", {}, s.last_action ? `${t(`action.${s.last_action}`)} ${clock(s.last_t)}` : ""),
      // A seat holds its place (the host's!) until freed, also when its phone is gone.
      el("td", {}, el("button", { class: "small danger", "data-free": s.seat, onclick: () => {
        if (confirm(t("confirm_free", { name: s.name }))) link.send({ type: "free_seat", seat: s.seat });
      } }, t("free_seat"))))));
  }

  // Someone joined again under a seat's name: is it her? (docs/protocol.md, "Taking a seat back")
  function renderRejoins(waiting) {
    $("rejoins").hidden = !waiting.length;
    $("rejoins").replaceChildren(...waiting.map((w) => el("div", { class: "rejoin", "data-request": w.request },
      el("p", {}, el("b", {}, t("serve.console.rejoin_ask", { name: w.name })),
        w.online ? el("span", { class: "hint" }, ` ${t("serve.console.rejoin_online")}`) : null),
      el("button", { class: "primary", "data-give": w.request,
        onclick: () => link.send({ type: "rejoin", request: w.request, give_seat: true }) }, t("serve.console.rejoin_give")),
      " ",
      el("button", { class: "neutral", "data-new": w.request,
        onclick: () => link.send({ type: "rejoin", request: w.request, give_seat: false }) }, t("serve.console.rejoin_new")))));
  }

  function renderSaved(msg) {
    $("saved").textContent = msg.files.length
      ? t("serve.console.saved_in", { path: msg.files.join(" · ") }) : t("serve.console.saved_none");
  }

  function clearResults() {
    $("results").hidden = true; $("debrief").replaceChildren(); $("saved").replaceChildren();
  }

  // The room's log of the host's camera and voice warnings, newest first, each with the
  // time its problem began: "1:42 Wajah terlalu gelap — …" (raised) and when it was fixed.
  function renderCoaching() {
    $("coaching-log").replaceChildren(...coachingLog.slice(-30).reverse().map((d) => el("li", {
      class: d.change, "data-check": d.check,
    }, t("video.coaching_line", { time: clock(d.change === "raised" ? d.since_ms : d.at), text: GladiVideo.hintText(d.hint_key, d.params) }),
    d.change === "cleared" ? ` — ${t("video.coaching_cleared")}` : "")));
  }

  function boardRows(rows) {
    return [el("tr", {}, el("th", {}, "#"), el("th", {}, t("name_col")), el("th", {}, t("points")),
      el("th", {}, t("hits")), el("th", {}, t("false_alarms"))),
    ...rows.map((r) => el("tr", {}, el("td", {}, num(r.rank)), el("td", {}, r.name), el("td", {}, num(r.points)),
      el("td", {}, num(r.hits)), el("td", {}, num(r.false_alarms))))];
  }

  function renderBoard(rows) { $("board").replaceChildren(...boardRows(rows)); }

  // 77,2 in Indonesian, 77.2 in English.
  function score(value) {
    return Gladi.num(value, 1);
  }

  function renderDebrief(msg) {
    const card = msg.scorecard;
    // A question is answered or not (not answering is the host's miss), never just "fine".
    const answered = new Set(msg.answered || []);
    const outcome = (it) => it.category === "question" && it.outcome === "ok"
      ? (answered.has(it.id) ? "answered" : "unanswered") : it.outcome;
    renderBoard(msg.leaderboard);
    $("debrief").replaceChildren(
      el("p", { class: "score" }, `${t("room_score")}: ${score(card.score)} — ${card.passed ? t("passed") : t("not_passed")}`),
      el("details", {}, el("summary", {}, t("debrief")),
        el("ol", { class: "items" }, ...card.items.map((it) => el("li", { class: `item ${it.outcome}` },
          `${clock(it.t)} ${it.handle}: ${it.text} — ${t(`category.${it.category}`)}, ${t(`outcome.${outcome(it)}`)}${it.by ? ` (${it.by})` : ""}`)))),
      ...(msg.coaching && msg.coaching.length ? [el("h3", {}, t("video.coaching_title")),
        el("ul", { class: "coaching-log" }, ...msg.coaching.map((c) => el("li", { class: c.cleared_t === null ? "" : "cleared" },
          t("video.coaching_line", { time: clock(c.t), text: c.text }))))] : []),
      el("h3", {}, t("leaderboard")), el("table", { class: "table", id: "results-board" }, ...boardRows(msg.leaderboard)));
    // The results go at the top of the console, in view.
    $("results").hidden = false;
    window.scrollTo(0, 0);
  }

})();
