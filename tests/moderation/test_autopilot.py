"""Autopilots rank as reference trainees must on every built-in scenario."""

from __future__ import annotations

from functools import cache

import pytest

from moderation.autopilot import AUTOPILOTS, make_autopilot, run
from moderation.content import ContentIndex
from moderation.engine import Session
from moderation.sessionfile import scorecard_of
from scenarios import builtin_scenario_ids, load_content, load_economy, load_scenario

SEEDS = (1, 2)


@cache
def score(scenario_id: str, kind: str, seed: int) -> float:
    scenario = load_scenario(scenario_id)
    session = Session(scenario, ContentIndex(load_content(scenario), scenario.topic),
                      load_economy(), seed)
    run(session, make_autopilot(kind, session))
    return scorecard_of(session).score


def test_there_are_built_in_scenarios() -> None:
    assert len(builtin_scenario_ids()) >= 3


@pytest.mark.parametrize("scenario_id", builtin_scenario_ids())
@pytest.mark.parametrize("seed", SEEDS)
def test_autopilots_rank_in_order(scenario_id: str, seed: int) -> None:
    scores = {kind: score(scenario_id, kind, seed) for kind in AUTOPILOTS}
    assert scores["perfect"] >= 90, scores
    assert scores["perfect"] > scores["good"] > scores["random"], scores
    assert scores["idle"] <= 40 and scores["random"] <= 40, scores


def test_autopilots_are_deterministic() -> None:
    scenario_id = builtin_scenario_ids()[0]
    score.cache_clear()
    first = score(scenario_id, "good", 7)
    score.cache_clear()
    assert score(scenario_id, "good", 7) == first
