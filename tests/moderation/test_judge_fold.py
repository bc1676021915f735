"""The judge's fold: a log fed in pieces scores exactly as a full re-judge of it.

A drill keeps its scorecard current by feeding the judge the new events only
(docs/scoring.md); these tests pin that the pieces never show: at every
boundary, and at the end, the running judge agrees with ``judge()`` of the same
log, on every built-in scenario.
"""

from __future__ import annotations

import random
from functools import cache

import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule

from moderation.actions import Block, Delete, Mute
from moderation.autopilot import make_autopilot, run
from moderation.events import ActionApplied, Event
from moderation.judge import Hit, Judge, Outcome, Scorecard, judge
from moderation.setup import SessionSetup, load_setup
from scenarios import builtin_scenario_ids
from tests.machines import counted

PILOTS = ("random", "good", "perfect")


@cache
def played(scenario: str, pilot: str, seed: int = 1) -> tuple[SessionSetup, tuple[Event, ...]]:
    """A built-in scenario played to its end by an autopilot: its set-up and log."""
    setup = load_setup(scenario)
    session = setup.start(seed)
    run(session, make_autopilot(pilot, session))
    return setup, tuple(session.events)


def full(setup: SessionSetup, events: tuple[Event, ...]) -> Scorecard:
    return judge(setup.scenario, setup.content.by_id, events)


def hits_of(card: Scorecard) -> list[Hit]:
    """The hits a drill credits to seats, read from a scorecard's items."""
    return [Hit(i.t + i.reaction_ms, i.credited, i.id, i.viewer) for i in card.items
            if i.outcome is Outcome.HIT and i.reaction_ms is not None and i.credited is not None]


def assert_same(running: Judge, card: Scorecard) -> None:
    """The running judge agrees with ``card`` in every view it offers."""
    mine = running.scorecard()
    assert mine == card
    assert mine.to_json() == card.to_json()
    assert running.credits() == card.actors
    assert running.hits() == hits_of(card)


@pytest.mark.parametrize("pilot", PILOTS)
@pytest.mark.parametrize("scenario", builtin_scenario_ids())
def test_a_log_fed_in_pieces_scores_as_a_full_rejudge(scenario: str, pilot: str) -> None:
    setup, events = played(scenario, pilot)
    cuts = sorted(random.Random(f"{scenario}/{pilot}").sample(range(1, len(events)), 6))
    running = Judge(setup.scenario, setup.content.by_id)
    start = 0
    for cut in [*cuts, len(events)]:
        running.feed(events[start:cut])
        start = cut
        # The leaderboard's view mid-drill: the judge of the log so far.
        assert_same(running, full(setup, events[:cut]))
    assert running.fed == len(events)
    final = full(setup, events)
    assert running.scorecard() == final
    assert final.reaction.harmful > 0


def test_a_piece_may_end_between_a_mute_and_what_it_hid() -> None:
    # A mute, block or delete is judged by the event after it (the comments it
    # hid); a scorecard taken in between must judge it as the log's end would.
    setup, events = played("serbuan-troll", "random")
    running = Judge(setup.scenario, setup.content.by_id)
    judged_early = 0
    for index, event in enumerate(events):
        running.feed([event])
        if isinstance(event, ActionApplied) and isinstance(event.action, Mute | Block | Delete):
            card = full(setup, events[:index + 1])
            assert_same(running, card)
            before = full(setup, events[:index]).reaction.false_alarms
            judged_early += card.reaction.false_alarms > before
    assert judged_early > 0  # the boundary case really happened: a false alarm at the cut


def test_catch_up_folds_only_what_the_log_gained() -> None:
    setup, events = played("live-pertama", "good")
    running = Judge(setup.scenario, setup.content.by_id)
    for end in (0, 10, 10, 500, len(events)):
        running.catch_up(events[:end])
        assert running.fed == end
    assert running.scorecard() == full(setup, events)


@settings(max_examples=30, deadline=None)
@given(scenario=st.sampled_from(builtin_scenario_ids()), pilot=st.sampled_from(PILOTS),
       cuts=st.lists(st.integers(min_value=0, max_value=3000), max_size=12))
def test_any_chunking_gives_the_same_scorecard(scenario: str, pilot: str,
                                               cuts: list[int]) -> None:
    setup, events = played(scenario, pilot)
    running = Judge(setup.scenario, setup.content.by_id)
    start = 0
    for cut in sorted({min(c, len(events)) for c in cuts}):
        running.feed(events[start:cut])
        start = cut
    running.feed(events[start:])
    assert running.scorecard() == full(setup, events)


class RunningJudge(RuleBasedStateMachine):
    """A drill's judge over time: fed in uneven pieces, asked for scores in between."""

    def __init__(self) -> None:
        super().__init__()
        self.setup, self.events = played("krisis-hoaks-vaksin", "random")
        self.judge = Judge(self.setup.scenario, self.setup.content.by_id)
        self.at = 0

    @precondition(lambda self: self.at < len(self.events))
    @rule(size=st.integers(min_value=0, max_value=400))
    @counted
    def feed(self, size: int) -> None:
        piece = self.events[self.at:self.at + size]
        self.judge.feed(piece)
        self.at += len(piece)
        assert self.judge.fed == self.at

    @precondition(lambda self: self.at < len(self.events))
    @rule(size=st.integers(min_value=0, max_value=400))
    @counted
    def catch_up(self, size: int) -> None:
        self.at = min(len(self.events), self.at + size)
        self.judge.catch_up(self.events[:self.at])
        assert self.judge.fed == self.at

    @rule()
    @counted
    def score_so_far(self) -> None:
        assert_same(self.judge, full(self.setup, self.events[:self.at]))

    def teardown(self) -> None:
        self.judge.feed(self.events[self.at:])
        assert self.judge.scorecard() == full(self.setup, self.events)


RunningJudge.TestCase.settings = settings(max_examples=20, stateful_step_count=12,
                                          deadline=None)
TestRunningJudge = RunningJudge.TestCase
