"""The judge: a session log in, a scorecard out.

Moderation is scored like a detection task (DESIGN §2.3): hits on harmful
comments, misses, false alarms on harmless ones, and reaction time, plus the
harm viewers were exposed to and how well the host hosted. The formula is
written out in ``docs/scoring.md``; :func:`judge` is its only implementation,
used alike by ``gladi simulate``, the desktop app and drills.

The judge reads only the log: it replays the on-screen stream with the same
:class:`~moderation.stream.Stream` rules the engine used, so exposure is
measured on exactly the screen the viewers had.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from scenarios.schema import Scenario, Template
from scenarios.taxonomy import (
    HARMFUL,
    OFFICIALS,
    REPORT_REASON,
    TROLL_FOR,
    Category,
    Persona,
    Response,
)

from .actions import (
    HOST,
    AcceptGuest,
    Action,
    AddKeyword,
    Answer,
    Block,
    DeclineGuest,
    Delete,
    Mute,
    Pin,
    RemoveKeyword,
    Report,
    SetComments,
    Talk,
    Thank,
    Unpin,
    Welcome,
)
from .events import (
    ActionApplied,
    ActionRejected,
    AudienceChanged,
    CommentPosted,
    CommentsHidden,
    Event,
    GiftSent,
    GuestRequested,
    Hidden,
    OfficialJoined,
    SessionEnded,
)
from .room import normalise_keyword
from .stream import Stream
from .timing import DEAD_AIR_GRACE_MS

__all__ = ["TIP_CODES", "Item", "Scorecard", "Tip", "judge"]

TROLLS = frozenset(TROLL_FOR.values())
FAST_MS = 5_000
ANSWER_FAST_MS = 30_000
ANSWER_SLOW_MS = 180_000
HOSTING_WINDOW_MS = 60_000
#: Every kind of coaching tip the judge gives (each has a translated text).
TIP_CODES = (
    "miss", "late", "false_alarm", "unanswered", "pinned_harmful", "wrong_reason",
    "official_not_welcomed", "troll_guest", "dead_air", "comments_off_long",
)
#: Who "did" what the scenario set up before the live (starting filter, comments off).
SETUP = "setup"
MAX_TIPS = 50
COMMENTS_OFF_GRACE_MS = 60_000
_HIDE_RESPONSE = {"deleted": Response.DELETE, "muted": Response.MUTE, "blocked": Response.BLOCK}


@dataclass(slots=True)
class Item:
    """One comment as the judge sees it."""

    id: str
    t: int
    viewer: str
    handle: str
    text: str
    template: Template
    viewers: int
    hidden: Hidden | None
    #: Every response to this comment: (time, actor, response).
    responses: list[tuple[int, str, Response]] = field(default_factory=list)
    outcome: str = ""  # hit, late, miss, prevented, false_alarm, ok
    reaction_ms: int | None = None
    credited: str | None = None
    exposure: float = 0.0
    worst_exposure: float = 0.0
    reported: str | None = None
    answered_ms: int | None = None

    @property
    def category(self) -> Category:
        return self.template.category

    @property
    def harmful(self) -> bool:
        return self.template.category in HARMFUL

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "t": self.t,
            "handle": self.handle,
            "text": self.text,
            "template": self.template.id,
            "category": self.category.value,
            "severity": self.template.severity,
            "outcome": self.outcome,
            "reaction_s": None if self.reaction_ms is None else self.reaction_ms / 1000,
            "by": self.credited,
            "responses": [
                {"t": t, "actor": a, "response": r.value} for t, a, r in self.responses
            ],
            "acceptable": [r.value for r in self.template.acceptable],
            "reported": self.reported,
        }


@dataclass(frozen=True, slots=True)
class Tip:
    """A coaching point: what happened at ``t``, keyed for translation."""

    t: int
    code: str
    weight: float
    comment: str | None = None
    params: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"t": self.t, "code": self.code, "comment": self.comment,
                "params": dict(self.params)}


@dataclass(slots=True)
class _Actor:
    hits: int = 0
    false_alarms: int = 0
    answers: int = 0
    thanks: int = 0
    welcomes: int = 0
    actions: int = 0
    rejected: int = 0


@dataclass(frozen=True, slots=True)
class Scorecard:
    """The result of one session, JSON-ready through :meth:`to_json`."""

    score: float
    passed: bool
    pass_mark: int
    components: dict[str, dict[str, float | None]]
    categories: dict[str, dict[str, int]]
    reaction: dict[str, float | None]
    exposure: dict[str, float]
    hosting: dict[str, object]
    actors: dict[str, dict[str, int]]
    tips: tuple[Tip, ...]
    items: tuple[Item, ...]
    duration_s: float

    def to_json(self) -> dict[str, object]:
        return {
            "score": self.score,
            "passed": self.passed,
            "pass_mark": self.pass_mark,
            "duration_s": self.duration_s,
            "components": self.components,
            "categories": self.categories,
            "reaction": self.reaction,
            "exposure": self.exposure,
            "hosting": self.hosting,
            "actors": self.actors,
            "tips": [tip.to_json() for tip in self.tips],
            "items": [item.to_json() for item in self.items if item.harmful
                      or item.outcome == "false_alarm" or item.category is Category.QUESTION],
        }


def _percentile(values: list[int], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    # Nearest-rank percentile: simple to explain in docs/scoring.md.
    rank = max(1, min(len(ordered), round(q * len(ordered) + 0.5)))
    return ordered[rank - 1] / 1000


def _clamp(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def judge(
    scenario: Scenario,
    templates: Mapping[str, Template],
    events: Iterable[Event],
) -> Scorecard:
    """Score a session from its events (which include every applied action)."""
    settings = scenario.settings
    window = scenario.scoring.response_window_s * 1000
    stream = Stream(settings.stream_window, settings.stream_max_s * 1000)
    natural = Stream(settings.stream_window, settings.stream_max_s * 1000)
    items: dict[str, Item] = {}
    personas: dict[str, Persona] = {}
    by_viewer: dict[str, list[str]] = {}
    actors: dict[str, _Actor] = {}
    keywords: dict[str, str] = {normalise_keyword(k): SETUP for k in settings.keyword_filter}
    comments_off_by: str = SETUP
    off_since: int | None = None if settings.comments_enabled else 0
    off_total = 0
    viewers = 0
    host_active: list[tuple[int, int]] = []
    gifts: list[GiftSent] = []
    thanked_gifts: dict[str, int] = {}
    officials: dict[str, tuple[int, str]] = {}
    welcomed: dict[str, int] = {}
    requests: dict[str, GuestRequested] = {}
    decisions: dict[str, tuple[int, bool]] = {}
    pinned: tuple[str, int] | None = None
    pinned_harmful: list[tuple[Item, int, int]] = []
    silenced = 0
    end = scenario.duration_s * 1000
    tips: list[Tip] = []
    pending_hide: tuple[Action, set[str]] | None = None
    fa: dict[str, int] = {}  # false alarms by category

    def actor(name: str) -> _Actor:
        return actors.setdefault(name, _Actor())

    def unpin(now: int) -> None:
        nonlocal pinned
        if pinned is not None:
            item = items[pinned[0]]
            if item.harmful:
                pinned_harmful.append((item, pinned[1], now))
            pinned = None

    def false_alarm(item: Item | None, who: str, now: int, what: str) -> None:
        actor(who).false_alarms += 1
        category = item.category.value if item else "none"
        fa[category] = fa.get(category, 0) + 1
        if item is not None and item.outcome != "false_alarm":
            item.outcome = "false_alarm"
            item.credited = who
        # As heavy as missing a troll of middling severity (DESIGN §2.3).
        tips.append(Tip(now, "false_alarm", 5.0, item.id if item else None,
                        (("action", what), ("handle", item.handle if item else ""))))

    def respond(item: Item, now: int, who: str, response: Response) -> None:
        item.responses.append((now, who, response))
        if not item.harmful or item.outcome in ("hit", "prevented"):
            return
        rt = now - item.t
        item.reaction_ms = rt
        item.credited = who
        item.outcome = "hit" if rt <= window else "late"
        if item.outcome == "hit":
            actor(who).hits += 1

    for event in events:
        now = event.t
        if pending_hide is not None and not isinstance(event, CommentsHidden):
            _no_hits_from(pending_hide, items, personas, by_viewer, false_alarm)
            pending_hide = None
        if isinstance(event, AudienceChanged):
            for v in event.joined:
                personas[v.id] = v.persona
            viewers = event.viewers
        elif isinstance(event, CommentPosted):
            template = templates[event.template]
            item = Item(event.id, now, event.viewer, event.handle, event.text, template,
                        viewers, event.hidden)
            if event.hidden is Hidden.MUTED:
                continue  # a muted troll's attempt never appeared
            items[event.id] = item
            if event.hidden is None:
                stream.post(event.id, now, item.harmful)
                natural.post(event.id, now, item.harmful)
                by_viewer.setdefault(event.viewer, []).append(event.id)
                item.outcome = "miss" if item.harmful else "ok"
            elif event.hidden is Hidden.FILTER:
                folded = event.text.casefold()
                who = next((by for k, by in keywords.items() if k in folded), SETUP)
                if who == SETUP:
                    # The scenario's own starting filter caught it: nobody's doing.
                    item.outcome = "silenced"
                    continue
                natural.post(event.id, now, item.harmful)
                if item.harmful:
                    item.outcome, item.reaction_ms, item.credited = "prevented", 0, who
                    actor(who).hits += 1
                else:
                    false_alarm(item, who, now, "filter")
            elif event.hidden is Hidden.COMMENTS_OFF:
                if item.harmful and comments_off_by != SETUP:
                    natural.post(event.id, now, True)
                    item.outcome, item.reaction_ms = "prevented", 0
                    item.credited = comments_off_by
                    actor(item.credited).hits += 1
                else:
                    silenced += 1
                    item.outcome = "silenced"
        elif isinstance(event, CommentsHidden):
            response = _HIDE_RESPONSE.get(event.reason, Response.DELETE)
            for cid in event.comments:
                stream.hide(cid, now)
                if pinned is not None and pinned[0] == cid:
                    unpin(now)
                item = items[cid]
                respond(item, now, event.by, response)
                if pending_hide is not None:
                    pending_hide[1].add(cid)
            if pending_hide is not None:
                _no_hits_from(pending_hide, items, personas, by_viewer, false_alarm)
                pending_hide = None
        elif isinstance(event, ActionApplied):
            action = event.action
            who = action.actor
            actor(who).actions += 1
            if who == HOST:
                until = now + action.duration if isinstance(action, Talk) else now
                host_active.append((now, until))
            if isinstance(action, Mute | Block | Delete):
                pending_hide = (action, set())
            elif isinstance(action, Report):
                target = items.get(action.comment)
                if target is not None:
                    if not target.harmful:
                        false_alarm(target, who, now, "report")
                    else:
                        target.reported = action.reason.value
                        target.responses.append((now, who, Response.REPORT))
                        right = REPORT_REASON[target.category]
                        if action.reason is not right:
                            tips.append(Tip(now, "wrong_reason", 1.0, target.id,
                                            (("reason", action.reason.value),
                                             ("right", right.value))))
            elif isinstance(action, Answer):
                target = items.get(action.comment)
                if target is not None:
                    actor(who).answers += 1
                    if target.answered_ms is None:
                        target.answered_ms = now - target.t
                    if target.harmful and Response.ANSWER in target.template.acceptable:
                        respond(target, now, who, Response.ANSWER)
            elif isinstance(action, Pin):
                unpin(now)
                pinned = (action.comment, now)
                target = items.get(action.comment)
                if target is not None and target.harmful:
                    tips.append(Tip(now, "pinned_harmful", 8.0, target.id,
                                    (("handle", target.handle),)))
            elif isinstance(action, Unpin):
                unpin(now)
            elif isinstance(action, Thank):
                actor(who).thanks += 1
                thanked_gifts.setdefault(action.target, now)
            elif isinstance(action, Welcome):
                actor(who).welcomes += 1
                welcomed.setdefault(action.viewer, now)
            elif isinstance(action, AcceptGuest | DeclineGuest):
                decisions[action.request] = (now, isinstance(action, AcceptGuest))
            elif isinstance(action, SetComments):
                if action.enabled and off_since is not None:
                    off_total += now - off_since
                    off_since = None
                elif not action.enabled:
                    off_since, comments_off_by = now, who
            elif isinstance(action, AddKeyword):
                keywords.setdefault(normalise_keyword(action.keyword), who)
            elif isinstance(action, RemoveKeyword):
                keywords.pop(normalise_keyword(action.keyword), None)
        elif isinstance(event, ActionRejected):
            actor(event.action.actor).rejected += 1
        elif isinstance(event, GiftSent):
            gifts.append(event)
        elif isinstance(event, OfficialJoined):
            officials[event.viewer] = (now, event.handle)
        elif isinstance(event, GuestRequested):
            requests[event.id] = event
        elif isinstance(event, SessionEnded):
            end = now
    if pending_hide is not None:
        _no_hits_from(pending_hide, items, personas, by_viewer, false_alarm)
    unpin(end)
    if off_since is not None:
        off_total += end - off_since
    stream.expire(end)
    natural.expire(end)
    # Nobody can be expected to act on what arrived in the last moments of the
    # live: such comments, if untouched, are left out rather than counted missed.
    for cid in [c for c, i in items.items() if _too_late(i, end)]:
        del items[cid]

    # ------------------------------------------------------------ detection
    harmful = [i for i in items.values() if i.harmful and i.outcome != "silenced"]
    hits = [i for i in harmful if i.outcome in ("hit", "prevented")]
    fa_total = sum(fa.values())
    categories: dict[str, dict[str, int]] = {}
    by_category: dict[Category, list[Item]] = {}
    for i in items.values():
        if i.outcome != "silenced":
            by_category.setdefault(i.category, []).append(i)
    for category in Category:
        of_cat = by_category.get(category, [])
        row = {"total": len(of_cat), "false_alarms": fa.get(category.value, 0)}
        if category in HARMFUL:
            row["hits"] = sum(1 for i in of_cat if i.outcome in ("hit", "prevented"))
            row["misses"] = row["total"] - row["hits"]
        if row["total"] or row["false_alarms"]:
            categories[category.value] = row
    for item in harmful:
        if item.outcome in ("miss", "late"):
            tips.append(Tip(item.t, item.outcome, 1.0 + 2.0 * item.template.severity, item.id,
                            (("handle", item.handle), ("category", item.category.value))))

    # ------------------------------------------------------------ exposure
    actual = worst = 0.0
    for item in harmful:
        if item.hidden is None:
            shown = stream.ended.get(item.id, end) - item.t
            would = natural.ended.get(item.id, end) - item.t
        else:
            shown = 0
            would = natural.ended.get(item.id, end) - item.t
        weight = item.template.severity * item.viewers / 1000
        item.exposure = weight * shown
        item.worst_exposure = weight * would
        actual += item.exposure
        worst += item.worst_exposure
    for item, since, until in pinned_harmful:
        actual += item.template.severity * item.viewers * (until - since) / 1000

    # ------------------------------------------------------------ hosting
    questions = [i for i in items.values()
                 if i.category is Category.QUESTION and i.outcome != "silenced"]
    answer_credit = 0.0
    for q in questions:
        if q.answered_ms is not None:
            answer_credit += _clamp(1 - (q.answered_ms - ANSWER_FAST_MS)
                                    / (ANSWER_SLOW_MS - ANSWER_FAST_MS))
        else:
            tips.append(Tip(q.t, "unanswered", 1.5, q.id, (("handle", q.handle),)))
    gifters: dict[str, bool] = {}
    for gift in gifts:
        thanked_at = thanked_gifts.get(gift.id)
        ok = thanked_at is not None and thanked_at - gift.t <= HOSTING_WINDOW_MS
        gifters[gift.viewer] = gifters.get(gift.viewer, False) or ok
    official_credit = 0.0
    for vid, (joined_at, handle) in officials.items():
        at = welcomed.get(vid)
        if at is not None and at - joined_at <= HOSTING_WINDOW_MS:
            official_credit += 1
        else:
            official_credit += 0.5 if at is not None else 0.0
            tips.append(Tip(joined_at, "official_not_welcomed", 2.0, None,
                            (("handle", handle),)))
    guest_credit = 0.0
    for rid, request in requests.items():
        decision = decisions.get(rid)
        if decision is None:
            guest_credit += 0.5 if request.troll else 0.0
            continue
        at, accepted = decision
        if accepted != request.troll:
            guest_credit += 1.0 if at - request.t <= HOSTING_WINDOW_MS else 0.5
        elif accepted:
            tips.append(Tip(at, "troll_guest", 6.0, None, (("handle", request.handle),)))
    dead = _dead_air(host_active, end)
    for start, length in dead[1]:
        if length >= 30_000:
            tips.append(Tip(start, "dead_air", 2.0 * length / 60_000, None,
                            (("seconds", str(length // 1000)),)))
    if off_total > COMMENTS_OFF_GRACE_MS:
        tips.append(Tip(end, "comments_off_long", 2.0, None,
                        (("seconds", str(off_total // 1000)),)))

    parts: dict[str, float | None] = {
        "questions": answer_credit / len(questions) if questions else None,
        "gifts": sum(gifters.values()) / len(gifters) if gifters else None,
        "officials": official_credit / len(officials) if officials else None,
        "guests": guest_credit / len(requests) if requests else None,
        "dead_air": _clamp(1 - dead[0] / end) if end else None,
        "comments_open": _clamp(1 - max(0, off_total - COMMENTS_OFF_GRACE_MS) / end)
        if end else None,
    }
    available = [v for v in parts.values() if v is not None]
    hosting_score = sum(available) / len(available) if available else None

    # ------------------------------------------------------------ score
    reaction_times = [i.reaction_ms for i in hits if i.reaction_ms is not None]
    components: dict[str, float | None]
    if harmful:
        speed = sum(
            _clamp(1 - max(0, i.reaction_ms - FAST_MS) / (window - FAST_MS))
            for i in hits if i.reaction_ms is not None
        ) / len(harmful)
        components = {
            "detection": _clamp((len(hits) - fa_total) / len(harmful)),
            "speed": speed,
            "exposure": _clamp(1 - actual / worst) if worst > 0 else None,
            "hosting": hosting_score,
        }
    else:
        components = {
            "detection": _clamp(1 - 0.25 * fa_total),
            "speed": None,
            "exposure": None,
            "hosting": hosting_score,
        }
    weights: dict[str, float] = {str(k): v for k, v in scenario.scoring.weights.items()}
    used = {k: v for k, v in components.items() if v is not None and weights.get(k, 0.0) > 0}
    total_weight = sum(weights[k] for k in used)
    score = 100 * sum(weights[k] * v for k, v in used.items()) / total_weight \
        if total_weight else 0.0
    score = round(score, 1)
    tips.sort(key=lambda tip: (-tip.weight, tip.t))

    return Scorecard(
        score=score,
        passed=score >= scenario.pass_mark,
        pass_mark=scenario.pass_mark,
        components={
            k: {"value": None if v is None else round(v, 4), "weight": weights.get(k, 0.0)}
            for k, v in components.items()
        },
        categories=categories,
        reaction={
            "median_s": (statistics.median(reaction_times) / 1000) if reaction_times else None,
            "p90_s": _percentile(reaction_times, 0.9),
            "hits": len(hits),
            "harmful": len(harmful),
            "false_alarms": fa_total,
        },
        exposure={"viewer_seconds": round(actual, 1), "worst_case": round(worst, 1)},
        hosting={
            "parts": {k: None if v is None else round(v, 4) for k, v in parts.items()},
            "questions": len(questions),
            "answered": sum(1 for q in questions if q.answered_ms is not None),
            "answer_median_s": statistics.median(
                [q.answered_ms for q in questions if q.answered_ms is not None]
            ) / 1000 if any(q.answered_ms is not None for q in questions) else None,
            "gifters": len(gifters),
            "gifters_thanked": sum(gifters.values()),
            "officials": len(officials),
            "officials_welcomed": sum(1 for v in officials if v in welcomed),
            "guest_requests": len(requests),
            "dead_air_s": dead[0] / 1000,
            "comments_off_s": off_total / 1000,
            "silenced_comments": silenced,
        },
        actors={name: {"hits": a.hits, "false_alarms": a.false_alarms, "answers": a.answers,
                       "thanks": a.thanks, "welcomes": a.welcomes, "actions": a.actions,
                       "rejected": a.rejected}
                for name, a in sorted(actors.items())},
        tips=tuple(tips[:MAX_TIPS]),
        items=tuple(items.values()),
        duration_s=end / 1000,
    )


def _too_late(item: Item, end: int) -> bool:
    if item.responses or item.answered_ms is not None or item.outcome in (
        "prevented", "false_alarm", "silenced"
    ):
        return False
    if item.harmful:
        return end - item.t < FAST_MS
    if item.category is Category.QUESTION:
        return end - item.t < ANSWER_FAST_MS
    return False


def _no_hits_from(
    pending: tuple[Action, set[str]],
    items: Mapping[str, Item],
    personas: Mapping[str, Persona],
    by_viewer: Mapping[str, list[str]],
    report: Callable[[Item | None, str, int, str], None],
) -> None:
    """Decide whether a mute, block or delete that hid no harm was a false alarm."""
    action, hidden = pending
    if any(items[c].harmful for c in hidden):
        return
    if isinstance(action, Delete):
        item = items.get(action.comment)
        if item is not None and not item.harmful:
            report(item, action.actor, action.t, "delete")
        return
    assert isinstance(action, Mute | Block)
    if personas.get(action.viewer) in TROLLS:
        return  # silencing a troll before they post is fine
    target = items.get(action.comment) if action.comment else None
    if target is None:
        mine = by_viewer.get(action.viewer, [])
        target = items[mine[-1]] if mine else None
    if personas.get(action.viewer) in OFFICIALS or target is None or not target.harmful:
        report(target, action.actor, action.t, action.type)


def _dead_air(active: list[tuple[int, int]], end: int) -> tuple[int, list[tuple[int, int]]]:
    """Total dead air and its gaps: silence past the grace period, in ms."""
    total = 0
    gaps: list[tuple[int, int]] = []
    last = 0
    for start, until in sorted(active) + [(end, end)]:
        gap = start - last
        if gap > DEAD_AIR_GRACE_MS:
            total += gap - DEAD_AIR_GRACE_MS
            gaps.append((last, gap))
        last = max(last, until)
    return total, gaps
