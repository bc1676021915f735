"""A booster drill: a short scenario built from what one trainee gets wrong.

A booster is 3 to 5 minutes long. It brings the trainee's weakest kinds of
comment at a rate that makes at least :data:`PER_KIND` of each appear, and
posts again, at fixed times, the very comments they got wrong before
(``scripted``). The words (title, goals, phase names) are passed in, in both
languages, by the caller: this module builds data, it says nothing.

When the next booster is due follows a simple spacing rule
(:func:`interval_days`): the worse the weakest kind, the sooner; the caller
adds the days to the date of the last practice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .schema import ContentPack, Scenario, Text
from .taxonomy import HARMFUL, HARMLESS, Category

__all__ = ["PER_KIND", "BoosterPlan", "BoosterTexts", "booster_scenario", "interval_days",
           "weak_kinds"]

#: At least this many comments of each weak kind come during the drill.
PER_KIND = 6
#: The longest and shortest drill, in seconds.
LONGEST_S, SHORTEST_S = 300, 180
#: Seconds of warm-up before the drill proper.
WARM_UP_S = 30
#: The packs every booster draws its ordinary chat from.
BASE_PACKS = ("core", "obrolan")


@dataclass(frozen=True)
class BoosterPlan:
    """What to drill: the weakest kinds (worst first) and the templates got wrong before."""

    trainee: str
    weak: tuple[Category, ...]
    templates: tuple[str, ...] = ()
    duration_s: int = 240


@dataclass(frozen=True)
class BoosterTexts:
    """The scenario's words in both languages, from the caller's catalogues."""

    title: Text
    summary: Text
    goals: tuple[Text, ...]
    warm_up: Text
    drill: Text


def _slug(name: str) -> str:
    """A scenario id from a trainee's name: ``Bu Sari`` → ``bu-sari``."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    return slug[:60] or "trainee"


def _packs_for(templates: Iterable[str], packs: Sequence[ContentPack]) -> tuple[str, ...]:
    """The built-in packs needed: the base packs and those holding ``templates``."""
    wanted = set(templates)
    ids = list(BASE_PACKS)
    for pack in packs:
        if pack.id not in ids and wanted & {t.id for t in pack.templates}:
            ids.append(pack.id)
    return tuple(ids)


def booster_scenario(plan: BoosterPlan, packs: Sequence[ContentPack],
                     texts: BoosterTexts) -> Scenario:
    """The booster scenario for ``plan``; ``packs`` are the built-in packs to draw from.

    Templates of ``plan.templates`` that none of ``packs`` holds are left out.
    """
    known = {t.id: t for pack in packs for t in pack.templates}
    templates = [tid for tid in plan.templates if tid in known]
    duration = max(SHORTEST_S, min(LONGEST_S, plan.duration_s))
    drill_s = duration - WARM_UP_S
    rates: dict[str, float] = {"greeting": 0.1, "question": 0.1, "chitchat": 0.08,
                               "praise": 0.05}
    for category in plan.weak:
        # Harmful rates are absolute; harmless ones scale with the audience,
        # which the booster keeps at its peak after the warm-up.
        rates[category.value] = round(max(rates.get(category.value, 0.0),
                                          (PER_KIND + 1) / drill_s), 3)
    if not any(Category(c) in HARMFUL for c in rates):
        rates["spam"] = round((PER_KIND + 1) / drill_s, 3)  # something to tell apart
    gap = max(8, (drill_s - 20) // max(1, len(templates)))
    times = [WARM_UP_S + 10 + i * gap for i in range(len(templates))]
    scripted = [{"at_s": at, "template": tid}
                for at, tid in zip(times, templates, strict=True) if at < duration]
    data = {
        "id": "booster-" + _slug(plan.trainee),
        "title": texts.title.model_dump(),
        "summary": texts.summary.model_dump(),
        "topic": "posyandu",
        "duration_s": duration,
        "difficulty": "easy",
        "pass_mark": 70,
        "learning_goals": [g.model_dump() for g in texts.goals],
        "content": list(_packs_for(templates, packs)),
        "audience": {"start_viewers": 20, "peak_viewers": 30, "ramp_s": WARM_UP_S},
        "phases": [
            {"name": texts.warm_up.model_dump(), "start_s": 0,
             "rates": {"greeting": 0.3, "question": 0.08, "praise": 0.05}},
            {"name": texts.drill.model_dump(), "start_s": WARM_UP_S, "rates": rates,
             "evasion": 0.3, "repeat_offenders": 0.3},
        ],
        "scripted": scripted,
    }
    return Scenario.model_validate(data)


def weak_kinds(rates: Sequence[tuple[str, float]], limit: int = 3) -> tuple[Category, ...]:
    """The weakest kinds of comment from ``(category, error rate)`` pairs, worst first."""
    known = {c.value: c for c in HARMFUL | HARMLESS}
    return tuple(known[c] for c, _ in rates if c in known)[:limit]


def interval_days(worst_rate: float) -> int:
    """Days until the next booster: sooner the more of the weakest kind went wrong."""
    if worst_rate >= 0.5:
        return 1
    if worst_rate >= 0.25:
        return 3
    return 7
