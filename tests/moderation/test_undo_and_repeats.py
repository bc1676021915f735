"""Undo: a block, pin, report or comments-off taken back within a few seconds; and a
question asked twice counted once.

The room puts the state back; the judge counts the state after the undo (no false
alarm, no tip for the slip), and the undo is in the log, so the session replays and a
re-judge of the log gives the same scorecard.
"""

from __future__ import annotations

import dataclasses

from moderation.actions import (
    AnyAction,
    Block,
    Pin,
    Report,
    SetComments,
    Undo,
)
from moderation.engine import Session
from moderation.events import ActionApplied, RejectCode
from moderation.judge import Judge, Outcome, TipCode
from moderation.scoring import distinct_questions, score
from moderation.sessionfile import check_replay, document, dumps, parse, replay, scorecard_of
from moderation.timing import UNDO_MS
from moderation.values import replace, to_json
from scenarios.taxonomy import ReportReason
from tests.factories import pack

from .test_room import MOTHER, QUESTION, TROLL, TROLL_COMMENT, T, situation


def _apply(live: Session, *actions: AnyAction) -> None:
    for action in actions:
        result = live.apply(action)
        assert result.accepted, f"{action} refused: {result.rejected}"


def _false_alarms(live: Session) -> int:
    live.end(max(live.now, T) + 1000)
    return scorecard_of(live).reaction.false_alarms


def test_an_undone_block_of_a_harmless_viewer_is_no_false_alarm() -> None:
    slip = situation()
    _apply(slip, Block(t=T, viewer=MOTHER))
    assert _false_alarms(slip) == 1  # the block alone is a false alarm

    live = situation()
    _apply(live, Block(t=T, viewer=MOTHER), Undo(t=T + 2000))
    assert MOTHER not in live.room.blocked
    card = scorecard_of(live)
    assert card.reaction.false_alarms == 0
    assert not [t for t in card.tips if t.code is TipCode.FALSE_ALARM]
    item = next(i for i in card.items if i.id == QUESTION)
    assert item.outcome is not Outcome.FALSE_ALARM
    assert card.actors["host"].false_alarms == 0
    # The undo is in the log.
    assert any(isinstance(e, ActionApplied) and isinstance(e.action, Undo)
               for e in live.events)


def test_a_troll_blocked_then_unblocked_stays_handled() -> None:
    """What the block did to the screen stays done: the troll's comment is gone."""
    live = situation()
    _apply(live, Block(t=T, viewer=TROLL), Undo(t=T + 1000))
    assert TROLL not in live.room.blocked
    assert not live.room.is_visible(TROLL_COMMENT)
    live.end(T + 3000)
    card = scorecard_of(live)
    assert next(i for i in card.items if i.id == TROLL_COMMENT).outcome is Outcome.HIT


def test_an_undone_pin_of_harm_earns_no_tip_and_the_earlier_pin_returns() -> None:
    live = situation()
    _apply(live, Pin(t=T, comment=QUESTION), Pin(t=T + 500, comment=TROLL_COMMENT),
           Undo(t=T + 1500))
    assert live.room.pinned == QUESTION
    live.end(T + 3000)
    card = scorecard_of(live)
    assert not [t for t in card.tips if t.code is TipCode.PINNED_HARMFUL]


def test_an_undone_report_is_withdrawn() -> None:
    live = situation()
    _apply(live, Report(t=T, comment=QUESTION, reason=ReportReason.SPAM), Undo(t=T + 100))
    assert QUESTION not in live.room.reported
    assert _false_alarms(live) == 0
    wrong = situation()
    _apply(wrong, Report(t=T, comment=TROLL_COMMENT, reason=ReportReason.HATE),
           Undo(t=T + 100))
    wrong.end(T + 90_000)
    card = scorecard_of(wrong)
    assert not [t for t in card.tips if t.code is TipCode.WRONG_REASON]
    item = next(i for i in card.items if i.id == TROLL_COMMENT)
    assert item.reported is None and not item.responses


def test_undoing_comments_off_turns_them_on() -> None:
    live = situation()
    _apply(live, SetComments(t=T, enabled=False), Undo(t=T + 3000))
    assert live.room.comments_enabled
    live.end(T + 10_000)
    card = scorecard_of(live)
    assert card.hosting.comments_off_s == 3.0


def test_undo_runs_out_after_a_few_seconds() -> None:
    live = situation()
    _apply(live, Block(t=T, viewer=MOTHER))
    late = live.apply(Undo(t=T + UNDO_MS + 1))
    assert late.rejected is RejectCode.NOTHING_TO_UNDO
    assert MOTHER in live.room.blocked


def test_only_the_last_undoable_action_is_taken_back() -> None:
    live = situation()
    _apply(live, Report(t=T, comment=TROLL_COMMENT, reason=ReportReason.GAMBLING),
           Pin(t=T + 100, comment=QUESTION), Undo(t=T + 200))
    assert live.room.pinned is None and TROLL_COMMENT in live.room.reported
    assert live.apply(Undo(t=T + 300)).rejected is RejectCode.NOTHING_TO_UNDO


def test_a_session_with_an_undo_replays_with_the_same_scorecard() -> None:
    live = situation()
    _apply(live, Block(t=T, viewer=MOTHER), Undo(t=T + 2000))
    live.end(T + 5000)
    saved = parse(dumps(document(live, app="test")))
    assert to_json(Undo(t=1)) == {"type": "undo", "t": 1, "actor": "host"}
    again = replay(saved, [pack()])
    assert check_replay(saved, again) is None
    assert scorecard_of(again) == scorecard_of(live)


# A question asked twice by one viewer is one question (docs/scoring.md). It lives here,
# beside the other judge changes of the same round.


def test_a_question_asked_twice_by_one_viewer_counts_once() -> None:
    live = situation()
    live.end(T + 60_000)
    judged = Judge(live.scenario, live.content.by_id)
    judged.feed(live.events)
    facts = judged.facts()
    question = next(i for i in facts.items if i.id == QUESTION)
    assert question.answered_ms is None
    again = replace(question, id="c90", t=question.t + 20_000, answered_ms=4_000)
    other = replace(question, id="c91", viewer=TROLL)
    assert distinct_questions([question, again, other]) == [other, again]
    once = score(live.scenario, dataclasses.replace(facts, items=(*facts.items, again)))
    twice = score(live.scenario, dataclasses.replace(facts, items=(*facts.items, other)))
    assert (once.hosting.questions, once.hosting.answered) == (1, 1)
    assert (twice.hosting.questions, twice.hosting.answered) == (2, 0)
    assert not [t for t in once.tips if t.code is TipCode.UNANSWERED]
