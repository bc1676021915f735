"""The SQLite journal: append-only records per room, restore of open rooms only."""

from __future__ import annotations

from pathlib import Path

import pytest

from protocol.inbound import Control, Hello
from protocol.roles import Role
from server.app import DrillServer, build_room, new_code
from server.journal import ClockRec, JournalError, NoteRec
from server.store import RoomRecord, Store


def test_records_round_trip_in_order(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.create_room(RoomRecord("100001", "k", "live-pertama", 3, 1.0))
    journal = store.journal("100001")
    journal.append(ClockRec(t=1000))
    journal.append(NoteRec(t=1500, text="é"))
    journal.append(ClockRec(t=2000))
    store.close()
    again = Store(tmp_path)
    assert [r.code for r in again.rooms()] == ["100001"]
    assert [r.t for r in again.records("100001")] == [1000, 1500, 2000]
    again.journal("100001").append(ClockRec(t=3000))  # numbering continues after a restart
    assert len(again.records("100001")) == 4
    again.close()


def test_a_record_the_database_refuses_is_a_journal_error(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.create_room(RoomRecord("100003", "k", "live-pertama", 3, 1.0))
    journal = store.journal("100003")
    # What the protocol keeps out (a lone surrogate) cannot be stored as UTF-8.
    with pytest.raises(JournalError):
        journal.append(NoteRec(t=1, text="\ud83d"))
    store.close()
    with pytest.raises(JournalError):  # a closed (or broken) database
        journal.append(ClockRec(t=2))


def test_ended_rooms_are_not_restored_and_codes_are_not_reused(tmp_path: Path) -> None:
    store = Store(tmp_path)
    srv = DrillServer(store)
    room = build_room("100002", "k", "live-pertama", 1)
    srv.add_room(room, "live-pertama")
    trainer = room.join(Hello(v=1, type="hello", room="100002", role=Role.TRAINER, key="k"),
                        0).seat
    assert trainer is not None
    for command in ("start", "end"):
        room.handle(trainer, Control.model_validate(
            {"v": 1, "type": "control", "command": command}), 0)
    store.close()
    store = Store(tmp_path)
    assert DrillServer(store).restore() == []
    assert store.rooms() == [] and store.codes() == {"100002"}
    assert new_code({str(c) for c in range(100_000, 1_000_000) if c != 555_555}) == "555555"
    store.close()
