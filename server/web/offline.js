// A dropped link, on the seat page and the trainer console: the notice that the link is
// down (Link in common.js notices it within 3 s), and the seat's actions kept meanwhile,
// each shown until it ends applied or refused with its reason (docs/protocol.md, "Sent
// again"). Neither covers anything: both sit in the page's flow under the top bar.
// Stable hooks (tests read them): #offline-notice, hidden while the link is up; the list
// #pending-actions, its items li[data-cid][data-outcome] with data-outcome "pending",
// "applied" or "refused".
"use strict";

const GladiOffline = (() => {
  const { t, el } = Gladi;
  const SHORT = 40;

  function short(text) {
    const chars = [...(text || "")];
    return chars.length > SHORT ? `${chars.slice(0, SHORT).join("")}…` : chars.join("");
  }

  // The notice: shown while the link is down, with the words said once when it appears
  // (the console's says that its commands wait for the link: they are not kept).
  function notice(box, offline, key) {
    if (!box) return;
    if (offline && box.hidden) box.textContent = t(key || "offline.notice");
    box.hidden = !offline;
  }

  // What an action was, in words, for the list: its name and what it acted on, taken when
  // it was tapped (the comment may be gone when the answer comes).
  function describe(action, live) {
    let name = t(`action.${action.type}`);
    if (action.type === "comments") name = t(action.enabled ? "act.comments_on" : "act.comments_off");
    const comment = action.comment && live.comments.get(action.comment);
    let what = "";
    if (comment) what = `${comment.handle}: ${short(comment.text)}`;
    else if (action.viewer) what = live.handles.get(action.viewer) || "";
    else if (action.keyword) what = action.keyword;
    return what ? `${name} · ${what}` : name;
  }

  function line(item) {
    if (item.outcome === "applied") return t("offline.applied", { action: item.label });
    if (item.outcome === "refused") return t("offline.refused", { action: item.label, reason: item.reason || "" });
    return t("offline.pending", { action: item.label });
  }

  // The list of kept actions; hidden when there is none. `dismiss` puts the answered ones away.
  function list(box, items, dismiss) {
    if (!box) return;
    box.hidden = !items.length;
    const ul = box.querySelector("ul");
    const key = JSON.stringify(items.map((i) => [i.cid, i.outcome, i.label, i.reason]));
    if (box.dataset.key === key && ul) return; // unchanged: keep the screen reader quiet
    box.dataset.key = key;
    const answered = items.some((i) => i.outcome !== "pending");
    box.replaceChildren(
      el("p", { class: "pending-title" }, t("offline.list_title")),
      el("ul", {}, ...items.map((i) => el("li", { dataset: { cid: i.cid, outcome: i.outcome } }, line(i)))),
      answered ? el("button", { type: "button", class: "small", id: "pending-dismiss", onclick: dismiss }, t("offline.dismiss")) : null);
  }

  return { notice, describe, list };
})();
