"""The sans-I/O drill room: roles, visibility, clock, conflicts, reset and restore."""

from __future__ import annotations

import json

import pytest

from moderation.sessionfile import parse, replay
from moderation.values import to_json
from protocol.inbound import Command, Control, Export, InjectMsg, Note, SettingsMsg
from protocol.roles import View
from scenarios import load_content
from scenarios.taxonomy import InjectKind
from server.room import DRILL_MODERATORS
from server.seats import Seat

from .harness import KEY, Harness, csv_rows


@pytest.fixture
def h() -> Harness:
    return Harness()


def started(h: Harness) -> tuple[Seat, Seat, Seat, Seat]:
    trainer = h.join("tr", role="trainer", key=KEY)
    a = h.join("a", name="Ani")
    b = h.join("b", name="Budi")
    obs = h.join("o", role="observer", name="Citra")
    h.control(trainer, "start")
    h.run(20_000)
    return trainer, a, b, obs


def test_seats_never_receive_ground_truth(h: Harness) -> None:
    trainer, a, b, obs = started(h)
    h.send(trainer, InjectMsg(v=1, type="inject", kind=InjectKind.TROLL_RAID, count=10))
    h.send(trainer, InjectMsg(v=1, type="inject", kind=InjectKind.GUEST_REQUEST, troll=True))
    h.run(30_000)
    h.act(a, type="block", viewer="nobody")  # a rejection: trainer and the actor only
    seen = [m["event"] for v in ("staff", "observer") for m in h.view(v) if m["type"] == "event"]
    kinds = {e["type"] for e in seen}
    assert "comment" in kinds and "rejected" not in kinds
    for event in seen:
        if event["type"] == "comment":
            assert "template" not in event and "slots" not in event
        if event["type"] == "guest_request":
            assert "troll" not in event
        if event["type"] == "audience":
            assert {v["persona"] for v in event["joined"]} <= {"lurker", "midwife", "village_head"}
    truth = [m["event"] for m in h.view("trainer") if m["type"] == "event"
             and m["event"]["type"] == "comment"]
    assert truth and all(e["template"] for e in truth)
    assert any(m["event"]["type"] == "rejected" for m in h.view("trainer") if m["type"] == "event")
    # The trainer's welcome carries the answer key; a seat's never does.
    assert "templates" in h.got["tr"][0]["state"]
    assert "templates" not in h.got["a"][0]["state"]
    assert all("explanation" not in json.dumps(m) for m in h.got["a"] + h.got["o"])


def test_each_view_is_numbered_without_gaps(h: Harness) -> None:
    started(h)
    h.run(10_000)
    for view in ("trainer", "staff", "observer"):
        seqs = [m["seq"] for m in h.view(view)]
        assert seqs == list(range(1, len(seqs) + 1)), view


def test_filtered_comments_reach_staff_but_not_observers(h: Harness) -> None:
    trainer, a, b, obs = started(h)
    assert h.act(a, type="filter_add", keyword="a")["accepted"]  # catches nearly everything
    h.run(20_000)
    staff = [m["event"] for m in h.view("staff") if m["type"] == "event"
             and m["event"]["type"] == "comment"]
    observer = [m["event"] for m in h.view("observer") if m["type"] == "event"
                and m["event"]["type"] == "comment"]
    assert any(e["hidden"] == "filter" for e in staff)
    assert not any(e["hidden"] == "filter" for e in observer)


def test_block_applies_to_everyone_and_a_duplicate_is_credited_to_the_first(h: Harness) -> None:
    trainer, a, b, obs = started(h)
    comment = h.first_comment()
    first = h.act(a, "a", type="block", viewer=comment["viewer"], comment=comment["id"])
    second = h.act(b, "b", type="block", viewer=comment["viewer"], comment=comment["id"])
    assert first["accepted"] and not second["accepted"]
    assert second["code"] == "already_blocked" and second["hint"]
    for view in ("staff", "observer", "trainer"):
        hidden = [m["event"] for m in h.view(view) if m["type"] == "event"
                  and m["event"]["type"] == "hidden"]
        assert any(comment["id"] in e["comments"] and e["by"] == "Ani" for e in hidden), view


