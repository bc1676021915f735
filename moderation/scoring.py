"""The score's formulas: pure functions from what a session's log established to a scorecard.

:class:`moderation.judge.Judge` folds the log into :class:`Facts`; :func:`score`
turns them into a :class:`~moderation.scorecard.Scorecard`. Nothing here reads
the log or keeps state, so each formula can be tested, and read against
``docs/scoring.md``, on its own.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from scenarios.schema import Component, Scenario
from scenarios.taxonomy import HARMFUL, Category

from .events import GiftSent, GuestRequested
from .scorecard import (
    COMPONENTS,
    ActorCredit,
    CategoryTally,
    Exposure,
    Hosting,
    HostingParts,
    Item,
    Outcome,
    Part,
    Reaction,
    Scorecard,
    Tip,
    TipCode,
)
from .timing import DEAD_AIR_GRACE_MS

__all__ = [
    "ANSWER_FAST_MS",
    "ANSWER_SLOW_MS",
    "COMMENTS_OFF_GRACE_MS",
    "FAST_MS",
    "HOSTING_WINDOW_MS",
    "MAX_TIPS",
    "TIP_WEIGHTS",
    "Facts",
    "HostingLog",
    "PinnedSpan",
    "answer_credit",
    "clamp",
    "distinct_questions",
    "dead_air",
    "detection_part",
    "exposure_weight",
    "percentile",
    "score",
    "speed_credit",
    "tally_categories",
    "tip",
    "too_late",
    "weighted_score",
]

#: Reactions up to this fast earn full speed credit.
FAST_MS = 5_000
#: Answers this fast earn full credit, falling to none at ANSWER_SLOW_MS.
ANSWER_FAST_MS = 30_000
ANSWER_SLOW_MS = 180_000
#: Thanks, welcomes and guest decisions within this earn full credit.
HOSTING_WINDOW_MS = 60_000
#: Comments off for this long in total is free (a short freeze during a raid).
COMMENTS_OFF_GRACE_MS = 60_000
#: Silences at least this long become a tip.
DEAD_AIR_TIP_MS = 30_000
#: The scorecard keeps at most this many tips, heaviest first.
MAX_TIPS = 50
#: How much each kind of tip weighs, where the weight is fixed (docs/scoring.md, "Tips").
#: A false alarm is as heavy as missing a troll of middling severity.
TIP_WEIGHTS: dict[TipCode, float] = {
    TipCode.PINNED_HARMFUL: 8.0,
    TipCode.TROLL_GUEST: 6.0,
    TipCode.FALSE_ALARM: 5.0,
    TipCode.OFFICIAL_NOT_WELCOMED: 2.0,
    TipCode.COMMENTS_OFF_LONG: 2.0,
    TipCode.UNANSWERED: 1.5,
    TipCode.WRONG_REASON: 1.0,
}


class PinnedSpan(NamedTuple):
    """A harmful comment pinned from ``since`` to ``until`` (ms): exposure on top of the stream."""

    severity: int
    viewers: int
    since: int
    until: int


@dataclass(slots=True)
class HostingLog:
    """The hosting facts of a log so far: the judge's fold appends, the formulas read."""

    #: When the host talked or acted: ``(from, until)`` ms.
    host_active: list[tuple[int, int]] = field(default_factory=list)
    gifts: list[GiftSent] = field(default_factory=list)
    #: Gift id → when it was first thanked.
    thanked: dict[str, int] = field(default_factory=dict)
    #: Official viewer id → (joined at, handle).
    officials: dict[str, tuple[int, str]] = field(default_factory=dict)
    #: Viewer id → when first welcomed.
    welcomed: dict[str, int] = field(default_factory=dict)
    requests: dict[str, GuestRequested] = field(default_factory=dict)
    #: Request id → (when, accepted).
    decisions: dict[str, tuple[int, bool]] = field(default_factory=dict)
    #: Since when comments are off (None: they are on), and the time off before that.
    off_since: int | None = None
    off_total: int = 0
    #: Comments that never showed because the scenario started with comments off.
    silenced: int = 0

    def comments_off_ms(self, end: int) -> int:
        """Time with comments off, counting a stretch still running at ``end``."""
        return self.off_total + (end - self.off_since if self.off_since is not None else 0)


