"""Which scenario to practise next, from the weakest kind of comment.

Pure functions over history attempts and scenario definitions. A trainee's
weakness in a kind of comment is the share of recent such comments handled
wrongly: harmful ones missed, harmless ones acted on by mistake. The next
scenario is the one whose timeline brings most of that kind, preferring one
not yet passed and, among equals, the easier one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scenarios.schema import Scenario
from scenarios.taxonomy import HARMFUL, Category, Difficulty, InjectKind

from .history import Attempt

__all__ = ["RECENT", "Recommendation", "category_load", "recommend", "weaknesses"]

#: Only the latest attempts count: old mistakes that were since fixed should not.
RECENT = 5
#: What a troll raid brings when the scenario names no categories (the engine's default).
DEFAULT_RAID = (Category.SARA, Category.PORN, Category.JUDOL)
_DIFFICULTY = {d: i for i, d in enumerate(Difficulty)}


@dataclass(frozen=True, slots=True)
class Recommendation:
    scenario: str
    #: The weakest kind of comment, or None when nothing stood out.
    category: str | None
    #: Its error rate over the recent attempts (0–1).
    rate: float | None
    #: ``weak``: chosen for the weakest kind; ``next``: the next unpassed scenario;
    #: ``all_passed``: everything passed, practise the hardest again.
    reason: str


def weaknesses(attempts: Sequence[Attempt], recent: int = RECENT) -> list[tuple[str, float]]:
    """Error rate per kind of comment over the last ``recent`` attempts, worst first.

    Only kinds with at least one error are listed.
    """
    totals: dict[str, int] = {}
    errors: dict[str, int] = {}
    for attempt in attempts[-recent:]:
        for category, row in attempt.categories.items():
            totals[category] = totals.get(category, 0) + row.get("total", 0)
            wrong = row.get("misses", 0) + row.get("false_alarms", 0)
            errors[category] = errors.get(category, 0) + wrong
    rates = [(c, errors[c] / max(1, totals[c])) for c in totals if errors.get(c)]
    order = {c.value: i for i, c in enumerate(Category)}
    return sorted(rates, key=lambda cr: (-cr[1], order.get(cr[0], 99)))


def category_load(scenario: Scenario) -> dict[str, float]:
    """Roughly how many comments of each kind a scenario brings (peak rates × time + injects)."""
    load: dict[str, float] = {}
    starts = [p.start_s for p in scenario.phases] + [scenario.duration_s]
    for phase, end in zip(scenario.phases, starts[1:], strict=True):
        for category, rate in phase.rates.items():
            load[category.value] = load.get(category.value, 0.0) + rate * (end - phase.start_s)
    for inject in scenario.injects:
        if inject.kind is InjectKind.TROLL_RAID:
            cycle: tuple[Category, ...] = inject.categories or DEFAULT_RAID
        elif inject.kind is InjectKind.HOAX_WAVE:
            cycle = (Category.HOAX,)
        elif inject.kind is InjectKind.QUESTION_WAVE:
            cycle = (Category.QUESTION,)
        else:
            continue
        for category in cycle:
            load[category.value] = load.get(category.value, 0.0) + inject.count / len(cycle)
    return load


def _share(scenario: Scenario, category: str) -> float:
    load = category_load(scenario)
    harmful = category in {c.value for c in HARMFUL}
    pool = sum(v for c, v in load.items() if (c in {h.value for h in HARMFUL}) == harmful)
    return load.get(category, 0.0) / pool if pool else 0.0


def recommend(attempts: Sequence[Attempt], scenarios: Sequence[Scenario]) -> Recommendation | None:
    """The scenario to practise next, or None when there is no scenario at all."""
    if not scenarios:
        return None
    passed = {a.scenario for a in attempts if a.passed}

    def ease(s: Scenario) -> tuple[int, str]:
        return (_DIFFICULTY.get(s.difficulty, 0), s.id)

    for category, rate in weaknesses(attempts):
        fits = [s for s in scenarios if _share(s, category) > 0]
        if fits:
            best = max(fits, key=lambda s: (s.id not in passed, round(_share(s, category), 2),
                                            -ease(s)[0], s.id))
            return Recommendation(best.id, category, round(rate, 3), "weak")
    unpassed = sorted((s for s in scenarios if s.id not in passed), key=ease)
    if unpassed:
        return Recommendation(unpassed[0].id, None, None, "next")
    return Recommendation(max(scenarios, key=ease).id, None, None, "all_passed")