def test_observers_cannot_act_and_seats_cannot_drive_the_room(h: Harness) -> None:
    trainer, a, b, obs = started(h)
    comment = h.first_comment()
    assert h.act(obs, "o", type="delete", comment=comment["id"])["code"] == "unauthorised"
    assert h.send(a, Control(v=1, type="control", command=Command.END), "a")[-1]["code"] == \
        "unauthorised"
    assert h.send(a, Export(v=1, type="export", format="csv"), "a")[-1]["code"] == \
        "unauthorised"
    # Stamping one's own time or actor, or sending a trainer-only action, is refused.
    assert h.act(a, "a", type="delete", comment=comment["id"], actor="host")["code"] == "invalid"
    assert h.act(a, "a", type="inject", kind="troll_raid")["code"] == "invalid"
    assert h.act(a, "a", type="moderator_add", name="x")["code"] == "invalid"
    assert h.act(a, "a", type="delete")["code"] == "invalid"


def test_wrong_trainer_key_and_unknown_token_are_refused(h: Harness) -> None:
    out = h.try_join("x", role="trainer", key="salah")
    assert out.seat is None and h.got["x"][-1]["code"] == "unauthorised"
    out = h.try_join("y", token="nope")
    assert out.seat is None and h.got["y"][-1]["code"] == "bad_token"


def test_one_host_only() -> None:
    h = Harness()
    h.join("h1", role="host", name="Bu Sari")
    out = h.try_join("h2", role="host", name="X")
    assert out.seat is None and h.got["h2"][-1]["code"] == "host_taken"


def test_actions_wait_for_the_start_and_pause_stops_the_clock(h: Harness) -> None:
    trainer = h.join("tr", role="trainer", key=KEY)
    a = h.join("a", name="Ani")
    assert h.act(a, "a", type="comments", enabled=False)["code"] == "bad_state"
    h.control(trainer, "start")
    h.run(5_000)
    t_paused = h.room.room_time(h.now)
    assert t_paused == 5_000
    h.control(trainer, "pause")
    h.run(60_000)
    assert h.room.room_time(h.now) == t_paused and h.room.session.now == t_paused
    assert h.act(a, "a", type="comments", enabled=False)["code"] == "bad_state"
    h.control(trainer, "resume")
    h.run(1_000)
    assert h.room.room_time(h.now) == t_paused + 1_000
    assert h.control(trainer, "resume")[-1]["code"] == "bad_state"


def test_reset_really_resets(h: Harness) -> None:
    trainer, a, b, obs = started(h)
    comment = h.first_comment()
    h.act(a, type="block", viewer=comment["viewer"], comment=comment["id"])
    h.send(trainer, InjectMsg(v=1, type="inject", kind=InjectKind.GIFT_STORM))
    h.run(5_000)
    h.control(trainer, "reset")
    room = h.room
    assert room.status == "lobby" and room.epoch == 1 and room.session.now == 0
    assert not room.session.room.blocked and room.seats[a.id].actions == 0
    assert set(room.session.room.moderators) == {"Ani", "Budi"}
    reset_msgs = [m for m in h.view("observer") if m["type"] == "room" and m["kind"] == "reset"]
    assert reset_msgs and reset_msgs[-1]["data"]["epoch"] == 1
    # After the reset the room plays exactly like a fresh one with the same seats.
    h.control(trainer, "start")
    h.run(15_000)
    fresh = Harness()
    fresh.join("tr", role="trainer", key=KEY)
    fresh.join("a", name="Ani")
    fresh.join("b", name="Budi")
    fresh.control(fresh.room.seats["s1"], "start")
    fresh.run(15_000)
    strip = [e for e in room.session.events if e.t > 0]
    assert [e for e in fresh.room.session.events if e.t > 0] == strip


