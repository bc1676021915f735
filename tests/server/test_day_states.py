"""Many rooms under one organiser, as a state machine: what one room is told never moves another.

Rules drive three rooms of different scenarios sans-I/O (the organiser's
commands, to one room or to all; seats joining and acting; the clock), and
the invariants check, after every step, that each command was taken exactly
when the room's state allowed it and that every other room stayed as it was;
at the end each room's journal rebuilds it.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from protocol.inbound import ActionMsg, Command
from protocol.roles import View
from server.controls import ALLOWED
from server.journal import MemoryJournal
from server.outbox import Outcome
from server.room import DrillRoom
from tests.machines import counted

from .harness import hello, new_room

SCENARIOS = ("serbuan-troll", "tamu-resmi", "live-pertama")


def _fingerprint(room: DrillRoom) -> tuple[Any, ...]:
    journal = room.journal
    assert isinstance(journal, MemoryJournal)
    return (room.status, room.epoch, room.session.now, len(journal.texts),
            tuple(room.views.seq(view) for view in View), len(room.seats))


class TrainingDay(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = 1_000_000
        self.rooms = [new_room(scenario, 1, MemoryJournal()) for scenario in SCENARIOS]
        for n, room in enumerate(self.rooms):
            room.code = f"10000{n}"
        self.seats: list[list[Any]] = [[] for _ in self.rooms]
        self.before: list[tuple[Any, ...]] = [_fingerprint(r) for r in self.rooms]
        self.touched: set[int] = set()

    def _take(self, outcome: Outcome) -> None:
        for _, payload in outcome.sends:
            json.loads(payload)

    def _step(self, touched: set[int]) -> None:
        self.before = [_fingerprint(r) for r in self.rooms]
        self.touched = touched

    @rule(n=st.integers(0, 2), command=st.sampled_from(list(Command)))
    @counted
    def command_one(self, n: int, command: Command) -> None:
        room = self.rooms[n]
        allowed = room.status in ALLOWED[command]
        self._step({n})
        done, outcome = room.command(command, self.now)
        self._take(outcome)
        assert done == allowed

    @rule(command=st.sampled_from(list(Command)))
    @counted
    def command_all(self, command: Command) -> None:
        allowed = [room.status in ALLOWED[command] for room in self.rooms]
        self._step(set(range(len(self.rooms))))
        for room, expected in zip(self.rooms, allowed, strict=True):
            done, outcome = room.command(command, self.now)
            self._take(outcome)
            assert done == expected

    @rule(n=st.integers(0, 2), name=st.sampled_from(["Ani", "Budi", "Citra"]))
    @counted
    def join(self, n: int, name: str) -> None:
        self._step({n})
        outcome = self.rooms[n].join(hello(room=self.rooms[n].code, name=name), self.now)
        self._take(outcome)
        if outcome.seat is not None:
            self.seats[n].append(outcome.seat)

    @precondition(lambda self: any(self.seats))
    @rule(data=st.data())
    @counted
    def act(self, data: st.DataObject) -> None:
        n = data.draw(st.sampled_from([i for i, seats in enumerate(self.seats) if seats]))
        room = self.rooms[n]
        seat = data.draw(st.sampled_from(self.seats[n]))
        on_screen = room.session.room.stream.on_screen()
        action = {"type": "delete", "comment": on_screen[-1]} if on_screen else \
            {"type": "filter_add", "keyword": "judi"}
        self._step({n})
        msg = ActionMsg.model_validate({"v": 1, "type": "action", "action": action})
        self._take(room.handle(seat, msg, self.now))

    @rule(ms=st.integers(100, 5000))
    @counted
    def time_passes(self, ms: int) -> None:
        self._step(set(range(len(self.rooms))))
        self.now += ms
        for room in self.rooms:
            self._take(room.tick(self.now))

    @invariant()
    def the_other_rooms_did_not_move(self) -> None:
        for n, room in enumerate(self.rooms):
            if n not in self.touched:
                assert _fingerprint(room) == self.before[n], room.code

    def teardown(self) -> None:
        for n, room in enumerate(self.rooms):
            journal = room.journal
            assert isinstance(journal, MemoryJournal)
            copy = new_room(SCENARIOS[n], 1, MemoryJournal())
            copy.restore(journal.records())
            # Time after the last clock checkpoint is not journalled: the rebuilt room is
            # the same room, up to that checkpoint.
            events = copy.session.events
            assert (copy.status, copy.epoch) == (room.status, room.epoch)
            assert events == room.session.events[:len(events)]


TrainingDay.TestCase.settings = settings(max_examples=25, stateful_step_count=25,
                                         deadline=None)
test_training_day = TrainingDay.TestCase