@dataclass(frozen=True, slots=True)
class Facts:
    """What the fold of a log established, ready for :func:`score`.

    ``hosting`` is the judge's running log: score the facts before feeding the
    judge more events.
    """

    #: When the live ended (or is due to end), ms.
    end: int
    #: Every comment counted, in the order posted, with its exposure.
    items: tuple[Item, ...]
    #: False alarms by category of the comment (``None``: a viewer with no comment).
    false_alarms: Mapping[Category | None, int]
    #: Tips found while folding (false alarms, pins, report reasons), in order.
    tips: tuple[Tip, ...]
    credits: Mapping[str, ActorCredit]
    pinned: tuple[PinnedSpan, ...]
    hosting: HostingLog


def tip(code: TipCode, t: int, comment: str | None = None,
        params: tuple[tuple[str, str], ...] = ()) -> Tip:
    """A tip of a kind whose weight is fixed (:data:`TIP_WEIGHTS`)."""
    return Tip(t, code, TIP_WEIGHTS[code], comment, params)


def clamp(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def percentile(values: Sequence[int], q: float) -> float | None:
    """Nearest-rank percentile of millisecond values, in seconds (simple to explain)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q * len(ordered) + 0.5)))
    return ordered[rank - 1] / 1000


def speed_credit(reaction_ms: int, window_ms: int) -> float:
    """1 up to FAST_MS, falling linearly to 0 at the response window."""
    return clamp(1 - max(0, reaction_ms - FAST_MS) / (window_ms - FAST_MS))


def answer_credit(answered_ms: int) -> float:
    """1 up to ANSWER_FAST_MS, falling linearly to 0 at ANSWER_SLOW_MS."""
    return clamp(1 - (answered_ms - ANSWER_FAST_MS) / (ANSWER_SLOW_MS - ANSWER_FAST_MS))


def exposure_weight(severity: int, viewers: int) -> float:
    """Harm per millisecond on screen, in viewer-seconds: severity × viewers / 1000."""
    return severity * viewers / 1000


def too_late(posted: int, end: int, category: Category, touched: bool) -> bool:
    """Left out: nobody can be expected to act on what arrived in the live's last moments."""
    if touched:
        return False
    if category in HARMFUL:
        return end - posted < FAST_MS
    if category is Category.QUESTION:
        return end - posted < ANSWER_FAST_MS
    return False


def detection_part(hits: int, false_alarms: int, harmful: int) -> float:
    """(hits − false alarms) / harmful; with no harm, each false alarm costs a quarter."""
    if harmful:
        return clamp((hits - false_alarms) / harmful)
    return clamp(1 - 0.25 * false_alarms)


def dead_air(active: Iterable[tuple[int, int]], end: int) -> tuple[int, list[tuple[int, int]]]:
    """Total dead air and its gaps ``(start, length)``: silence past the grace, in ms."""
    total = 0
    gaps: list[tuple[int, int]] = []
    last = 0
    for start, until in [*sorted(active), (end, end)]:
        gap = start - last
        if gap > DEAD_AIR_GRACE_MS:
            total += gap - DEAD_AIR_GRACE_MS
            gaps.append((last, gap))
        last = max(last, until)
    return total, gaps


def weighted_score(components: Mapping[Component, float | None],
                   weights: Mapping[Component, float]) -> float:
    """100 × Σ weight × part / Σ weight over the parts that apply, to one decimal."""
    used = {k: v for k, v in components.items() if v is not None and weights.get(k, 0.0) > 0}
    total_weight = sum(weights[k] for k in used)
    result = 100 * sum(weights[k] * v for k, v in used.items()) / total_weight \
        if total_weight else 0.0
    return round(result, 1)


def tally_categories(counted: Sequence[Item],
                     false_alarms: Mapping[Category | None, int]) -> dict[Category, CategoryTally]:
    """Per category: total, false alarms, and for harmful ones hits and misses."""
    by_category: dict[Category, list[Item]] = {}
    for item in counted:
        by_category.setdefault(item.template.category, []).append(item)
    tallies: dict[Category, CategoryTally] = {}
    for category in Category:
        of_cat = by_category.get(category, [])
        total, wrong = len(of_cat), false_alarms.get(category, 0)
        if not (total or wrong):
            continue
        if category in HARMFUL:
            hits = sum(1 for i in of_cat if i.outcome.is_hit)
            tallies[category] = CategoryTally(total, wrong, hits, total - hits)
        else:
            tallies[category] = CategoryTally(total, wrong)
    return tallies


_MISSED = {Outcome.MISS: TipCode.MISS, Outcome.LATE: TipCode.LATE}


def _miss_tips(harmful: Iterable[Item]) -> list[Tip]:
    """A tip per harmful comment missed or handled late, weighing 1 + 2 × severity.

    A comment that requires several actions (``Template.requires``) and was missed
    gets the tip that names them all: deleting a groomer's comment is not enough.
    """
    tips = []
    for i in harmful:
        if i.outcome not in _MISSED:
            continue
        params: tuple[tuple[str, str], ...] = (("handle", i.handle),
                                               ("category", i.category.value))
        code = _MISSED[i.outcome]
        if code is TipCode.MISS and i.template.requires:
            code = TipCode.INCOMPLETE
            params += (("needed", "+".join(r.value for r in i.template.requires)),)
        tips.append(Tip(i.t, code, 1.0 + 2.0 * i.template.severity, i.id, params))
    return tips


def _exposure(harmful: Iterable[Item], pinned: Iterable[PinnedSpan]) -> tuple[float, float]:
    """Actual and worst-case harm exposure (viewer-seconds), the pinned time on top."""
    actual = worst = 0.0
    for item in harmful:
        actual += item.exposure
        worst += item.worst_exposure
    for span in pinned:
        actual += span.severity * span.viewers * (span.until - span.since) / 1000
    return actual, worst


def distinct_questions(questions: Sequence[Item]) -> list[Item]:
    """One viewer asking the same question again is one question (docs/scoring.md): of
    each viewer's postings of one question (the same template), the first answered one
    counts, else the first."""
    chosen: dict[tuple[str, str], Item] = {}
    for item in questions:
        key = (item.viewer, item.template.id)
        kept = chosen.get(key)
        if kept is None or (kept.answered_ms is None and item.answered_ms is not None):
            chosen[key] = item
    return sorted(chosen.values(), key=lambda item: item.t)


def _questions(questions: Sequence[Item]) -> tuple[float | None, list[Tip]]:
    credit = 0.0
    tips = []
    for q in questions:
        if q.answered_ms is not None:
            credit += answer_credit(q.answered_ms)
        else:
            tips.append(tip(TipCode.UNANSWERED, q.t, q.id, (("handle", q.handle),)))
    return (credit / len(questions) if questions else None), tips


def _gifters(log: HostingLog) -> dict[str, bool]:
    """Each gifting viewer: whether one of their gifts was thanked within the window."""
    gifters: dict[str, bool] = {}
    for gift in log.gifts:
        thanked_at = log.thanked.get(gift.id)
        ok = thanked_at is not None and thanked_at - gift.t <= HOSTING_WINDOW_MS
        gifters[gift.viewer] = gifters.get(gift.viewer, False) or ok
    return gifters


def _officials(log: HostingLog) -> tuple[float | None, list[Tip]]:
    credit = 0.0
    tips = []
    for vid, (joined_at, handle) in log.officials.items():
        at = log.welcomed.get(vid)
        if at is not None and at - joined_at <= HOSTING_WINDOW_MS:
            credit += 1
        else:
            credit += 0.5 if at is not None else 0.0
            tips.append(tip(TipCode.OFFICIAL_NOT_WELCOMED, joined_at, None, (("handle", handle),)))
    return (credit / len(log.officials) if log.officials else None), tips


def _guests(log: HostingLog) -> tuple[float | None, list[Tip]]:
    credit = 0.0
    tips = []
    for rid, request in log.requests.items():
        decision = log.decisions.get(rid)
        if decision is None:
            credit += 0.5 if request.troll else 0.0
            continue
        at, accepted = decision
        if accepted != request.troll:
            credit += 1.0 if at - request.t <= HOSTING_WINDOW_MS else 0.5
        elif accepted:
            tips.append(tip(TipCode.TROLL_GUEST, at, None, (("handle", request.handle),)))
    return (credit / len(log.requests) if log.requests else None), tips


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def hosting(log: HostingLog, questions: Sequence[Item],
            end: int) -> tuple[Hosting, float | None, list[Tip]]:
    """The hosting record, the hosting part of the score (mean of what applies), its tips."""
    answers, tips = _questions(questions)
    officials, official_tips = _officials(log)
    guests, guest_tips = _guests(log)
    tips += official_tips + guest_tips
    gifters = _gifters(log)
    dead, gaps = dead_air(log.host_active, end)
    tips += [Tip(start, TipCode.DEAD_AIR, 2.0 * length / 60_000, None,
                 (("seconds", str(length // 1000)),))
             for start, length in gaps if length >= DEAD_AIR_TIP_MS]
    off = log.comments_off_ms(end)
    if off > COMMENTS_OFF_GRACE_MS:
        tips.append(tip(TipCode.COMMENTS_OFF_LONG, end, None, (("seconds", str(off // 1000)),)))
    parts = HostingParts(
        questions=answers,
        gifts=sum(gifters.values()) / len(gifters) if gifters else None,
        officials=officials,
        guests=guests,
        dead_air=clamp(1 - dead / end) if end else None,
        comments_open=clamp(1 - max(0, off - COMMENTS_OFF_GRACE_MS) / end) if end else None,
    )
    available = [v for v in (parts.questions, parts.gifts, parts.officials, parts.guests,
                             parts.dead_air, parts.comments_open) if v is not None]
    answered = [q.answered_ms for q in questions if q.answered_ms is not None]
    record = Hosting(
        parts=HostingParts(*(_round(v) for v in (
            parts.questions, parts.gifts, parts.officials, parts.guests, parts.dead_air,
            parts.comments_open))),
        questions=len(questions),
        answered=len(answered),
        answer_median_s=statistics.median(answered) / 1000 if answered else None,
        gifters=len(gifters),
        gifters_thanked=sum(gifters.values()),
        officials=len(log.officials),
        officials_welcomed=sum(1 for v in log.officials if v in log.welcomed),
        guest_requests=len(log.requests),
        dead_air_s=dead / 1000,
        comments_off_s=off / 1000,
        silenced_comments=log.silenced,
    )
    return record, (sum(available) / len(available) if available else None), tips


def score(scenario: Scenario, facts: Facts) -> Scorecard:
    """Score a session from the facts its log established (docs/scoring.md)."""
    end = facts.end
    counted, harmful, questions = [], [], []
    for item in facts.items:
        if item.outcome is not Outcome.SILENCED:
            counted.append(item)
            category = item.template.category
            if category in HARMFUL:
                harmful.append(item)
            elif category is Category.QUESTION:
                questions.append(item)
    hits = [i for i in harmful if i.outcome.is_hit]
    false_alarms = sum(facts.false_alarms.values())
    host, host_part, host_tips = hosting(facts.hosting, distinct_questions(questions), end)
    actual, worst = _exposure(harmful, facts.pinned)
    reaction_times = [i.reaction_ms for i in hits if i.reaction_ms is not None]
    window = scenario.scoring.response_window_s * 1000
    values: dict[Component, float | None] = {
        "detection": detection_part(len(hits), false_alarms, len(harmful)),
        "speed": sum(speed_credit(ms, window) for ms in reaction_times) / len(harmful)
        if harmful else None,
        "exposure": clamp(1 - actual / worst) if harmful and worst > 0 else None,
        "hosting": host_part,
    }
    weights = scenario.scoring.weights
    total = weighted_score(values, weights)
    tips = [*facts.tips, *_miss_tips(harmful), *host_tips]
    tips.sort(key=lambda tip: (-tip.weight, tip.t))
    return Scorecard(
        score=total,
        passed=total >= scenario.pass_mark,
        pass_mark=scenario.pass_mark,
        components={k: Part(_round(values[k]), weights.get(k, 0.0)) for k in COMPONENTS},
        categories=tally_categories(counted, facts.false_alarms),
        reaction=Reaction(
            median_s=statistics.median(reaction_times) / 1000 if reaction_times else None,
            p90_s=percentile(reaction_times, 0.9),
            hits=len(hits), harmful=len(harmful), false_alarms=false_alarms,
        ),
        exposure=Exposure(round(actual, 1), round(worst, 1)),
        hosting=host,
        actors=facts.credits,
        tips=tuple(tips[:MAX_TIPS]),
        items=facts.items,
        duration_s=end / 1000,
    )