def test_replaying_the_log_restores_the_room_exactly(h: Harness) -> None:
    trainer, a, b, obs = started(h)
    comment = h.first_comment()
    h.act(a, type="mute", viewer=comment["viewer"], duration=30, comment=comment["id"])
    h.send(trainer, SettingsMsg(v=1, type="settings", leaderboard=False))
    h.send(trainer, Note(v=1, type="note", text="Bagus!"))
    h.send(trainer, InjectMsg(v=1, type="inject", kind=InjectKind.HOAX_WAVE))
    h.control(trainer, "pause")
    h.control(trainer, "resume")
    h.run(7_300)
    copy = h.restarted()
    assert copy.session.now == max(r.t for r in h.journal.records())
    for view in View:
        restored = copy.views.log(view)
        assert restored == h.room.views.log(view)[:len(restored)]
        assert len(h.room.views.log(view)) - len(restored) < 50
    assert copy.settings.leaderboard is False
    assert {s.token_hash for s in copy.seats} == {s.token_hash for s in h.room.seats}


def test_team_mode_shares_credit(h: Harness) -> None:
    trainer = h.join("tr", role="trainer", key=KEY)
    h.send(trainer, SettingsMsg(v=1, type="settings", team_mode=True))
    a = h.join("a", name="Ani", team="Melati")
    b = h.join("b", name="Budi", team="Melati")
    c = h.join("c", name="Cici", team="Mawar")
    assert a.actor == b.actor == "tim Melati" and c.actor == "tim Mawar"
    assert h.send(trainer, SettingsMsg(v=1, type="settings", team_mode=False))[-1]["code"] == \
        "bad_state"
    h.control(trainer, "start")
    h.run(30_000)
    h.control(trainer, "end")
    board = [m for m in h.got["view:trainer"] if m["type"] == "leaderboard"][-1]["rows"]
    assert sorted(r["name"] for r in board) == ["Mawar", "Melati"]
    assert sorted(next(r for r in board if r["name"] == "Melati")["seats"]) == [a.id, b.id]


def test_sixty_kader_moderate_individually_and_the_room_fills_at_its_limit() -> None:
    """A village-hall drill of sixty needs no team mode; past the room's limit it is full."""
    h = Harness()
    assert DRILL_MODERATORS >= 60 and h.room.scenario.settings.max_moderators == DRILL_MODERATORS
    for i in range(DRILL_MODERATORS):
        h.join(f"m{i}", name=f"Kader {i}")
    out = h.try_join("late", name="Satu lagi")
    assert out.seat is None and h.got["late"][-1]["code"] == "room_full"
    h.join("obs", role="observer")  # observers do not take a moderator place


def test_end_sends_the_debrief_with_the_answer_key_and_exports(h: Harness) -> None:
    trainer, a, b, obs = started(h)
    comment = h.first_comment()
    h.act(a, type="delete", comment=comment["id"])
    h.send(trainer, SettingsMsg(v=1, type="settings", leaderboard=False))
    h.control(trainer, "end")
    debrief = [m for m in h.got["seat:" + a.id] if m["type"] == "debrief"][-1]
    assert debrief["you"]["actions_sent"] == 1 and debrief["leaderboard"] == []
    assert debrief["scorecard"]["items"] and debrief["truth"]
    trainer_debrief = [m for m in h.got["seat:" + trainer.id] if m["type"] == "debrief"][-1]
    assert trainer_debrief["leaderboard"]
    csv_text = h.send(trainer, Export(v=1, type="export", format="csv"), "tr")[-1]["content"]
    rows = csv_rows(csv_text)  # Indonesian: ";" and Indonesian headers, the trainer left out
    assert list(rows[0])[:5] == ["Ruangan", "Putaran", "Skenario", "Tempat duduk", "Nama"]
    assert len(rows) == 3 and trainer.name not in {r["Nama"] for r in rows}
    session = json.loads(h.send(trainer, Export(v=1, type="export", format="session"),
                                "tr")[-1]["content"])
    assert session["format"] == "gladi-session" and session["meta"]["room"] == "111111"
    assert h.control(trainer, "pause")[-1]["code"] == "bad_state"


