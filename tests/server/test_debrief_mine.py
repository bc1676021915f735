"""Each seat's own part of the debrief (``debrief.mine``, :mod:`debrief.personal`): her
hits, the harm the room missed, her false alarms, the host's unanswered questions, her
fastest and slowest act, and the tips that are hers; and the debrief kept for each
participant after a reset until the next run starts (docs/protocol.md, "debrief")."""

from __future__ import annotations

from typing import Any

import pytest

from protocol.inbound import InjectMsg, SettingsMsg
from scenarios.taxonomy import InjectKind
from server.seats import Seat

from .harness import KEY, Harness, hello


def _debrief(h: Harness, seat: Seat) -> dict[str, Any]:
    return [m for m in h.got["seat:" + seat.id] if m["type"] == "debrief"][-1]


def _comments(h: Harness, harmful: bool) -> list[dict[str, Any]]:
    """The comments on screen so far (trainer's view), harmful or harmless."""
    return [m["event"] for m in h.view("trainer") if m["type"] == "event"
            and m["event"]["type"] == "comment" and m["event"]["hidden"] is None
            and h.room.content.by_id[m["event"]["template"]].harmful is harmful]


def _raid(h: Harness, trainer: Seat, count: int = 8) -> None:
    h.send(trainer, InjectMsg(v=1, type="inject", kind=InjectKind.TROLL_RAID, count=count,
                              over_s=2))
    h.run(3_000)


@pytest.fixture
def h() -> Harness:
    return Harness()


def test_each_moderator_gets_her_own_figures_acts_and_tips(h: Harness) -> None:
    trainer = h.join("tr", role="trainer", key=KEY)
    ani = h.join("a", name="Ani")
    budi = h.join("b", name="Budi")
    h.control(trainer, "start")
    h.run(40_000)  # the scenario's own comments, harmless ones among them
    _raid(h, trainer)
    harmful = _comments(h, harmful=True)[::-1]  # the raid's, newest first: still in time
    harmless = _comments(h, harmful=False)
    assert len(harmful) >= 3 and harmless
    assert h.act(ani, "a", type="delete", comment=harmful[0]["id"])["accepted"]
    h.run(2_000)
    assert h.act(ani, "a", type="delete", comment=harmful[1]["id"])["accepted"]
    assert h.act(budi, "b", type="delete", comment=harmless[-1]["id"])["accepted"]
    h.run(1_000)
    h.control(trainer, "end")
    card = h.room.card
    assert card is not None
    missed = sum(1 for i in card.items if i.harmful and i.outcome.value in ("miss", "late"))

    mine = _debrief(h, ani)["mine"]
    assert (mine["hits"], mine["false_alarms"], mine["misses"]) == (2, 0, missed)
    assert mine["unanswered"] is None  # answering is the host's
    fastest, slowest = mine["fastest"], mine["slowest"]
    assert {fastest["comment"], slowest["comment"]} == {harmful[0]["id"], harmful[1]["id"]}
    assert fastest["reaction_ms"] <= slowest["reaction_ms"]
    assert fastest["response"] == "delete" and fastest["t"] - fastest["reaction_ms"] == \
        next(c["t"] for c in harmful if c["id"] == fastest["comment"])
    assert mine["tips"] and all(tip["code"] in ("miss", "late") for tip in mine["tips"])

    budi_mine = _debrief(h, budi)["mine"]
    assert (budi_mine["hits"], budi_mine["false_alarms"]) == (0, 1)
    assert budi_mine["fastest"] is None and budi_mine["slowest"] is None
    # Her own mistake comes first, with its time, in her language; at most three tips.
    first = budi_mine["tips"][0]
    assert first["code"] == "false_alarm" and first["comment"] == harmless[-1]["id"]
    assert first["text"].startswith("0:") and "“hapus”" in first["text"]
    assert any(line.startswith("Komentar: ") for line in first["detail"])
    assert len(budi_mine["tips"]) <= 3
    # Nobody else's false alarm is hers.
    assert not any(tip["code"] == "false_alarm" for tip in mine["tips"])


