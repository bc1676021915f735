"""An action sent again is applied once (docs/protocol.md, "Sent again").

A page that lost its connection keeps its actions with the id it gave each (``cid``)
and sends them again once it is back, including the ones the room had already applied
before the answer was lost. The room applies a seat's ``cid`` once and answers a repeat
with the first answer (``repeat`` true), across reconnects and a restart from the
journal. The state machine sends, loses answers, sends again, reconnects, pauses and
restarts in any order: every ``cid`` is applied at most once, a repeat answers what the
first answer said, and every action ends with an answer once the room runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from moderation.events import RejectCode
from protocol.inbound import ActionMsg, Control, ProtocolError, decode
from server.clock import Status
from server.journal import ActionRec, MemoryJournal
from server.outbox import Outcome, ToView
from server.room import DrillRoom
from server.seats import ANSWERS_KEPT, Answers
from tests.machines import counted

from .harness import KEY, Harness, hello, new_room

SEED = 5


def test_a_repeated_cid_is_answered_with_the_first_answer_and_not_applied_again() -> None:
    h = Harness(seed=SEED)
    trainer = h.join("trainer", role="trainer", key=KEY)
    ani = h.join("ani", name="Ani")
    h.control(trainer, "start")
    h.run(8000)
    comment = h.first_comment()
    action = {"type": "delete", "comment": comment["id"]}
    first = h.message(ani, {"type": "action", "id": 1, "cid": "a-1", "action": action}, "ani")
    assert (first["accepted"], first["cid"], first["repeat"]) == (True, "a-1", False)
    again = h.message(ani, {"type": "action", "id": 2, "cid": "a-1", "action": action}, "ani")
    assert again == {**first, "id": 2, "repeat": True}
    # Another id for the same deletion is a new action: the comment is gone by then.
    other = h.message(ani, {"type": "action", "id": 3, "cid": "a-2", "action": action}, "ani")
    assert (other["accepted"], other["code"]) == (False, RejectCode.COMMENT_GONE.value)
    assert h.message(ani, {"type": "action", "id": 4, "cid": "a-2", "action": action},
                     "ani") == {**other, "id": 4, "repeat": True}
    applied = [m for m in h.view("staff") if m["type"] == "event"
               and m["event"]["type"] == "applied" and m["event"]["action"]["type"] == "delete"]
    assert len(applied) == 1
    assert ani.actions == 2 and ani.rejected == 1  # the repeats count nothing
    # A restart rebuilds the answers from the journal; a paused room still says "applied".
    room = h.restarted()
    h.take(room.after_restore(h.now))
    assert room.status is Status.PAUSED
    seat = room.seats[ani.id]
    replies = [json.loads(p) for _, p in room.handle(seat, _action("a-1", action, 9),
                                                     h.now).sends]
    assert replies == [{**first, "id": 9, "repeat": True}]
    # Without a cid, nothing is remembered: a paused room refuses the action.
    plain = [json.loads(p) for _, p in room.handle(seat, _action(None, action, 10),
                                                   h.now).sends]
    assert plain[-1]["code"] == "bad_state"


def test_a_cid_is_checked_by_its_rule() -> None:
    ok = decode(json.dumps({"v": 1, "type": "action", "cid": "k9f2-0001.x:y_z",
                            "action": {"type": "undo"}}))
    assert isinstance(ok, ActionMsg) and ok.cid == "k9f2-0001.x:y_z"
    for bad in ("", "x" * 65, "spasi di sini", "ä", 7, None):
        got = decode(json.dumps({"v": 1, "type": "action", "cid": bad, "id": 4,
                                 "action": {"type": "undo"}}))
        if bad is None:
            assert isinstance(got, ActionMsg) and got.cid is None
            continue
        assert isinstance(got, ProtocolError), bad
        assert got.code.value == "invalid" and got.detail.startswith("action.cid:"), got


def test_a_seat_remembers_a_bounded_number_of_answers() -> None:
    answers = Answers()
    for n in range(ANSWERS_KEPT + 10):
        answers.remember(f"c{n}", None if n % 2 else RejectCode.COMMENT_GONE)
    assert len(answers) == ANSWERS_KEPT
    assert answers.get("c0") is None and answers.get("c9") is None  # the oldest went first
    kept = answers.get(f"c{ANSWERS_KEPT + 8}")
    assert kept is not None and kept.rejected is RejectCode.COMMENT_GONE


def _action(cid: str | None, action: dict[str, Any], ident: int) -> ActionMsg:
    return ActionMsg.model_validate({"v": 1, "type": "action", "id": ident, "cid": cid,
                                     "action": action})


@dataclass
class Tap:
    """One action a moderator tapped, as her page keeps it."""

    cid: str
    action: dict[str, Any]
    #: The first answer she got (accepted, code), once she got one.
    answer: tuple[bool, str | None] | None = None
    sends: int = 0
    errors: list[str] = field(default_factory=list)


KINDS = ["delete", "block", "pin", "comments_off", "comments_on", "filter", "undo"]


class SentAgain(RuleBasedStateMachine):
    """Taps, sends whose answer is lost, sends again, reconnects, pauses and restarts."""

    def __init__(self) -> None:
        super().__init__()
        self.journal = MemoryJournal()
        self.room: DrillRoom = new_room(seed=SEED, journal=self.journal)
        self.now = 1_000_000
        self.tokens: dict[str, str] = {}
        self.trainer = self._join(role="trainer", key=KEY)
        self.ani = self._join(name="Ani")
        self._control("start")
        self._pass(6000)
        self.taps: list[Tap] = []
        self.ids = 0

    # ------------------------------------------------------------ helpers

    def _join(self, **fields: Any) -> str:
        outcome = self.room.join(hello(**fields), self.now)
        replies = self._replies(outcome)
        assert outcome.seat is not None and replies[0]["type"] == "welcome", replies
        self.tokens[outcome.seat.id] = replies[0]["token"]
        self.room.connected(outcome.seat, True)
        return outcome.seat.id

    @staticmethod
    def _replies(outcome: Outcome) -> list[dict[str, Any]]:
        return [json.loads(p) for target, p in outcome.sends if not isinstance(target, ToView)]

    def _control(self, command: str) -> None:
        self.room.handle(self.room.seats[self.trainer], Control.model_validate(
            {"v": 1, "type": "control", "command": command}), self.now)

    def _pass(self, ms: int) -> None:
        for _ in range(ms // 200):
            self.now += 200
            self.room.tick(self.now)

    def _body(self, kind: str) -> dict[str, Any]:
        screen = self.room.session.room.stream.on_screen()
        comments = self.room.session.room.comments
        comment = comments[screen[-1]] if screen else None
        if kind == "delete" and comment is not None:
            return {"type": "delete", "comment": comment.id}
        if kind == "block" and comment is not None:
            return {"type": "block", "viewer": comment.viewer, "comment": comment.id}
        if kind == "pin" and comment is not None:
            return {"type": "pin", "comment": comment.id}
        if kind == "filter":
            return {"type": "filter_add", "keyword": "judi"}
        if kind == "comments_on":
            return {"type": "comments", "enabled": True}
        if kind == "undo":
            return {"type": "undo"}
        return {"type": "comments", "enabled": False}

    def _send(self, tap: Tap) -> dict[str, Any]:
        self.ids += 1
        tap.sends += 1
        seat = self.room.seats[self.ani]
        replies = self._replies(self.room.handle(seat, _action(tap.cid, tap.action, self.ids),
                                                 self.now))
        assert [r["type"] for r in replies] in (["ack"], ["error"]), replies
        return replies[0]

    def _record(self, tap: Tap, reply: dict[str, Any]) -> None:
        """What the page makes of an answer: the first answer, or a repeat that matches it."""
        assert reply["id"] == self.ids
        if reply["type"] == "error":
            # Refused before the room saw it (not running): nothing remembered, nothing done.
            assert reply["code"] == "bad_state" and self.room.status is not Status.RUNNING
            assert tap.answer is None
            tap.errors.append(reply["code"])
            return
        assert reply["cid"] == tap.cid
        answer = (reply["accepted"], reply["code"])
        if tap.answer is None:
            tap.answer = answer
            return
        # Only an answer lost on the way makes the page send an answered action again.
        assert reply["repeat"] and answer == tap.answer, (reply, tap)

    # ------------------------------------------------------------ rules

    @initialize(kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=3))
    @counted
    def taps_in_an_outage(self, kinds: list[str]) -> None:
        """She taps during an outage that began after the actions went out: the room may
        have them, she has no answer."""
        for kind in kinds:
            tap = Tap(f"cid-{len(self.taps)}", self._body(kind))
            self.taps.append(tap)
            self._send(tap)

    @rule(kind=st.sampled_from(KINDS), lost=st.booleans())
    @counted
    def tap(self, kind: str, lost: bool) -> None:
        """She taps: the action goes out at once; its answer may be lost with the link."""
        tap = Tap(f"cid-{len(self.taps)}", self._body(kind))
        self.taps.append(tap)
        reply = self._send(tap)
        if not lost:
            self._record(tap, reply)

    @precondition(lambda self: bool(self.taps))
    @rule(data=st.data(), lost=st.booleans())
    @counted
    def send_again(self, data: st.DataObject, lost: bool) -> None:
        """The page sends an action again (after a reconnect or a reload): one whose answer
        was lost, or any other; its answer may be lost again."""
        tap = data.draw(st.sampled_from(self.taps))
        reply = self._send(tap)
        if lost:
            return
        if tap.answer is None:
            self._record(tap, reply)
        elif reply["type"] == "ack":
            assert reply["repeat"] and (reply["accepted"], reply["code"]) == tap.answer
        else:
            raise AssertionError(f"an answered action was refused when sent again: {reply}")

    @rule()
    @counted
    def reconnect(self) -> None:
        """The link drops and comes back: the seat resumes with its token."""
        seat = self.room.seats[self.ani]
        self.room.connected(seat, False)
        outcome = self.room.join(hello(token=self.tokens[self.ani]), self.now)
        assert self._replies(outcome)[0]["type"] == "welcome"
        self.room.connected(seat, True)

    @rule(command=st.sampled_from(["pause", "resume"]))
    @counted
    def trainer_drives(self, command: str) -> None:
        self._control(command)

    @rule(ms=st.sampled_from([200, 1000, 4000]))
    @counted
    def time_passes(self, ms: int) -> None:
        self._pass(ms)

    @rule()
    @counted
    def restart(self) -> None:
        """The server restarts: the room comes back from its journal, paused."""
        restored = new_room(seed=SEED, journal=self.journal)
        restored.restore(self.journal.records())
        self.room = restored
        restored.after_restore(self.now)

    @rule()
    @counted
    def everything_sent_again(self) -> None:
        """Back online in a running room: the page sends every action still waiting; each
        gets its answer."""
        if self.room.status is not Status.RUNNING:
            self._control("resume")
        if self.room.status is not Status.RUNNING:
            return  # ended: the page refuses what waits, with the room's reason
        for tap in self.taps:
            if tap.answer is None:
                self._record(tap, self._send(tap))
            assert tap.answer is not None, tap

    # ------------------------------------------------------------ invariants

    @invariant()
    def every_cid_is_applied_at_most_once(self) -> None:
        records = [r for r in self.journal.records() if isinstance(r, ActionRec)]
        cids = [r.cid for r in records]
        assert len(cids) == len(set(cids))
        assert all(cid is not None for cid in cids)
        # Each tap the room answered was applied exactly once.
        for tap in self.taps:
            if tap.answer is not None:
                assert cids.count(tap.cid) == 1, tap


SentAgain.TestCase.settings = settings(
    max_examples=150, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_sent_again = SentAgain.TestCase
