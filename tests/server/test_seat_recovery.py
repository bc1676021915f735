"""Seats that recover, over real websockets on 127.0.0.1 (docs/protocol.md, "Taking a seat
back"): a participant who joins again under her name waits for the trainer, who gives her
seat back (old token gone, points in one row) or a new one; the trainer's consoles share
one seat that is no participant; a ghost host's seat is freed for a new host."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from server.app import CLOSE_FREED

from .harness import csv_rows
from .helpers import Client, Running, ack_for, is_event, running_server


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 90))


async def _trainer(srv: Running) -> Client:
    trainer = await Client.open(srv.url)
    welcome = await trainer.join(srv.room.code, role="trainer", key=srv.room.trainer_key)
    assert welcome["type"] == "welcome"
    return trainer


async def _harmful(trainer: Client, srv: Running, skip: set[str]) -> str:
    """A harmful comment on screen that nobody acted on yet (the trainer sees templates)."""
    def harmful(m: dict[str, Any]) -> bool:
        event = m["event"] if m["type"] == "event" else {}
        return is_event("comment")(m) and event["hidden"] is None and event["id"] not in skip \
            and srv.room.content.by_id[event["template"]].harmful
    msg = await trainer.until(harmful, timeout=30)
    return str(msg["event"]["id"])


async def _waiting_row(trainer: Client, name: str) -> dict[str, Any]:
    msg = await trainer.until(lambda m: m["type"] == "rejoins" and any(
        r["name"] == name for r in m["waiting"]))
    return next(r for r in msg["waiting"] if r["name"] == name)


def test_the_trainer_gives_a_seat_back_and_her_points_stay_in_one_row(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            trainer = await _trainer(srv)
            phone = await Client.open(srv.url)
            first = await phone.join(srv.room.code, name="Bu Wati")
            await trainer.send(type="control", command="start")
            await trainer.send(type="inject", kind="troll_raid", count=10, over_s=2)
            one = await _harmful(trainer, srv, set())
            ident = await phone.send(type="action", action={"type": "delete", "comment": one})
            assert (await phone.until(ack_for(ident)))["accepted"]
            # Her phone's browser lost the seat; she opens the page on a laptop.
            laptop = await Client.open(srv.url)
            await laptop.send(type="hello", room=srv.room.code, name="bu wati", id=5)
            waiting = await laptop.until(lambda m: m["type"] in ("waiting", "welcome", "error"))
            assert waiting["type"] == "waiting" and waiting["reason"] == "rejoin"
            assert waiting["id"] == 5 and "Bu Wati" in waiting["message"]
            row = await _waiting_row(trainer, "bu wati")
            assert row["seat"] == first["seat"] and row["online"] is True
            # While she waits, she has no seat: an action is refused.
            assert (await laptop.until(ack_for(await laptop.send(
                type="action", action={"type": "unpin"}))))["code"] == "not_joined"
            ident = await trainer.send(type="rejoin", request=row["request"], give_seat=True)
            assert (await trainer.until(ack_for(ident)))["accepted"]
            assert (await trainer.until(lambda m: m["type"] == "rejoins"))["waiting"] == []
            welcome = await laptop.until(lambda m: m["type"] == "welcome")
            assert welcome["seat"] == first["seat"] and welcome["actor"] == "Bu Wati"
            assert welcome["resumed"] is True and welcome["token"] != first["token"]
            # The phone is closed (4000, "seat moved"), and its token no longer works.
            with pytest.raises(ConnectionClosed):
                while True:
                    await phone.next()
            assert phone.ws.close_code == CLOSE_FREED and phone.ws.close_reason == "seat moved"
            stale = await Client.open(srv.url)
            assert (await stale.join(srv.room.code, token=first["token"]))["code"] == \
                "bad_token"
            # She moderates on from the laptop: the same actor, the same row.
            two = await _harmful(trainer, srv, {one})
            ident = await laptop.send(type="action", action={"type": "delete", "comment": two})
            assert (await laptop.until(ack_for(ident)))["accepted"]
            await trainer.send(type="control", command="end")
            debrief = await trainer.until(lambda m: m["type"] == "debrief")
            rows = debrief["leaderboard"]
            assert [r["actor"] for r in rows] == ["Bu Wati"]
            assert rows[0]["seats"] == [first["seat"]] and rows[0]["hits"] == 2
            mine = await laptop.until(lambda m: m["type"] == "debrief")
            assert mine["you"]["hits"] == 2 and mine["you"]["actions_sent"] == 2
            for client in (trainer, laptop, stale):
                await client.close()
    run(scenario())


def test_a_refused_rejoin_joins_as_a_new_seat(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            trainer = await _trainer(srv)
            sari = await Client.open(srv.url)
            first = await sari.join(srv.room.code, name="Sari")
            other = await Client.open(srv.url)
            assert (await other.join(srv.room.code, name="Sari"))["type"] == "waiting"
            row = await _waiting_row(trainer, "Sari")
            ident = await trainer.send(type="rejoin", request=row["request"], give_seat=False)
            assert (await trainer.until(ack_for(ident)))["accepted"]
            welcome = await other.until(lambda m: m["type"] == "welcome")
            assert welcome["seat"] != first["seat"] and welcome["actor"] == "Sari-2"
            assert welcome["resumed"] is False
            # The first Sari keeps her seat and token.
            again = await Client.open(srv.url)
            assert (await again.join(srv.room.code, token=first["token"]))["seat"] == \
                first["seat"]
            # Deciding twice, or about nobody: unknown_request.
            ident = await trainer.send(type="rejoin", request=row["request"], give_seat=True)
            assert (await trainer.until(ack_for(ident)))["code"] == "unknown_request"
            for client in (trainer, sari, other, again):
                await client.close()
    run(scenario())


def test_a_waiting_joiner_who_leaves_is_no_longer_asked_about(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            trainer = await _trainer(srv)
            host = await Client.open(srv.url)
            await host.join(srv.room.code, role="host", name="Bu Sari")
            # A host who lost her browser session asks for the host's seat back.
            back = await Client.open(srv.url)
            waiting = await back.join(srv.room.code, role="host", name="Bu Sari")
            assert waiting["type"] == "waiting"
            row = await _waiting_row(trainer, "Bu Sari")
            assert row["role"] == "host"
            await back.close()
            assert (await trainer.until(lambda m: m["type"] == "rejoins"))["waiting"] == []
            ident = await trainer.send(type="rejoin", request=row["request"], give_seat=True)
            assert (await trainer.until(ack_for(ident)))["code"] == "unknown_request"
            for client in (trainer, host):
                await client.close()
    run(scenario())


def test_without_a_trainer_console_a_same_name_joins_as_before(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            a, b = await Client.open(srv.url), await Client.open(srv.url)
            await a.join(srv.room.code, name="Ani")
            assert (await b.join(srv.room.code, name="Ani"))["actor"] == "Ani-2"
            for client in (a, b):
                await client.close()
    run(scenario())


def test_the_trainers_consoles_are_one_seat_and_no_participant(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            one = await _trainer(srv)
            two = await Client.open(srv.url)
            second = await two.join(srv.room.code, role="trainer", key=srv.room.trainer_key)
            first = one.received[0]
            assert second["seat"] == first["seat"] and second["token"] != first["token"]
            wrong = await Client.open(srv.url)
            assert (await wrong.join(srv.room.code, role="trainer", key="nope"))["code"] == \
                "unauthorised"
            ani = await Client.open(srv.url)
            await ani.join(srv.room.code, name="Ani")
            seats = await one.until(lambda m: m["type"] == "seats" and len(m["seats"]) == 2
                                    and any(s["connections"] == 2 for s in m["seats"]))
            trainers = [s for s in seats["seats"] if s["role"] == "trainer"]
            assert len(trainers) == 1 and trainers[0]["harm"] is None
            assert next(s for s in seats["seats"] if s["role"] == "moderator")["harm"] == 0
            # Both consoles keep working: the first console's token resumes too.
            again = await Client.open(srv.url)
            assert (await again.join(srv.room.code, token=first["token"]))["seat"] == \
                first["seat"]
            await one.send(type="control", command="start")
            await one.send(type="control", command="end")
            debrief = await two.until(lambda m: m["type"] == "debrief")
            assert [r["name"] for r in debrief["leaderboard"]] == ["Ani"]
            ident = await two.send(type="export", format="csv")
            export = await two.until(lambda m: m["type"] == "export" and m["id"] == ident)
            assert [r["Nama"] for r in csv_rows(export["content"])] == ["Ani"]
            saved = await two.until(lambda m: m["type"] == "saved")
            assert saved["epoch"] == 0 and saved["error"] is None
            assert [Path(f).name for f in saved["files"]] == ["gladi-123456-0.csv",
                                                              "gladi-123456-0.json"]
            assert all(Path(f).exists() for f in saved["files"])
            # A console that opens after the end learns where the results are, too.
            late = await Client.open(srv.url)
            await late.join(srv.room.code, role="trainer", key=srv.room.trainer_key)
            assert (await late.until(lambda m: m["type"] == "saved"))["files"] == saved["files"]
            for client in (one, two, wrong, ani, again, late):
                await client.close()
    run(scenario())


def test_the_trainer_frees_a_ghost_hosts_seat_and_a_new_host_joins(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            trainer = await _trainer(srv)
            ghost = await Client.open(srv.url)
            welcome = await ghost.join(srv.room.code, role="host", name="Bu Sari")
            await ghost.close()  # her phone is gone; the seat still holds the host's place
            seats = await trainer.until(lambda m: m["type"] == "seats" and any(
                s["role"] == "host" and not s["online"] for s in m["seats"]))
            host_row = next(s for s in seats["seats"] if s["role"] == "host")
            assert host_row["seat"] == welcome["seat"] and host_row["harm"] == 0
            pak = await Client.open(srv.url)
            assert (await pak.join(srv.room.code, role="host", name="Pak RT"))["code"] == \
                "host_taken"
            ident = await trainer.send(type="free_seat", seat=host_row["seat"])
            assert (await trainer.until(ack_for(ident)))["accepted"]
            joined = await pak.join(srv.room.code, role="host", name="Pak RT")
            assert joined["type"] == "welcome" and joined["role"] == "host"
            assert joined["actor"] == "host" and joined["seat"] != welcome["seat"]
            for client in (trainer, pak):
                await client.close()
    run(scenario())
