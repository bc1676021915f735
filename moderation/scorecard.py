"""The scorecard: the judge's result as typed records, with one JSON form.

:func:`moderation.judge.judge` builds a :class:`Scorecard`; the debrief, the
desktop app and the drill server read it. Every record has a ``to_json`` that
gives exactly the form session files and the training history store, so files
written before still load and replay to the same scorecard. The formula behind
the numbers is in ``docs/scoring.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from scenarios.schema import Component, Template
from scenarios.taxonomy import HARMFUL, Category, ReportReason, Response

from .events import Hidden
from .values import Value, value

__all__ = [
    "COMPONENTS",
    "ActorCredit",
    "CategoryTally",
    "Exposure",
    "Handling",
    "Hosting",
    "HostingParts",
    "Item",
    "Outcome",
    "Part",
    "Reaction",
    "Scorecard",
    "Tip",
    "TipCode",
]

#: The parts of the score, in the order the scorecard lists them.
COMPONENTS: tuple[Component, ...] = ("detection", "speed", "exposure", "hosting")


class Outcome(StrEnum):
    """What became of one comment, as the judge counts it (docs/scoring.md)."""

    #: A harmful comment hidden, or answered where answering is right, within the window.
    HIT = "hit"
    #: A harmful comment handled after the response window: counted as a miss.
    LATE = "late"
    #: A harmful comment nobody handled.
    MISS = "miss"
    #: A harmful comment kept off the screen by a keyword filter or comments off.
    PREVENTED = "prevented"
    #: A harmless comment deleted, reported, caught by a filter or its author silenced.
    FALSE_ALARM = "false_alarm"
    #: A harmless comment left alone, as it should be.
    OK = "ok"
    #: Kept off the screen by the scenario's own set-up: nobody's doing, not counted.
    SILENCED = "silenced"

    @property
    def is_hit(self) -> bool:
        """Whether this outcome counts as a hit (handled in time, or prevented)."""
        return self is Outcome.HIT or self is Outcome.PREVENTED


class TipCode(StrEnum):
    """Every kind of coaching tip the judge gives (each has a translated text)."""

    #: A harmful comment nobody handled.
    MISS = "miss"
    #: A harmful comment handled after the response window.
    LATE = "late"
    #: A harmless comment or viewer acted on.
    FALSE_ALARM = "false_alarm"
    #: A viewer's question never answered.
    UNANSWERED = "unanswered"
    #: A harmful comment pinned to the top.
    PINNED_HARMFUL = "pinned_harmful"
    #: A harmful comment reported with the wrong reason.
    WRONG_REASON = "wrong_reason"
    #: An official (midwife, village head) not welcomed within a minute.
    OFFICIAL_NOT_WELCOMED = "official_not_welcomed"
    #: A troll accepted as a guest.
    TROLL_GUEST = "troll_guest"
    #: The host silent for 30 s or more.
    DEAD_AIR = "dead_air"
    #: Comments off for longer than the free minute.
    COMMENTS_OFF_LONG = "comments_off_long"
    #: A harmful comment that requires several actions (a groomer: block and report)
    #: left without all of them.
    INCOMPLETE = "incomplete"


class Handling(NamedTuple):
    """One response to a comment: who did what, when (milliseconds)."""

    t: int
    actor: str
    response: Response


@value
class Item(Value):
    """One comment as the judge scored it.

    A :class:`~moderation.values.Value` (a tuple) rather than a dataclass: a
    busy live scores a hundred thousand of them, and the judge builds them anew
    for every scorecard.
    """

    id: str
    t: int
    viewer: str
    handle: str
    text: str
    template: Template
    #: Viewers watching when it was posted.
    viewers: int
    hidden: Hidden | None
    outcome: Outcome
    #: Every response to this comment, in order.
    responses: tuple[Handling, ...]
    reaction_ms: int | None
    #: Who earned the hit, or made the false alarm.
    credited: str | None
    reported: ReportReason | None
    answered_ms: int | None
    #: Harm exposure on screen and with no moderation at all (viewer-seconds).
    exposure: float
    worst_exposure: float

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
            "outcome": self.outcome.value,
            "reaction_s": None if self.reaction_ms is None else self.reaction_ms / 1000,
            "by": self.credited,
            "responses": [
                {"t": t, "actor": a, "response": r.value} for t, a, r in self.responses
            ],
            "acceptable": [r.value for r in self.template.acceptable],
            "reported": None if self.reported is None else self.reported.value,
        }


@dataclass(frozen=True, slots=True)
class Tip:
    """A coaching point: what happened at ``t``, keyed for translation."""

    t: int
    code: TipCode
    weight: float
    comment: str | None = None
    params: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"t": self.t, "code": self.code.value, "comment": self.comment,
                "params": dict(self.params)}


@dataclass(frozen=True, slots=True)
class Part:
    """One part of the score: its value from 0 to 1 (``None``: does not apply) and weight."""

    value: float | None
    weight: float

    def to_json(self) -> dict[str, object]:
        return {"value": self.value, "weight": self.weight}


@dataclass(frozen=True, slots=True)
class CategoryTally:
    """One comment category's counts; ``hits`` and ``misses`` only for harmful ones."""

    total: int
    false_alarms: int
    hits: int | None = None
    misses: int | None = None

    def to_json(self) -> dict[str, int]:
        row = {"total": self.total, "false_alarms": self.false_alarms}
        if self.hits is not None and self.misses is not None:
            row["hits"], row["misses"] = self.hits, self.misses
        return row