def test_the_host_seat_hosts_and_moderators_may_not(h: Harness) -> None:
    trainer = h.join("tr", role="trainer", key=KEY)
    host = h.join("host", role="host", name="Bu Sari")
    mod = h.join("a", name="Ani")
    assert host.actor == "host"
    h.control(trainer, "start")
    h.send(trainer, InjectMsg(v=1, type="inject", kind=InjectKind.OFFICIAL_JOINS, count=1,
                              role="village_head"))
    h.send(trainer, InjectMsg(v=1, type="inject", kind=InjectKind.GIFT_STORM, count=3, over_s=2))
    h.run(5_000)
    staff = [m["event"] for m in h.view("staff") if m["type"] == "event"]
    official = next(e for e in staff if e["type"] == "official")
    gift = next(e for e in staff if e["type"] == "gift")
    assert h.act(host, "host", type="welcome", viewer=official["viewer"])["accepted"]
    assert h.act(host, "host", type="thank", target=gift["id"])["accepted"]
    assert h.act(host, "host", type="talk", duration=5000)["accepted"]
    # Hosting is the host's: the role table refuses it before the engine sees it.
    for action in ({"type": "talk", "duration": 5000},
                   {"type": "welcome", "viewer": official["viewer"]},
                   {"type": "thank", "target": gift["id"]},
                   {"type": "answer", "comment": h.first_comment()["id"]}):
        assert h.act(mod, "a", **action)["code"] == "unauthorised", action


def test_export_before_anything_happened(h: Harness) -> None:
    trainer = h.join("tr", role="trainer", key=KEY)
    csv_text = h.send(trainer, Export(v=1, type="export", format="csv"), "tr")[-1]["content"]
    assert csv_rows(csv_text) == []  # the trainer is no participant: the header only
    session = h.send(trainer, Export(v=1, type="export", format="session"), "tr")[-1]
    record = parse(session["content"])
    # A session file of a drill that has not started: nothing posted, nothing done by a seat,
    # and it replays to the very same events (replaying ends the session at its end_t).
    assert record.end_t == 0 and record.events
    assert {e["t"] for e in record.events} == {0}
    assert not any(e["type"] == "comment" for e in record.events)
    assert all(a.t == 0 and a.actor == "host" for a in record.inputs)
    replayed = replay(record, load_content(record.scenario))
    assert [to_json(e) for e in replayed.events] == [*record.events, {"type": "end", "t": 0}]


def test_hidden_leaderboard_reaches_only_the_trainer(h: Harness) -> None:
    trainer, a, b, obs = started(h)
    comment = h.first_comment()
    h.act(a, type="delete", comment=comment["id"])
    h.send(trainer, SettingsMsg(v=1, type="settings", leaderboard=False))
    h.run(5_000)
    seat_boards = [m for m in h.got["view:staff"] + h.got["view:observer"]
                   if m["type"] == "leaderboard"]
    trainer_boards = [m for m in h.got["view:trainer"] if m["type"] == "leaderboard"]
    assert seat_boards[-1] == {"type": "leaderboard", "v": 1, "visible": False,
                               "verdicts": False, "rows": []}
    assert trainer_boards[-1]["visible"] is False and trainer_boards[-1]["rows"]
    h.send(trainer, SettingsMsg(v=1, type="settings", leaderboard=True))
    seat_boards = [m for m in h.got["view:staff"] if m["type"] == "leaderboard"]
    assert seat_boards[-1]["visible"] and seat_boards[-1]["rows"][0]["name"] in ("Ani", "Budi")


