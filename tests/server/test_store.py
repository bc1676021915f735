"""The SQLite log: append-only inputs per room, restore of open rooms only."""

from __future__ import annotations

from pathlib import Path

from server.app import DrillServer, build_room, new_code
from server.protocol import Control, Hello
from server.store import RoomRecord, Store


def test_inputs_round_trip_in_order(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.create_room(RoomRecord("100001", "k", "live-pertama", 3, 1.0))
    store.append("100001", [{"k": "clock", "t": 1000}, {"k": "note", "t": 1500, "text": "é"}])
    store.append("100001", [{"k": "clock", "t": 2000}])
    store.close()
    again = Store(tmp_path)
    assert [r.code for r in again.rooms()] == ["100001"]
    assert [r["t"] for r in again.inputs("100001")] == [1000, 1500, 2000]
    again.append("100001", [{"k": "clock", "t": 3000}])  # numbering continues after a restart
    assert len(again.inputs("100001")) == 4
    again.close()


def test_ended_rooms_are_not_restored_and_codes_are_not_reused(tmp_path: Path) -> None:
    store = Store(tmp_path)
    srv = DrillServer(store)
    room = build_room("100002", "k", "live-pertama", 1)
    srv.add_room(room, "live-pertama")
    trainer = room.join(Hello(v=1, type="hello", room="100002", role="trainer", key="k"),
                        0).seat
    assert trainer is not None
    for command in ("start", "end"):
        outcome = room.handle(trainer, Control(v=1, type="control", command=command), 0)
        store.append(room.code, outcome.inputs)
    store.close()
    store = Store(tmp_path)
    assert DrillServer(store).restore() == []
    assert store.rooms() == [] and store.codes() == {"100002"}
    assert new_code({str(c) for c in range(100_000, 1_000_000) if c != 555_555}) == "555555"
    store.close()
