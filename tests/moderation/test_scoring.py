"""The score's formulas, one table each (docs/scoring.md)."""

from __future__ import annotations

import pytest

from moderation.scorecard import TipCode
from moderation.scoring import (
    TIP_WEIGHTS,
    HostingLog,
    answer_credit,
    detection_part,
    percentile,
    speed_credit,
    too_late,
    weighted_score,
)
from scenarios.schema import Component
from scenarios.taxonomy import Category


@pytest.mark.parametrize(
    ("hits", "false_alarms", "harmful", "part"),
    [
        (4, 0, 4, 1.0),
        (3, 0, 4, 0.75),
        (3, 1, 4, 0.5),  # one false alarm cancels one hit
        (1, 3, 4, 0.0),  # never below zero
        (0, 0, 0, 1.0),  # no harm in the session: only false alarms count
        (0, 1, 0, 0.75),
        (0, 5, 0, 0.0),
    ],
)
def test_detection(hits: int, false_alarms: int, harmful: int, part: float) -> None:
    assert detection_part(hits, false_alarms, harmful) == part


@pytest.mark.parametrize(
    ("reaction_ms", "credit"),
    [(0, 1.0), (5_000, 1.0), (32_500, 0.5), (60_000, 0.0), (90_000, 0.0)],
)
def test_speed_credit_falls_from_five_seconds_to_the_window(reaction_ms: int,
                                                            credit: float) -> None:
    assert speed_credit(reaction_ms, 60_000) == pytest.approx(credit)


@pytest.mark.parametrize(
    ("answered_ms", "credit"),
    [(10_000, 1.0), (30_000, 1.0), (105_000, 0.5), (180_000, 0.0), (240_000, 0.0)],
)
def test_answer_credit_falls_from_thirty_seconds_to_three_minutes(answered_ms: int,
                                                                  credit: float) -> None:
    assert answer_credit(answered_ms) == pytest.approx(credit)


@pytest.mark.parametrize(
    ("before_end_ms", "category", "touched", "left_out"),
    [
        (4_000, Category.JUDOL, False, True),  # harmful, in the last 5 s, untouched
        (4_000, Category.JUDOL, True, False),  # ... but somebody acted on it
        (6_000, Category.JUDOL, False, False),
        (20_000, Category.QUESTION, False, True),  # a question in the last 30 s
        (40_000, Category.QUESTION, False, False),
        (1_000, Category.GREETING, False, False),  # nothing is expected of a greeting
    ],
)
def test_the_last_moments_of_a_live_are_left_out(before_end_ms: int, category: Category,
                                                 touched: bool, left_out: bool) -> None:
    end = 600_000
    assert too_late(end - before_end_ms, end, category, touched) is left_out


def test_percentile_is_nearest_rank_in_seconds() -> None:
    assert percentile([], 0.9) is None
    assert percentile([5000, 1000, 4000, 2000, 3000], 0.9) == 5.0
    assert percentile([5000, 1000, 4000, 2000, 3000], 0.5) == 3.0


def test_score_is_the_weighted_mean_of_the_parts_that_apply() -> None:
    weights: dict[Component, float] = {"detection": 40, "speed": 15, "exposure": 15,
                                       "hosting": 30}
    parts: dict[Component, float | None] = {"detection": 1.0, "speed": 0.5, "exposure": None,
                                            "hosting": 0.0}
    assert weighted_score(parts, weights) == round(100 * (40 + 7.5) / 85, 1)
    assert weighted_score(parts, {**weights, "detection": 0}) == round(100 * 7.5 / 45, 1)
    assert weighted_score({"detection": None}, weights) == 0.0


def test_every_tip_has_a_weight() -> None:
    # Misses (complete or not), late actions and dead air weigh by severity and length.
    computed = {TipCode.MISS, TipCode.LATE, TipCode.INCOMPLETE, TipCode.DEAD_AIR}
    assert set(TIP_WEIGHTS) | computed == set(TipCode)
    assert not set(TIP_WEIGHTS) & computed


def test_comments_off_counts_a_stretch_still_running_at_the_end() -> None:
    log = HostingLog(off_since=50_000, off_total=20_000)
    assert log.comments_off_ms(80_000) == 50_000
    assert HostingLog(off_total=20_000).comments_off_ms(80_000) == 20_000
