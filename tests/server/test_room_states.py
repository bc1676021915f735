"""A stateful property test of the drill room: whatever happens, in whatever order.

Random joins, leaves and resumes of every role, timed mutes that run out,
injects, resets, freed seats, participants taking their seat back under their
name (the trainer agreeing or not), more trainer consoles, journal failures and
restarts from the journal. After every step: every welcome succeeded, each
view's numbers run without a gap, there is at most one host and one trainer
seat, every seat has a token (a seat taken back only its new one), and the
journal rebuilds the same room. (An expired mute once broke every later staff
welcome and left a ghost host seat: issue 13.)
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)

from protocol.inbound import ActionMsg, Control, FreeSeat, InjectMsg, Ping, RejoinMsg
from protocol.roles import Role, View
from scenarios.taxonomy import InjectKind
from server.clock import Status
from server.journal import MemoryJournal
from server.outbox import Outcome, ToPending, ToView
from server.room import DrillRoom
from server.seats import Seat
from tests.machines import counted

from .harness import KEY, hello, new_room

NAMES = ["Ani", "Budi", "Ani", "Bu Sari 😀", " Citra  Dewi "]
SEED = 3


class DrillRoomStates(RuleBasedStateMachine):
    """The model: the seats we hold tokens for, and the last number seen per view."""

    seats = Bundle("seats")

    def __init__(self) -> None:
        super().__init__()
        self.journal = MemoryJournal()
        self.room: DrillRoom = new_room(seed=SEED, journal=self.journal)
        self.now = 1_000_000
        self.tokens: dict[str, str] = {}  # seat id → token
        self.seen: dict[View, int] = {view: 0 for view in View}
        self.trainer = self._join(role="trainer", key=KEY)
        # Most of what can go wrong needs a live: start with one, and a moderator in it.
        self.tokens_first = self._join(name="Ani").id
        self._control("start")

    # ------------------------------------------------------------ helpers

    def _take(self, outcome: Outcome) -> list[dict[str, Any]]:
        """Check the numbering of sequenced messages; return what the connection got."""
        replies = []
        for target, payload in outcome.sends:
            message = json.loads(payload)
            if isinstance(target, ToView) and message["type"] in ("event", "room"):
                assert message["seq"] == self.seen[target.view] + 1, (target, message)
                self.seen[target.view] = message["seq"]
            elif not isinstance(target, ToView):
                replies.append(message)
        return replies

    def _join(self, **fields: Any) -> Seat:
        outcome = self.room.join(hello(**fields), self.now)
        replies = self._take(outcome)
        assert outcome.seat is not None, replies
        assert replies[0]["type"] == "welcome", replies
        self.tokens[outcome.seat.id] = replies[0]["token"]
        self._take(self.room.connected(outcome.seat, True))
        return outcome.seat

    def _seat(self, seat_id: str) -> Seat | None:
        return self.room.seats.get(seat_id)

    def _trainer(self) -> Seat:
        seat = self._seat(self.trainer.id)
        if seat is None:  # freed: the trainer joins again with the key
            self.trainer = self._join(role="trainer", key=KEY)
            seat = self.trainer
        return seat

    def _send(self, seat: Seat, message: Any) -> list[dict[str, Any]]:
        return self._take(self.room.handle(seat, message, self.now))

    def _control(self, command: str) -> None:
        self._send(self._trainer(), Control.model_validate(
            {"v": 1, "type": "control", "command": command}))

    # ------------------------------------------------------------ rules

    @initialize(target=seats)
    @counted
    def first_seats(self) -> MultipleResults[str]:
        """The trainer's and Ani's seats: every rule that takes a seat can run from step one
        (a freed seat stays in the bundle; the rules expect seats that are gone)."""
        return multiple(self.trainer.id, self.tokens_first)

    @rule(target=seats, role=st.sampled_from(["moderator", "moderator", "host", "observer"]),
          name=st.sampled_from(NAMES), give_seat=st.booleans())
    @counted
    def join(self, role: str, name: str, give_seat: bool) -> str:
        has_host = self.room.seats.host() is not None
        outcome = self.room.join(hello(role=role, name=name), self.now)
        replies = self._take(outcome)
        if outcome.pending is not None:
            return self._decide(outcome.pending, replies, give_seat, has_host)
        if outcome.seat is None:
            assert role == "host" and has_host and replies[-1]["code"] == "host_taken", replies
            return self.trainer.id
        assert replies[0]["type"] == "welcome"
        self.tokens[outcome.seat.id] = replies[0]["token"]
        self._take(self.room.connected(outcome.seat, True))
        return outcome.seat.id

    def _decide(self, request: str, replies: list[dict[str, Any]], give_seat: bool,
                has_host: bool) -> str:
        """A join under a seat's name waits; the trainer gives the seat back or not."""
        assert [r["type"] for r in replies] == ["waiting"], replies
        old = self.room.seating.waiting[request].seat
        role = self.room.seating.waiting[request].hello.role
        outcome = self.room.handle(self._trainer(), RejoinMsg(
            v=1, type="rejoin", request=request, give_seat=give_seat), self.now)
        to_her = [json.loads(p) for target, p in outcome.sends if target == ToPending(request)]
        self._take(outcome)
        assert request not in self.room.seating.waiting
        if not outcome.admitted:
            assert role is Role.HOST and has_host and to_her[-1]["code"] == "host_taken", to_her
            return self.trainer.id
        (_, seat), = outcome.admitted
        welcome = to_her[0]
        assert welcome["type"] == "welcome" and welcome["seat"] == seat.id
        if give_seat and old in self.room.seats:
            assert seat.id == old and welcome["resumed"] and outcome.moved == [old]
            assert self.room.seats.by_token(self.tokens[old]) is None  # the old token is gone
        else:
            assert seat.id != old and not welcome["resumed"]
        self.tokens[seat.id] = welcome["token"]
        self._take(self.room.connected(seat, True))
        return seat.id

    @rule()
    @counted
    def another_console(self) -> None:
        """The trainer opens the console again (a reload, a second tab): the same seat."""
        trainer = self._trainer()
        outcome = self.room.join(hello(role="trainer", key=KEY), self.now)
        replies = self._take(outcome)
        assert outcome.seat is trainer and replies[0]["seat"] == trainer.id, replies
        self._take(self.room.connected(trainer, True))

    @rule(seat_id=seats, last=st.sampled_from(["none", "zero", "current", "ahead"]))
    @counted
    def resume(self, seat_id: str, last: str) -> None:
        seat = self._seat(seat_id)
        view = View.TRAINER if seat is None else seat.view
        last_seq = {"none": None, "zero": 0, "current": self.seen[view],
                    "ahead": self.seen[view] + 5}[last]
        outcome = self.room.join(hello(token=self.tokens[seat_id], last_seq=last_seq), self.now)
        replies = self._take(outcome)
        if seat is None:  # freed
            assert replies[-1]["code"] == "bad_token"
            return
        welcome = replies[0]
        assert welcome["type"] == "welcome" and welcome["resumed"], replies
        replayed = replies[1:1 + welcome["replay"]]
        assert [m["seq"] for m in replayed] == list(range(welcome["seq"] - len(replayed) + 1,
                                                          welcome["seq"] + 1))
        assert outcome.seat is seat
        self._take(self.room.connected(seat, True))

    @rule(seat_id=seats)
    @counted
    def leave(self, seat_id: str) -> None:
        seat = self._seat(seat_id)
        if seat is not None and seat.online:
            self._take(self.room.connected(seat, False))

    @rule(command=st.sampled_from(["start", "pause", "resume", "end", "reset"]))
    @counted
    def control(self, command: str) -> None:
        self._control(command)

    @rule(ms=st.sampled_from([400, 1000, 2500, 5200, 7000]) | st.integers(0, 9000))
    @counted
    def time_passes(self, ms: int) -> None:
        self.now += ms
        self._take(self.room.tick(self.now))

    @rule(kind=st.sampled_from(list(InjectKind)), troll=st.booleans())
    @counted
    def inject(self, kind: InjectKind, troll: bool) -> None:
        running = self.room.status is Status.RUNNING
        replies = self._send(self._trainer(), InjectMsg(v=1, type="inject", kind=kind, count=3,
                                                        over_s=2, troll=troll))
        assert replies[-1]["type"] == "ack" if running else replies[-1]["code"] == "bad_state"

    @rule(seat_id=st.none() | seats,
          what=st.sampled_from(["mute", "mute", "mute", "block", "delete", "filter", "pin",
                                "undo"]))
    @counted
    def moderate(self, seat_id: str | None, what: str) -> None:
        """A staff seat acts on the newest comment on screen; a 5-second mute runs out; an
        undo takes back the seat's last block or pin if it is still in time."""
        seat = self._seat(seat_id or self.tokens_first)
        screen = self.room.session.room.stream.on_screen()
        if seat is None or seat.role not in (Role.HOST, Role.MODERATOR) or not screen:
            return
        comment = self.room.session.room.comments[screen[-1]]
        action = {"mute": {"type": "mute", "viewer": comment.viewer, "duration": 5},
                  "block": {"type": "block", "viewer": comment.viewer},
                  "delete": {"type": "delete", "comment": comment.id},
                  "filter": {"type": "filter_add",
                             "keyword": comment.text[:8].strip() or "x"},
                  "pin": {"type": "pin", "comment": comment.id},
                  "undo": {"type": "undo"}}[what]
        running = self.room.status is Status.RUNNING
        replies = self._send(seat, ActionMsg.model_validate(
            {"v": 1, "type": "action", "action": action}))
        if running:
            assert replies[-1]["type"] == "ack", replies
        else:  # paused, ended or back in the lobby: refused, whatever the action
            assert replies[-1]["code"] == "bad_state", replies

    @rule(seat_id=seats)
    @counted
    def journal_fails(self, seat_id: str) -> None:
        """Write-ahead: an action the journal cannot store is refused and changes nothing
        (out of a running drill it is refused before the journal is asked)."""
        seat = self._seat(seat_id)
        if seat is None or seat.role not in (Role.HOST, Role.MODERATOR):
            return
        running = self.room.status is Status.RUNNING
        inputs, seqs = len(self.room.session.inputs), dict(self.seen)
        self.journal.fail = 1
        replies = self._send(seat, ActionMsg.model_validate(
            {"v": 1, "type": "action", "action": {"type": "comments", "enabled": False}}))
        self.journal.fail = 0
        assert replies[-1]["code"] == ("not_saved" if running else "bad_state"), replies
        assert len(self.room.session.inputs) == inputs and self.seen == seqs

    @rule(seat_id=seats)
    @counted
    def free(self, seat_id: str) -> None:
        replies = self._send(self._trainer(), FreeSeat(v=1, type="free_seat", seat=seat_id))
        assert replies[-1]["type"] in ("ack", "error"), replies
        if self._seat(seat_id) is None and replies[-1]["type"] == "ack":
            assert seat_id not in self.room.seats

    @rule()
    @counted
    def restart(self) -> None:
        """The server is killed and restarted: the room comes back from its journal."""
        restored = new_room(seed=SEED, journal=self.journal)
        restored.restore(self.journal.records())
        self._same_room(restored)
        self.room = restored
        for view in View:  # the restored room numbers on from its journal
            self.seen[view] = restored.views.seq(view)
        self._take(restored.after_restore(self.now))

    # ------------------------------------------------------------ invariants

    def _same_room(self, restored: DrillRoom) -> None:
        room = self.room
        assert restored.session.inputs == room.session.inputs
        assert room.session.events[:len(restored.session.events)] == restored.session.events
        for view in View:
            log = restored.views.log(view)
            assert room.views.log(view)[:len(log)] == log
        assert [(s.id, s.role, s.name, s.actor, s.token_hash) for s in restored.seats] == \
            [(s.id, s.role, s.name, s.actor, s.token_hash) for s in room.seats]
        assert (restored.status, restored.epoch, restored.settings) == \
            (room.status, room.epoch, room.settings)

    @invariant()
    def one_host_at_most(self) -> None:
        assert sum(s.role is Role.HOST for s in self.room.seats) <= 1

    @invariant()
    def one_trainer_seat(self) -> None:
        assert sum(s.role is Role.TRAINER for s in self.room.seats) <= 1

    @invariant()
    def every_seat_has_its_token(self) -> None:
        for seat in self.room.seats:
            assert self.room.seats.by_token(self.tokens[seat.id]) is seat

    @invariant()
    def every_role_is_welcome(self) -> None:
        """A staff and an observer welcome can be built at any moment (issue 13)."""
        for seat in list(self.room.seats)[:4]:
            replies = self._take(self.room.join(
                hello(token=self.tokens[seat.id]), self.now))
            assert replies[0]["type"] == "welcome", replies
        ping = self._send(self._trainer(), Ping(v=1, type="ping", id=1))
        assert ping[-1]["type"] == "pong"


DrillRoomStates.TestCase.settings = settings(
    max_examples=25, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_drill_room_states = DrillRoomStates.TestCase
