// Training-day overview: every room of the server at a glance, made and driven from here.
// Speaks the overview messages on /ws/day (docs/protocol.md, "Training day").
"use strict";
(() => {
  const { t, el, num, clock, toast } = Gladi;
  const $ = (id) => document.getElementById(id);
  const ready = Gladi.loadLang(Gladi.lang);
  let ws = null;
  let key = "";
  let nextId = 1;
  let retry = 0;
  let rooms = [];
  const pending = new Map();

  $("key").value = new URLSearchParams(location.hash.slice(1)).get("key") || "";
  document.querySelectorAll("[data-lang]").forEach((b) =>
    b.addEventListener("click", () => Gladi.loadLang(b.dataset.lang).then(() => { if (ws) open(); })));

  function send(body, cb) {
    const id = nextId++;
    if (cb) pending.set(id, cb);
    if (ws && ws.readyState === 1) ws.send(JSON.stringify({ v: 1, id, ...body }));
    return id;
  }

  function open() {
    if (ws) { ws.onclose = null; ws.close(); }
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    ws = new WebSocket(`${proto}//${location.host}/ws/day`);
    ws.onopen = () => ws.send(JSON.stringify({ v: 1, type: "day_hello", key, lang: Gladi.lang }));
    ws.onmessage = (e) => {
      let msg;
      try { msg = JSON.parse(e.data); } catch { return; }
      receive(msg);
    };
    ws.onclose = () => {
      toast(t("reconnecting"));
      retry = Math.min(retry + 1, 5);
      setTimeout(open, 500 * retry);
    };
  }

  function receive(msg) {
    const cb = msg.id ? pending.get(msg.id) : null;
    if (cb) { pending.delete(msg.id); cb(msg); }
    switch (msg.type) {
      case "day_welcome":
        retry = 0;
        $("connect").hidden = true; $("console").hidden = false;
        $("join-base").textContent = msg.join_base || location.origin;
        $("scenario").replaceChildren(...msg.scenarios.map((s) => el("option", { value: s.id }, s.title)));
        rooms = msg.rooms; render();
        break;
      case "day_rooms": rooms = msg.rooms; render(); break;
      case "day_created":
        rooms = rooms.filter((r) => r.code !== msg.room.code).concat([msg.room]);
        toast(t("room_created", { code: msg.room.code }), "good"); render();
        break;
      case "day_controlled":
        toast(t("controlled", { done: num(msg.done.length), skipped: num(msg.skipped.length) }));
        break;
      case "day_file": {
        const a = el("a", { href: msg.url, download: msg.filename });
        document.body.append(a); a.click(); a.remove();
        break;
      }
      case "error":
        toast(msg.message, "bad");
        if (msg.code === "unauthorised" && $("console").hidden) { ws.onclose = null; ws.close(); ws = null; }
        break;
      default: break;
    }
  }

  $("connect-form").addEventListener("submit", (e) => {
    e.preventDefault();
    key = $("key").value.trim();
    ready.then(open);
  });
  $("create-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const body = { type: "day_create", scenario: $("scenario").value, lang: $("room-lang").value,
      team_mode: $("room-team").checked };
    const name = $("room-name").value.trim();
    if (name) body.name = name;
    send(body);
    $("room-name").value = "";
  });
  document.querySelectorAll("[data-all]").forEach((b) => b.addEventListener("click", () => {
    const command = b.dataset.all;
    if (!confirm(t("confirm_all", { command: t(command) }))) return;
    send({ type: "day_control", command });
  }));
  document.querySelectorAll("[data-export]").forEach((b) => b.addEventListener("click", () =>
    send({ type: "day_export", format: b.dataset.export })));

  // A room that has not started has no score: it says so (77,2 in Indonesian, 77.2 in English).
  function scoreText(r) {
    if (r.status === "lobby") return t("serve.day_report.not_started");
    return r.score === null ? "—" : num(r.score, 1);
  }

  function commandsFor(status) {
    return { lobby: ["start"], running: ["pause", "end"], paused: ["resume", "end", "reset"], ended: ["reset"] }[status] || [];
  }

  function render() {
    $("no-rooms").hidden = rooms.length > 0;
    $("rooms").replaceChildren(...rooms.map((r) => {
      const join = `/?room=${encodeURIComponent(r.code)}&lang=${r.lang}`;
      const consoleUrl = `/trainer?room=${encodeURIComponent(r.code)}#key=${encodeURIComponent(r.trainer_key)}`;
      return el("article", { class: `room-card ${r.status}`, "data-room": r.code },
        el("header", {}, el("b", {}, r.name || r.code), " ",
          el("span", { class: `badge ${r.status}` }, t(`day_status.${r.status}`))),
        el("p", {}, `${r.code} · ${r.scenario.title} · ${clock(r.t)} / ${clock(r.duration_ms)}`),
        el("p", {}, t("seats_online", { seats: num(r.seats), online: num(r.online) })),
        el("p", { class: r.harm ? "harm" : "" }, `${t("harm_on_screen")}: ${num(r.harm)}`),
        el("p", { class: "room-score", "data-score": r.code }, `${t("score_so_far")}: ${scoreText(r)}`),
        r.worker ? el("p", { class: "hint" }, `${t("worker")}: ${r.worker}`) : null,
        el("img", { class: "qr", src: `/qr/${encodeURIComponent(r.code)}.svg`, alt: join, width: "120", height: "120" }),
        el("p", {}, el("a", { href: join, target: "_blank" }, t("join_link")), " · ",
          el("a", { href: consoleUrl, target: "_blank", "data-console": r.code }, t("open_console"))),
        el("div", { class: "row" }, ...commandsFor(r.status).map((c) =>
          el("button", { class: "small", "data-cmd": `${r.code}:${c}`, onclick: () => {
            if ((c === "reset" || c === "end") && !confirm(t(`confirm_${c}`))) return;
            send({ type: "day_control", command: c, rooms: [r.code] });
          } }, t(c)))));
    }));
  }
})();