def test_team_mode_still_credits_each_seat_for_its_own_hits(h: Harness) -> None:
    trainer = h.join("tr", role="trainer", key=KEY)
    h.send(trainer, SettingsMsg(v=1, type="settings", team_mode=True))
    a = h.join("a", name="Ani", team="Melati")
    b = h.join("b", name="Budi", team="Melati")
    h.control(trainer, "start")
    h.send(trainer, InjectMsg(v=1, type="inject", kind=InjectKind.TROLL_RAID, count=6, over_s=2))
    h.run(3_000)
    harmful = [m["event"] for m in h.view("trainer") if m["type"] == "event"
               and m["event"]["type"] == "comment" and m["event"]["hidden"] is None
               and h.room.content.by_id[m["event"]["template"]].harmful]
    assert len(harmful) >= 3
    assert h.act(a, "a", type="delete", comment=harmful[0]["id"])["accepted"]
    assert h.act(a, "a", type="delete", comment=harmful[1]["id"])["accepted"]
    assert h.act(b, "b", type="delete", comment=harmful[2]["id"])["accepted"]
    h.control(trainer, "end")
    h.run(3_000)  # seat activity goes out on the next refresh
    seats = [m for m in h.got["view:trainer"] if m["type"] == "seats"][-1]["seats"]
    by_seat = {s["seat"]: s for s in seats}
    assert by_seat[a.id]["hits"] == by_seat[b.id]["hits"] == 3  # the team's
    assert by_seat[a.id]["seat_hits"] == 2 and by_seat[b.id]["seat_hits"] == 1
    csv_text = h.send(trainer, Export(v=1, type="export", format="csv"), "tr")[-1]["content"]
    rows = {row["Nama"]: row for row in csv_rows(csv_text)}
    assert rows["Ani"]["Tepat (sendiri)"] == "2"


def test_a_token_without_last_seq_resumes_with_a_snapshot_only(h: Harness) -> None:
    trainer, a, b, obs = started(h)
    token = h.got["a"][0]["token"]
    out = h.try_join("a2", token=token)
    welcome = h.got["a2"][0]
    assert out.seat is a and welcome["resumed"] is True and welcome["replay"] == 0
    assert welcome["seq"] == h.room.views.seq(a.view)


def test_a_seat_undoes_its_own_slip_within_the_undo_window(h: Harness) -> None:
    trainer, a, b, obs = started(h)
    undo_ms = h.got["a"][0]["state"]["undo_ms"]
    assert undo_ms == 5000
    comments = [m["event"] for m in h.view("staff") if m["type"] == "event"
                and m["event"]["type"] == "comment" and m["event"]["hidden"] is None]
    first = comments[0]
    # Two comments the block below leaves on screen, to pin.
    one, two = [c for c in comments if c["viewer"] != first["viewer"]][:2]
    # A block: only the seat that blocked may take it back.
    assert h.act(a, "a", type="block", viewer=first["viewer"], comment=first["id"])["accepted"]
    refused = h.act(b, "b", type="undo")
    assert not refused["accepted"] and refused["code"] == "nothing_to_undo" and refused["hint"]
    assert h.act(a, "a", type="undo")["accepted"]
    for view in ("staff", "observer", "trainer"):
        undone = [m["event"] for m in h.view(view) if m["type"] == "event"
                  and m["event"]["type"] == "undone"]
        assert [(e["action"]["type"], e["action"]["viewer"]) for e in undone] == [
            ("block", first["viewer"])], view
    assert first["viewer"] not in h.room.session.room.blocked
    # A pin undone brings back the pin before it, for every seat.
    assert h.act(b, "b", type="pin", comment=one["id"])["accepted"]
    assert h.act(a, "a", type="pin", comment=two["id"])["accepted"]
    assert h.act(a, "a", type="undo")["accepted"]
    last = [m["event"] for m in h.view("observer") if m["type"] == "event"][-1]
    assert last["type"] == "undone" and last["pinned"] == one["id"]
    assert h.room.session.room.pinned == one["id"]
    # Comments off, and the window runs out: the switch stays off.
    assert h.act(a, "a", type="comments", enabled=False)["accepted"]
    h.run(undo_ms + 100)
    late = h.act(a, "a", type="undo")
    assert not late["accepted"] and late["code"] == "nothing_to_undo"
    assert not h.room.session.room.comments_enabled
    # The journal replays the undos to the same room.
    copy = h.restarted()
    assert copy.session.room.pinned == one["id"] and not copy.session.room.blocked
