"""The debrief's tables as plain data: score parts, categories, tips, answer key.

Both the HTML report and the CSV export are built from these rows, so a
spreadsheet and the printed page always agree. Values stay language-neutral
(codes and numbers); the renderers translate.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from moderation.events import Hidden
from moderation.judge import Item, Outcome, Scorecard, Tip
from scenarios.schema import Text
from scenarios.taxonomy import HARMFUL, Category

__all__ = [
    "CategoryRow",
    "KeyRow",
    "PartRow",
    "QuestionRow",
    "SetupHidden",
    "TIPS_SHOWN",
    "category_rows",
    "key_rows",
    "part_rows",
    "question_rows",
    "setup_hidden",
    "top_tips",
]

#: The report shows the few tips that matter most (the issue asks for three to five).
TIPS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class PartRow:
    """One part of the score: its value (0–1), weight and the points it gave."""

    name: str
    value: float | None
    weight: float
    points: float | None


@dataclass(frozen=True, slots=True)
class CategoryRow:
    category: str
    harmful: bool
    total: int
    hits: int | None
    misses: int | None
    false_alarms: int
    reaction_median_s: float | None
    reaction_max_s: float | None


@dataclass(frozen=True, slots=True)
class KeyRow:
    """A line of the answer key: a harmful comment, or a harmless one acted on by mistake."""

    id: str
    t: int
    handle: str
    text: str
    category: str
    severity: int
    outcome: Outcome
    reaction_s: float | None
    #: What was done: ``(t_ms, actor, response)``.
    done: tuple[tuple[int, str, str], ...]
    #: What would have been right (the acceptable responses; none for harmless).
    should: tuple[str, ...]
    reported: str | None
    explanation: Text
    answer: Text | None
    source: str | None


@dataclass(frozen=True, slots=True)
class QuestionRow:
    id: str
    t: int
    handle: str
    text: str
    answered_s: float | None
    outcome: Outcome
    answer: Text | None
    source: str | None


def part_rows(card: Scorecard) -> list[PartRow]:
    """How the score was made up: each part's value, weight and points out of 100."""
    used = {name: part for name, part in card.components.items()
            if part.value is not None and part.weight > 0}
    total = sum(float(part.weight) for part in used.values())
    rows = []
    for name, part in card.components.items():
        value, weight = part.value, float(part.weight)
        points = 100 * weight * value / total if name in used and total and value is not None \
            else None
        rows.append(PartRow(name, value, weight, None if points is None else round(points, 1)))
    return rows


def _hits(items: list[Item]) -> list[int]:
    return [i.reaction_ms for i in items
            if i.outcome.is_hit and i.reaction_ms is not None]


def category_rows(card: Scorecard) -> list[CategoryRow]:
    """The per-category table, with reaction times of the hits in each category."""
    by_cat: dict[Category, list[Item]] = {}
    for item in card.items:
        by_cat.setdefault(item.category, []).append(item)
    rows = []
    for category, row in card.categories.items():
        times = _hits(by_cat.get(category, []))
        rows.append(CategoryRow(
            category=category.value,
            harmful=category in HARMFUL,
            total=row.total,
            hits=row.hits,
            misses=row.misses,
            false_alarms=row.false_alarms,
            reaction_median_s=statistics.median(times) / 1000 if times else None,
            reaction_max_s=max(times) / 1000 if times else None,
        ))
    return rows


def top_tips(card: Scorecard, count: int = TIPS_SHOWN) -> list[Tip]:
    """The heaviest tips, as the judge ordered them (weight, then time)."""
    return list(card.tips[:count])


def key_rows(card: Scorecard) -> list[KeyRow]:
    """The answer key: every harmful comment and every false alarm, in time order."""
    rows = []
    for item in card.items:
        if not (item.harmful or item.outcome is Outcome.FALSE_ALARM) \
                or item.outcome is Outcome.SILENCED:
            continue
        template = item.template
        rows.append(KeyRow(
            id=item.id, t=item.t, handle=item.handle, text=item.text,
            category=item.category.value, severity=template.severity, outcome=item.outcome,
            reaction_s=None if item.reaction_ms is None else item.reaction_ms / 1000,
            done=tuple((t, actor, r.value) for t, actor, r in item.responses),
            should=tuple(r.value for r in template.acceptable) if item.harmful else (),
            reported=item.reported, explanation=template.explanation,
            answer=template.answer, source=template.source,
        ))
    return sorted(rows, key=lambda r: r.t)


def question_rows(card: Scorecard) -> list[QuestionRow]:
    """Every viewer question with its model answer and source."""
    rows = []
    for item in card.items:
        if item.category is Category.QUESTION and item.outcome is not Outcome.SILENCED:
            rows.append(QuestionRow(
                id=item.id, t=item.t, handle=item.handle, text=item.text,
                answered_s=None if item.answered_ms is None else item.answered_ms / 1000,
                outcome=item.outcome, answer=item.template.answer,
                source=item.template.source,
            ))
    return sorted(rows, key=lambda r: r.t)


@dataclass(frozen=True, slots=True)
class SetupHidden:
    """Harmless comments the scenario's own starting keyword filter hid: nobody saw
    them and they count neither way, so the debrief says how many there were."""

    questions: int
    others: int

    @property
    def total(self) -> int:
        return self.questions + self.others


def setup_hidden(card: Scorecard) -> SetupHidden:
    """Count the harmless comments the starting filter kept off the screen."""
    hidden = [i for i in card.items if i.outcome is Outcome.SILENCED and not i.harmful
              and i.hidden is Hidden.FILTER]
    questions = sum(1 for i in hidden if i.category is Category.QUESTION)
    return SetupHidden(questions, len(hidden) - questions)
