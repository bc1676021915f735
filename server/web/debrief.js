// The seat's debrief on a phone: first what *you* did (your hits, the harm the room missed,
// your false alarms, your fastest and slowest act) and your tips with their times, then the
// room's score and board, and the answer key folded below. "Simpan hasil" saves the same as a
// text file. Built from the server's `debrief` message (docs/protocol.md, "debrief"); every
// word through Gladi.t, every number through Gladi.num, every time on the room clock.
"use strict";
const GladiDebrief = (() => {
  const { t, el, num, clock, toast } = Gladi;

  const seconds = (ms) => t("seconds", { n: num(ms / 1000, 1) });

  // "0:42 · Hapus @handle — 2,1 detik": when, what, on whose comment, how fast.
  function actLine(key, act) {
    const line = t(key, { time: clock(act.t), action: t(`action.${act.response}`), handle: act.handle,
      seconds: seconds(act.reaction_ms) });
    return act.late ? `${line} ${t("act_late")}` : line;
  }

  // The figures of MineOut, each a [label, value] pair, in the order shown.
  function figures(mine) {
    const rows = [[t("mine_hits"), mine.hits], [t("mine_misses"), mine.misses],
      [t("mine_false_alarms"), mine.false_alarms]];
    if (mine.unanswered !== null) rows.push([t("mine_unanswered"), mine.unanswered]);
    return rows.map(([label, n]) => [label, num(n)]);
  }

  function acts(mine) {
    if (!mine.fastest) return [t("no_acts")];
    return [actLine("fastest", mine.fastest), ...(mine.slowest ? [actLine("slowest", mine.slowest)] : [])];
  }

  function rankLine(msg) {
    const you = msg.you;
    if (!you || you.rank === null || !msg.leaderboard.length) return null;
    const row = msg.leaderboard.find((r) => r.rank === you.rank);
    return t("rank_line", { rank: num(you.rank), count: num(msg.leaderboard.length),
      points: num(row ? row.points : 0) });
  }

  const scoreLine = (card) =>
    `${t("room_score")}: ${num(card.score, 1)} — ${card.passed ? t("passed") : t("not_passed")}`;

  // The answer key in three groups: the harm (what became of it), the harmless comments
  // someone acted on, and the viewers' questions (answered or not: an unanswered one is the
  // host's miss). Comments the scenario's own filter kept off count for nobody: left out.
  function groups(msg) {
    const answered = new Set(msg.answered || []);
    const harmful = [];
    const wrong = [];
    const questions = [];
    for (const it of msg.scorecard.items) {
      if (it.outcome === "silenced") continue;
      if (it.outcome === "false_alarm") wrong.push(it);
      else if (it.category === "question") questions.push({ ...it, outcome: answered.has(it.id) ? "answered" : "unanswered" });
      else if (it.outcome !== "ok") harmful.push(it);
    }
    return [["key_harmful", harmful], ["key_false_alarms", wrong], ["key_questions", questions]]
      .filter(([, items]) => items.length);
  }

  // A seat's scorecard holds only its own actor's detail (docs/protocol.md, "debrief").
  function actorOf(msg) {
    return msg.mine ? Object.keys(msg.scorecard.actors || {})[0] || null : null;
  }

  function itemWho(it) { return `${clock(it.t)} ${it.handle}:`; }

  function itemMeta(it, actor) {
    const by = it.by && it.by === actor ? ` (${t("by_you")})` : "";
    const should = it.acceptable && it.acceptable.length && it.outcome !== "false_alarm"
      && it.category !== "question" ? ` · ${t("should_do")}: ${it.acceptable.map((r) => t(`action.${r}`)).join(", ")}` : "";
    return `${t("category")}: ${t(`category.${it.category}`)} · ${t("outcome")}: ${t(`outcome.${it.outcome}`)}${by}${should}`;
  }

  function itemWhy(it, truth) {
    const known = truth[it.template];
    if (!known) return [];
    const lines = [`${t("explanation")}: ${known.explanation}`];
    if (known.answer) lines.push(`${t("model_answer")}: ${known.answer}`);
    if (known.source) lines.push(`${t("source")}: ${known.source}`);
    return lines;
  }

  function keyCount(msg) { return groups(msg).reduce((n, [, items]) => n + items.length, 0); }

  // ------------------------------------------------------------ the page

  function mineSection(msg) {
    if (!msg.mine) {
      return msg.you ? null : el("section", { class: "mine", id: "debrief-mine" }, el("h2", {}, t("your_result")),
        el("p", {}, t("observer_mine")));
    }
    const rank = rankLine(msg);
    return el("section", { class: "mine", id: "debrief-mine", "aria-labelledby": "debrief-mine-h" },
      el("h2", { id: "debrief-mine-h" }, t("your_result")),
      el("dl", { class: "figures" }, ...figures(msg.mine).flatMap(([label, value]) =>
        [el("div", { class: "figure" }, el("dt", {}, label), el("dd", {}, value))])),
      el("ul", { class: "acts" }, ...acts(msg.mine).map((line) => el("li", {}, line))),
      rank ? el("p", { class: "rank" }, rank) : null);
  }

  function tipsSection(msg) {
    if (!msg.mine) return null;
    const tips = msg.mine.tips;
    return el("section", { class: "tips", id: "debrief-tips", "aria-labelledby": "debrief-tips-h" },
      el("h2", { id: "debrief-tips-h" }, t("your_tips")),
      tips.length ? el("ol", {}, ...tips.map((tip) => el("li", { "data-code": tip.code },
        el("b", {}, tip.text), ...tip.detail.map((line) => el("div", { class: "why" }, line)))))
        : el("p", {}, t("no_tips_mine")));
  }

  function boardSection(msg) {
    const board = msg.leaderboard.length ? el("table", { class: "board" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "#"), el("th", { scope: "col" }, t("name_col")),
        el("th", { scope: "col" }, t("points")))),
      el("tbody", {}, ...msg.leaderboard.map((r) => el("tr", { class: msg.you && msg.you.rank === r.rank ? "mine" : "" },
        el("td", {}, num(r.rank)), el("td", {}, r.name), el("td", {}, num(r.points))))))
      : el("p", {}, t("leaderboard_hidden"));
    return [el("h2", {}, t("leaderboard")), board];
  }

  function coachingSection(msg) {
    if (!msg.coaching || !msg.coaching.length) return [];
    return [el("h2", {}, t("video.coaching_title")),
      el("ul", { class: "coaching-log", id: "debrief-coaching" }, ...msg.coaching.map((c) =>
        el("li", { class: c.cleared_t === null ? "" : "cleared" }, t("video.coaching_line", { time: clock(c.t), text: c.text }))))];
  }

  function keySection(msg, actor) {
    const parts = groups(msg).flatMap(([key, items]) => [
      el("h3", {}, t("key_group", { name: t(key), n: num(items.length) })),
      el("ol", { class: "items" }, ...items.map((it) => el("li", { class: `item ${it.outcome}`, "data-id": it.id },
        el("b", {}, itemWho(it)), " ", it.text, el("div", { class: "meta" }, itemMeta(it, actor)),
        ...itemWhy(it, msg.truth).map((line) => el("div", { class: "why" }, line)))))]);
    return el("details", { class: "answer-key", id: "answer-key" },
      el("summary", {}, t("answer_key_count", { n: num(keyCount(msg)) })), ...parts);
  }

  // ------------------------------------------------------------ the saved file

  function text(msg, who) {
    const out = [t("debrief"), who, scoreLine(msg.scorecard), ""];
    if (msg.mine) {
      out.push(t("your_result"), ...figures(msg.mine).map(([label, value]) => `- ${label}: ${value}`),
        ...acts(msg.mine).map((line) => `- ${line}`));
      const rank = rankLine(msg);
      if (rank) out.push(`- ${rank}`);
      out.push("", t("your_tips"));
      if (!msg.mine.tips.length) out.push(t("no_tips_mine"));
      msg.mine.tips.forEach((tip, i) => out.push(`${i + 1}. ${tip.text}`, ...tip.detail.map((line) => `   ${line}`)));
      out.push("");
    }
    if (msg.coaching && msg.coaching.length) {
      out.push(t("video.coaching_title"), ...msg.coaching.map((c) => `- ${t("video.coaching_line", { time: clock(c.t), text: c.text })}`), "");
    }
    const actor = actorOf(msg);
    out.push(t("answer_key"));
    for (const [key, items] of groups(msg)) {
      out.push("", t("key_group", { name: t(key), n: num(items.length) }));
      for (const it of items) out.push(`- ${itemWho(it)} ${it.text}`, `  ${itemMeta(it, actor)}`, ...itemWhy(it, msg.truth).map((line) => `  ${line}`));
    }
    return `${out.join("\r\n")}\r\n`;
  }

  function save(msg, ctx) {
    const blob = new Blob([text(msg, ctx.who)], { type: "text/plain;charset=utf-8" });
    const name = t("save_file", { room: ctx.room, run: num(msg.epoch + 1) }).replace(/[^\w.-]+/g, "-");
    const a = el("a", { href: URL.createObjectURL(blob), download: name });
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
    toast(t("saved_debrief"), "good");
  }

  // Show the debrief in `box`. ctx: { room, who (a line naming the seat), kept (true: the run
  // before a reset, kept until the next one starts) }.
  function show(box, msg, ctx) {
    const actor = actorOf(msg);
    box.replaceChildren(...[
      el("h1", {}, t("debrief")),
      el("p", { class: "kept", id: "debrief-kept", role: "status", ...(ctx.kept ? {} : { hidden: "" }) }, t("debrief_kept")),
      mineSection(msg), tipsSection(msg),
      el("p", { class: "score" }, scoreLine(msg.scorecard)),
      el("button", { type: "button", id: "save-debrief", class: "save", onclick: () => save(msg, ctx) }, t("save_debrief")),
      ...coachingSection(msg), ...boardSection(msg), keySection(msg, actor),
    ].filter(Boolean));
  }

  // The run was reset: the debrief stays, saying why (until the next run starts).
  function kept(box) {
    const note = box.querySelector("#debrief-kept");
    if (note) note.hidden = false;
  }

  return { show, kept, text };
})();
