"""Drill integrity (issue 13): each reproduction, as a test that fails without its fix."""

from __future__ import annotations

from typing import Any

import pytest

import server.room
from protocol.inbound import FreeSeat, InjectMsg, Note, Ping, SettingsMsg
from protocol.outbound import Snapshot
from scenarios.taxonomy import InjectKind
from server.seats import Seat

from .harness import KEY, Harness, csv_rows, hello


def live(h: Harness) -> tuple[Seat, Seat]:
    trainer = h.join("tr", role="trainer", key=KEY)
    mod = h.join("mod", name="Ani")
    h.control(trainer, "start")
    h.send(trainer, InjectMsg(v=1, type="inject", kind=InjectKind.TROLL_RAID, count=10, over_s=2))
    h.run(3_000)
    return trainer, mod


def test_an_expired_timed_mute_does_not_break_the_next_staff_welcome() -> None:
    h = Harness()
    trainer, mod = live(h)
    comment = h.first_comment()
    assert h.act(mod, "mod", type="mute", viewer=comment["viewer"], duration=5)["accepted"]
    h.run(7_000, step=700)  # the mute ran out between two ticks
    host = h.join("host", role="host", name="Bu Sari")  # a welcome with a staff snapshot
    assert h.got["host"][0]["snapshot"]["muted"] == {}
    again = h.try_join("mod2", token=h.got["mod"][0]["token"])
    assert again.seat is mod
    assert [s.id for s in h.room.seats if s.role.value == "host"] == [host.id]


def test_a_seat_whose_welcome_failed_holds_no_place(monkeypatch: pytest.MonkeyPatch) -> None:
    h = Harness()
    live(h)

    def broken(*args: Any, **kwargs: Any) -> Snapshot:
        raise RuntimeError("a bug while building the welcome")

    monkeypatch.setattr(server.room, "snapshot", broken)
    with pytest.raises(RuntimeError):
        h.room.join(hello(role="host", name="Bu Sari"), h.now)
    monkeypatch.undo()
    assert h.room.seats.host() is None
    h.take(h.room.tick(h.now + 1))  # the freed ghost is announced with the next messages
    h.join("host", role="host", name="Bu Sari")  # not host_taken


@pytest.mark.parametrize("raw", [
    {"type": "filter_add", "keyword": "\ud83d"},
    {"type": "answer", "comment": "c1", "text": "jawab \ud83d"},
    {"type": "delete", "comment": "\ud83d"},
    {"type": ["delete"], "comment": "c1"},
    {"type": {"x": 1}},
])
def test_malformed_actions_are_refused_before_the_room(raw: dict[str, Any]) -> None:
    h = Harness()
    trainer, mod = live(h)
    host = h.join("host", role="host")
    journalled, seqs = len(h.journal.texts), h.room.views.seq(h.room.seats[mod.id].view)
    answer = h.act(host, "host", **raw)
    assert answer["type"] == "error" and answer["code"] == "invalid"
    assert len(h.journal.texts) == journalled and h.room.views.seq(mod.view) == seqs
    assert h.try_join("late", role="observer").seat is not None  # welcomes still work
    assert h.try_join("mod", token=h.got["mod"][0]["token"]).seat is mod


def test_an_input_the_journal_cannot_store_changes_nothing() -> None:
    h = Harness()
    trainer, mod = live(h)
    inputs, seats = len(h.room.session.inputs), len(h.room.seats)
    h.journal.fail = 2
    answer = h.act(mod, "mod", type="comments", enabled=False)
    assert answer["code"] == "not_saved" and len(h.room.session.inputs) == inputs
    out = h.try_join("late", role="host")
    assert out.seat is None and h.got["late"][-1]["code"] == "not_saved"
    assert len(h.room.seats) == seats and h.room.seats.host() is None
    assert h.act(mod, "mod", type="comments", enabled=False)["accepted"]


def test_the_trainer_frees_any_seat_and_its_place() -> None:
    h = Harness()
    trainer, mod = live(h)
    host = h.join("host", role="host", name="Bu Sari")
    token = h.got["host"][0]["token"]
    assert h.try_join("h2", role="host").seat is None  # host_taken
    outcome = h.take(h.room.handle(trainer, FreeSeat(v=1, type="free_seat", seat=host.id, id=4),
                                   h.now), "tr")
    assert outcome.close == [host.id] and h.got["tr"][-1] == {
        "v": 1, "type": "ack", "id": 4, "accepted": True, "code": None, "hint": None,
        "undoable": False, "cid": None, "repeat": False}
    freed = [m for m in h.view("staff") if m["type"] == "room" and m["kind"] == "freed"]
    assert freed[-1]["data"] == {"seat": host.id, "name": "Bu Sari", "role": "host"}
    assert h.try_join("old", token=token).seat is None and h.got["old"][-1]["code"] == \
        "bad_token"
    assert h.send(host, Ping(v=1, type="ping"), "host")[-1]["code"] == "bad_token"  # a late message
    h.join("h3", role="host", name="Pak Budi")
    # A freed moderator's place is free again, and its actor is not given to anyone else.
    h.send(trainer, FreeSeat(v=1, type="free_seat", seat=mod.id))
    assert "Ani" not in h.room.session.room.moderators
    assert h.join("ani2", name="Ani").actor == "Ani-2"
    unknown = h.send(trainer, FreeSeat(v=1, type="free_seat", seat="s999"))[-1]
    assert unknown["code"] == "unknown_seat"