def test_in_team_mode_each_seat_counts_only_what_it_did(h: Harness) -> None:
    trainer = h.join("tr", role="trainer", key=KEY)
    h.send(trainer, SettingsMsg(v=1, type="settings", team_mode=True))
    ani = h.join("a", name="Ani", team="Melati")
    budi = h.join("b", name="Budi", team="Melati")
    h.control(trainer, "start")
    _raid(h, trainer)
    harmful = _comments(h, harmful=True)
    assert h.act(ani, "a", type="delete", comment=harmful[0]["id"])["accepted"]
    assert h.act(budi, "b", type="delete", comment=harmful[1]["id"])["accepted"]
    h.run(1_000)
    assert h.act(budi, "b", type="delete", comment=harmful[2]["id"])["accepted"]
    h.control(trainer, "end")
    ani_mine, budi_mine = _debrief(h, ani)["mine"], _debrief(h, budi)["mine"]
    assert (ani_mine["hits"], budi_mine["hits"]) == (1, 2)
    assert ani_mine["fastest"]["comment"] == harmful[0]["id"] and ani_mine["slowest"] is None
    assert {budi_mine["fastest"]["comment"], budi_mine["slowest"]["comment"]} == \
        {harmful[1]["id"], harmful[2]["id"]}


def test_the_host_learns_which_questions_went_unanswered(h: Harness) -> None:
    trainer = h.join("tr", role="trainer", key=KEY)
    host = h.join("host", role="host", name="Bu Sari")
    ani = h.join("a", name="Ani")
    obs = h.join("o", role="observer", name="Citra")
    h.control(trainer, "start")
    h.send(trainer, InjectMsg(v=1, type="inject", kind=InjectKind.QUESTION_WAVE, count=4,
                              over_s=2))
    h.run(3_000)
    questions = [c for c in _comments(h, harmful=False)
                 if h.room.content.by_id[c["template"]].category.value == "question"]
    assert len(questions) >= 2
    assert h.act(host, "host", type="answer", comment=questions[0]["id"])["accepted"]
    h.run(35_000)  # long enough for the others to count as unanswered (docs/scoring.md)
    h.control(trainer, "end")
    card = h.room.card
    assert card is not None
    asked = [i for i in card.items if i.category.value == "question"
             and i.outcome.value != "silenced"]
    debrief = _debrief(h, host)
    assert questions[0]["id"] in debrief["answered"]
    assert debrief["mine"]["unanswered"] == len(asked) - 1 >= 1
    assert any(tip["code"] == "unanswered" for tip in debrief["mine"]["tips"])
    # Every seat can tell an answered question from an unanswered one; answering is not a
    # moderator's, and an observer has no part of her own.
    assert _debrief(h, ani)["answered"] == debrief["answered"]
    assert _debrief(h, ani)["mine"]["unanswered"] is None
    assert _debrief(h, obs)["mine"] is None and _debrief(h, obs)["you"] is None


def test_the_debrief_is_kept_after_a_reset_until_the_next_start(h: Harness) -> None:
    trainer = h.join("tr", role="trainer", key=KEY)
    ani = h.join("a", name="Ani")
    h.control(trainer, "start")
    _raid(h, trainer)
    assert h.act(ani, "a", type="delete", comment=_comments(h, True)[0]["id"])["accepted"]
    h.control(trainer, "end")
    ended = _debrief(h, ani)
    assert ended["epoch"] == 0
    h.control(trainer, "reset")
    token = h.got["a"][0]["token"]

    # Her phone reconnects (a reload, a dropped hotspot): the welcome of the new run, then
    # her last run's debrief, the same as it was.
    h.try_join("a2", token=token, last_seq=0)
    welcome, *rest = h.got["a2"]
    assert welcome["type"] == "welcome" and welcome["epoch"] == 1
    assert welcome["state"]["status"] == "lobby"
    kept = [m for m in rest if m["type"] == "debrief"]
    assert len(kept) == 1 and kept[0]["epoch"] == 0
    assert kept[0]["mine"] == ended["mine"] and kept[0]["scorecard"] == ended["scorecard"]
    # Someone new, and the trainer, get none: it is hers, of a run they did not see.
    h.join("c", name="Citra")
    assert not any(m["type"] == "debrief" for m in h.got["c"])
    h.try_join("tr2", role="trainer", key=KEY)
    assert not any(m["type"] == "debrief" for m in h.got["tr2"])
    # The room restarted from its journal keeps it too.
    copy = h.restarted()
    h.take(copy.join(hello(room=copy.code, token=token, last_seq=0), h.now), "copy")
    assert [m for m in h.got["copy"] if m["type"] == "debrief"] == kept

    # The next run starts: no more.
    h.control(trainer, "start")
    h.try_join("a3", token=token, last_seq=0)
    assert not any(m["type"] == "debrief" for m in h.got["a3"])
