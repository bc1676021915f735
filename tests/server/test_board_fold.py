"""The live leaderboard and the overview feed the judge only what it has not seen.

The judge folds events incrementally (tests/moderation/test_judge_fold.py proves the
fold equals a full re-judge on every built-in scenario); here the drill room is
checked to use it that way: every event reaches the judge exactly once however
often the leaderboard, the seats table and the overview's score are worked out,
and the final results equal a full re-judge of the log.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from moderation.events import Event
from moderation.judge import Judge, judge
from server import board
from server.board import verdict_rows
from server.day import Glances
from server.store import RoomRecord

from .harness import KEY, Harness


class CountingJudge(Judge):
    """A judge that remembers how many events each call to :meth:`feed` brought."""

    batches: list[int] = []

    def feed(self, events: Iterable[Event]) -> None:
        events = list(events)
        CountingJudge.batches.append(len(events))
        super().feed(events)


def test_the_leaderboard_costs_only_the_new_events(monkeypatch: pytest.MonkeyPatch) -> None:
    CountingJudge.batches = []
    monkeypatch.setattr(board, "Judge", CountingJudge)
    h = Harness("serbuan-troll")
    trainer = h.join("tr", role="trainer", key=KEY)
    ani = h.join("a", name="Ani")
    h.message(trainer, {"type": "settings", "verdicts_live": True})
    h.control(trainer, "start")
    glances = Glances()
    for _ in range(60):  # a minute of drill: boards every 2 s, an action now and then
        h.run(1_000)
        comment = next((m["event"] for m in reversed(h.view("staff"))
                        if m["type"] == "event" and m["event"]["type"] == "comment"
                        and m["event"]["hidden"] is None), None)
        if comment is not None:
            h.act(ani, "a", type="delete", comment=comment["id"])
        glances.refresh([h.room], h.now, budget=1)
        h.room.board.verdicts()  # the leaderboard as the overview or a late console asks
    h.control(trainer, "end")
    events = h.room.session.events
    assert sum(CountingJudge.batches) == len(events)  # each event folded exactly once
    assert len(CountingJudge.batches) > 30 and max(CountingJudge.batches) < len(events) / 4
    full = judge(h.room.scenario, h.room.content.by_id, events)
    final = h.room.board.final
    assert final is not None and final.card == full
    assert final.rows == verdict_rows(full.actors, h.room.seats, team_mode=False)
    glances.refresh([h.room], h.now)
    glance = glances.glance(h.room, RoomRecord(h.room.code, KEY, "serbuan-troll", 1, 0.0),
                            "id")
    assert glance.status == "ended" and glance.score == full.score