@dataclass(frozen=True, slots=True)
class Reaction:
    """Reaction times over the hits (seconds), and the detection counts."""

    median_s: float | None
    #: 90th percentile, nearest rank.
    p90_s: float | None
    hits: int
    harmful: int
    false_alarms: int

    def to_json(self) -> dict[str, object]:
        return {"median_s": self.median_s, "p90_s": self.p90_s, "hits": self.hits,
                "harmful": self.harmful, "false_alarms": self.false_alarms}


@dataclass(frozen=True, slots=True)
class Exposure:
    """Harm exposure in viewer-seconds, and its worst case with no moderation."""

    viewer_seconds: float
    worst_case: float

    def to_json(self) -> dict[str, object]:
        return {"viewer_seconds": self.viewer_seconds, "worst_case": self.worst_case}


@dataclass(frozen=True, slots=True)
class HostingParts:
    """The hosting sub-parts (0–1, rounded); ``None`` where one does not apply."""

    questions: float | None
    gifts: float | None
    officials: float | None
    guests: float | None
    dead_air: float | None
    comments_open: float | None

    def to_json(self) -> dict[str, object]:
        return {"questions": self.questions, "gifts": self.gifts, "officials": self.officials,
                "guests": self.guests, "dead_air": self.dead_air,
                "comments_open": self.comments_open}


@dataclass(frozen=True, slots=True)
class Hosting:
    """How the host hosted: the sub-parts and the counts behind them."""

    parts: HostingParts
    questions: int
    answered: int
    answer_median_s: float | None
    gifters: int
    gifters_thanked: int
    officials: int
    officials_welcomed: int
    guest_requests: int
    dead_air_s: float
    comments_off_s: float
    silenced_comments: int

    def to_json(self) -> dict[str, object]:
        return {
            "parts": self.parts.to_json(),
            "questions": self.questions,
            "answered": self.answered,
            "answer_median_s": self.answer_median_s,
            "gifters": self.gifters,
            "gifters_thanked": self.gifters_thanked,
            "officials": self.officials,
            "officials_welcomed": self.officials_welcomed,
            "guest_requests": self.guest_requests,
            "dead_air_s": self.dead_air_s,
            "comments_off_s": self.comments_off_s,
            "silenced_comments": self.silenced_comments,
        }


@dataclass(frozen=True, slots=True)
class ActorCredit:
    """One actor's credit (the host, a moderator seat or team): drills rank by it."""

    hits: int = 0
    false_alarms: int = 0
    answers: int = 0
    thanks: int = 0
    welcomes: int = 0
    actions: int = 0
    rejected: int = 0

    def to_json(self) -> dict[str, int]:
        return {"hits": self.hits, "false_alarms": self.false_alarms, "answers": self.answers,
                "thanks": self.thanks, "welcomes": self.welcomes, "actions": self.actions,
                "rejected": self.rejected}


@dataclass(frozen=True, slots=True)
class Scorecard:
    """The result of one session, JSON-ready through :meth:`to_json`."""

    score: float
    passed: bool
    pass_mark: int
    #: Every part of the score, in :data:`COMPONENTS` order.
    components: Mapping[Component, Part]
    #: The categories that had a comment or a false alarm, in :class:`Category` order.
    categories: Mapping[Category, CategoryTally]
    reaction: Reaction
    exposure: Exposure
    hosting: Hosting
    #: Each actor's credit, by actor name in sorted order.
    actors: Mapping[str, ActorCredit]
    #: The heaviest tips first (ties: earliest first).
    tips: tuple[Tip, ...]
    #: Every comment scored, in the order posted.
    items: tuple[Item, ...]
    duration_s: float

    def to_json(self) -> dict[str, object]:
        return {
            "score": self.score,
            "passed": self.passed,
            "pass_mark": self.pass_mark,
            "duration_s": self.duration_s,
            "components": {name: part.to_json() for name, part in self.components.items()},
            "categories": {c.value: row.to_json() for c, row in self.categories.items()},
            "reaction": self.reaction.to_json(),
            "exposure": self.exposure.to_json(),
            "hosting": self.hosting.to_json(),
            "actors": {name: credit.to_json() for name, credit in self.actors.items()},
            "tips": [tip.to_json() for tip in self.tips],
            "items": [item.to_json() for item in self.items if item.harmful
                      or item.outcome is Outcome.FALSE_ALARM
                      or item.category is Category.QUESTION],
        }
