"""Kill the server with SIGKILL, restart it on the same data folder, lose nothing acknowledged."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from .helpers import Client, ack_for, is_event
from .serverproc import ServerProcess


def test_sigkill_and_restart_keeps_every_acknowledged_action(tmp_path: Path) -> None:
    data = tmp_path / "data"

    async def before(server: ServerProcess) -> dict[str, Any]:
        trainer = await Client.open(server.url)
        await trainer.join(server.code, role="trainer", key=server.key)
        seat = await Client.open(server.url)
        welcome = await seat.join(server.code, name="Ani")
        await trainer.send(type="control", command="start")
        # A raid now, so the first comments come within a second, not in seven.
        await trainer.send(type="inject", kind="troll_raid", count=5, over_s=1)
        acked = []
        for _ in range(3):
            msg = await seat.until(lambda m: is_event("comment")(m)
                                   and m["event"]["hidden"] is None, timeout=30)
            ident = await seat.send(type="action", action={"type": "delete",
                                                           "comment": msg["event"]["id"]})
            ack = await seat.until(ack_for(ident))
            assert ack["accepted"], ack
            acked.append(msg["event"]["id"])
        ident = await trainer.send(type="inject", kind="hoax_wave", count=3, over_s=5)
        await trainer.until(ack_for(ident))
        # Everything the seat saw up to here (the last action included) must come back.
        # (The hidden event precedes the ack, so it has been received already.)
        assert any(is_event("hidden")(m) and acked[-1] in m["event"]["comments"]
                   for m in seat.received)
        seen = [m for m in seat.events()]
        return {"token": welcome["token"], "seat": welcome["seat"], "acked": acked,
                "seen": seen}

    async def after(server: ServerProcess, state: dict[str, Any]) -> None:
        seat = await Client.open(server.url)
        welcome = await seat.join(server.code, token=state["token"], last_seq=0)
        assert welcome["type"] == "welcome" and welcome["seat"] == state["seat"]
        assert welcome["state"]["status"] == "paused"  # restored rooms wait for the trainer
        replayed = [await seat.next() for _ in range(welcome["replay"])]
        before_seqs = {m["seq"]: m for m in state["seen"]}
        # Every event the seat saw before the kill replays identically, up to the last action.
        last_action_seq = max(m["seq"] for m in state["seen"]
                              if is_event("hidden")(m)
                              and state["acked"][-1] in m["event"]["comments"])
        by_seq = {m["seq"]: m for m in replayed}
        for seq in range(1, last_action_seq + 1):
            if seq in before_seqs:
                assert {**by_seq[seq], "replay": False} == {**before_seqs[seq], "replay": False}
        deleted = {cid for m in replayed if is_event("hidden")(m)
                   for cid in m["event"]["comments"]}
        assert set(state["acked"]) <= deleted
        # The restored room keeps working: the trainer resumes it and the seat acts again.
        trainer = await Client.open(server.url)
        tw = await trainer.join(server.code, role="trainer", key=server.key)
        assert tw["type"] == "welcome"
        ident = await trainer.send(type="control", command="resume")
        assert (await trainer.until(ack_for(ident)))["accepted"]
        await seat.until(lambda m: m["type"] == "room" and m["kind"] == "resumed")
        await seat.close()
        await trainer.close()

    with ServerProcess(data) as first:
        state = asyncio.run(asyncio.wait_for(before(first), 60))
        first.kill()
    with ServerProcess(data) as second:
        assert second.code == first.code and second.key == first.key
        asyncio.run(asyncio.wait_for(after(second, state), 60))


KILLS = 10


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return {**a, "replay": False} == {**b, "replay": False}


def test_a_kill_right_after_a_clock_driven_comment_never_gives_a_number_two_meanings(
        tmp_path: Path) -> None:
    """docs/protocol.md promises identical sequence numbers after a restart. Ten times: the
    trainer resumes, the seat deletes a comment (acknowledged), the next comment the clock
    brings arrives, and the server is killed at once. After each restart the seat comes
    back with its last number and gets the restored pause; over all rounds, every number
    it ever saw means one message, and no acknowledged deletion is lost."""
    data = tmp_path / "data"
    seen: dict[int, dict[str, Any]] = {}
    acked: list[str] = []
    token = ""

    def keep(messages: list[dict[str, Any]]) -> None:
        for m in messages:
            if m["type"] in ("event", "room"):
                assert m["seq"] not in seen or _same(seen[m["seq"]], m), (seen[m["seq"]], m)
                seen[m["seq"]] = m

    async def round_(server: ServerProcess, first: bool) -> None:
        nonlocal token
        trainer = await Client.open(server.url)
        await trainer.join(server.code, role="trainer", key=server.key)
        seat = await Client.open(server.url)
        if first:
            welcome = await seat.join(server.code, name="Ani")
            token = welcome["token"]
            await trainer.send(type="control", command="start")
            await trainer.send(type="inject", kind="troll_raid", count=200, over_s=120)
        else:
            welcome = await seat.join(server.code, token=token, last_seq=max(seen))
            replayed = [await seat.next() for _ in range(welcome["replay"])]
            keep(replayed)
            assert any(m["type"] == "room" and m["kind"] == "paused"
                       and m["data"]["reason"] == "restored" for m in replayed), replayed
            ident = await trainer.send(type="control", command="resume")
            assert (await trainer.until(ack_for(ident)))["accepted"]
        comment = await seat.until(lambda m: is_event("comment")(m)
                                   and m["event"]["hidden"] is None, timeout=30)
        ident = await seat.send(type="action", action={"type": "delete",
                                                       "comment": comment["event"]["id"]})
        ack = await seat.until(ack_for(ident))
        if ack["accepted"]:
            acked.append(comment["event"]["id"])
        # The next comment comes from the clock alone: kill the server the moment it lands.
        after = len(seat.received)
        await seat.until(lambda m: is_event("comment")(m) and seat.received.index(m) >= after,
                         timeout=30)
        server.kill()
        keep(seat.received)

    for i in range(KILLS):
        with ServerProcess(data) as server:
            asyncio.run(asyncio.wait_for(round_(server, first=i == 0), 60))
    with ServerProcess(data) as server:
        async def last() -> None:
            seat = await Client.open(server.url)
            welcome = await seat.join(server.code, token=token, last_seq=0)
            replayed = [await seat.next() for _ in range(welcome["replay"])]
            keep(replayed)
            deleted = {cid for m in replayed if is_event("hidden")(m)
                       for cid in m["event"]["comments"]}
            assert set(acked) <= deleted and len(acked) >= KILLS - 1
            await seat.close()
        asyncio.run(asyncio.wait_for(last(), 60))