def test_a_note_is_acknowledged() -> None:
    h = Harness()
    trainer = h.join("tr", role="trainer", key=KEY)
    answer = h.send(trainer, Note(v=1, type="note", text="Halo", id=9))[-1]
    assert answer["type"] == "ack" and answer["id"] == 9 and answer["accepted"]


def test_the_live_leaderboard_carries_verdicts_only_when_the_trainer_wants() -> None:
    h = Harness()
    trainer, mod = live(h)
    harmful = _harmful_comment(h)
    assert h.act(mod, "mod", type="delete", comment=harmful)["accepted"]
    h.run(2_500)
    seat_board = [m for m in h.got["view:staff"] if m["type"] == "leaderboard"][-1]
    assert seat_board["verdicts"] is False
    assert seat_board["rows"] == [{"name": "Ani", "actor": "Ani", "seats": [mod.id],
                                   "actions": 1}]
    trainer_board = [m for m in h.got["view:trainer"] if m["type"] == "leaderboard"][-1]
    assert trainer_board["verdicts"] and trainer_board["rows"][0]["hits"] == 1
    h.send(trainer, SettingsMsg(v=1, type="settings", verdicts_live=True))
    seat_board = [m for m in h.got["view:staff"] if m["type"] == "leaderboard"][-1]
    assert seat_board["verdicts"] and seat_board["rows"][0]["points"] == 10


def test_the_debrief_gives_each_actor_only_its_own_detail() -> None:
    h = Harness()
    trainer, mod = live(h)
    other = h.join("b", name="Budi")
    harmful = _harmful_comment(h)
    assert h.act(mod, "mod", type="delete", comment=harmful)["accepted"]
    h.send(trainer, SettingsMsg(v=1, type="settings", leaderboard=False))
    h.control(trainer, "end")
    mine = [m for m in h.got["seat:" + mod.id] if m["type"] == "debrief"][-1]
    theirs = [m for m in h.got["seat:" + other.id] if m["type"] == "debrief"][-1]
    full = [m for m in h.got["seat:" + trainer.id] if m["type"] == "debrief"][-1]
    assert set(mine["scorecard"]["actors"]) == {"Ani"} and mine["you"]["hits"] == 1
    assert set(theirs["scorecard"]["actors"]) <= {"Budi"} and theirs["leaderboard"] == []
    item = next(i for i in theirs["scorecard"]["items"] if i["id"] == harmful)
    assert item["by"] is None and item["responses"] == []
    assert next(i for i in full["scorecard"]["items"] if i["id"] == harmful)["by"] == "Ani"


def test_seat_hits_count_what_a_keyword_filter_kept_off_the_screen() -> None:
    h = Harness()
    trainer = h.join("tr", role="trainer", key=KEY)
    mod = h.join("mod", name="Ani")
    h.control(trainer, "start")
    assert h.act(mod, "mod", type="filter_add", keyword="a")["accepted"]  # catches most
    h.send(trainer, InjectMsg(v=1, type="inject", kind=InjectKind.TROLL_RAID, count=20, over_s=5))
    h.run(8_000)
    h.control(trainer, "end")
    h.run(2_100)
    seats = [m for m in h.got["view:trainer"] if m["type"] == "seats"][-1]["seats"]
    row = next(s for s in seats if s["seat"] == mod.id)
    assert row["hits"] > 0 and row["seat_hits"] == row["hits"]
    ani = next(r for r in csv_rows(h.room.results_csv("id")) if r["Nama"] == "Ani")
    assert ani["Tepat (sendiri)"] == ani["Tindakan tepat"] == str(row["hits"])


def _harmful_comment(h: Harness) -> str:
    for msg in h.view("trainer"):
        event = msg.get("event", {})
        if event.get("type") == "comment" and event["hidden"] is None \
                and h.room.content.by_id[event["template"]].harmful \
                and event["id"] in h.room.session.room.stream:
            return str(event["id"])
    raise AssertionError("no harmful comment on screen")

