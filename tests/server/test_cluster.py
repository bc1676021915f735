"""Two workers on a real Redis: seats through both, the holder killed, nothing acknowledged lost.

``python -m server … --redis URL`` runs a worker (server/cluster.py); each worker
is a process, killed with SIGKILL like a machine that lost power.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import redis

from moderation.sessionfile import parse, replay, scorecard_of
from scenarios import load_content
from tests.realparts import needs

from .day_helpers import DayClient, delete_some, http_get, seat_room
from .helpers import Client, ack_for, is_event
from .redisproc import REDIS, redis_server
from .serverproc import ServerProcess

pytestmark = needs(REDIS, "redis-server")

LEASE_MS = 1500


def _worker(folder: Path, url: str, name: str) -> ServerProcess:
    return ServerProcess(folder, "serbuan-troll",
                         ["--redis", url, "--worker", name, "--lease-ms", str(LEASE_MS)])


async def _resume(urls: list[str], code: str, token: str, last_seq: int) -> tuple[Client,
                                                                                  dict[str, Any]]:
    """What a seat page does after its connection dropped: connect again (to any worker
    that answers) and resume with its token."""
    for url in urls:
        try:
            client = await Client.open(url)
        except OSError:
            continue
        welcome = await client.join(code, token=token, last_seq=last_seq)
        return client, welcome
    raise AssertionError("no worker answered")


def _deleted(messages: list[dict[str, Any]]) -> set[str]:
    return {cid for m in messages if is_event("hidden")(m) for cid in m["event"]["comments"]}


def test_the_holder_dies_and_the_other_worker_restores_its_room(tmp_path: Path) -> None:
    with redis_server(tmp_path / "redis") as url:
        first = _worker(tmp_path / "w1", url, "w1")
        second = _worker(tmp_path / "w2", url, "w2")
        with first, second:
            assert first.code and second.code == ""  # the first worker made the first room
            assert first.day_key == second.day_key
            code, key = first.code, first.key

            async def before() -> dict[str, Any]:
                # The overview on w2 sees w1's room, places a new room on w2, starts both.
                day = await DayClient.open(second.port, second.day_key)
                made = await day.create("tamu-resmi", "Kelompok Mawar")
                assert made["worker"] == "w2"
                # Seats of w1's room through both workers: Ani on w1, Budi (and the trainer)
                # on w2, which passes them on.
                ani = await seat_room(first.url, code, key, "Ani")
                budi = await seat_room(second.url, code, key, "Budi")
                started = await day.request(type="day_control", command="start")
                assert sorted(started["done"]) == sorted([code, made["code"]])
                acked = await delete_some(ani, 2) + await delete_some(budi, 2)
                rooms = await day.until(lambda m: m["type"] == "day_rooms" and {
                    r["code"]: r["worker"] for r in m["rooms"]} == {code: "w1",
                                                                    made["code"]: "w2"})
                assert len(rooms["rooms"]) == 2
                # The day's CSV from w2 holds w1's room too (rebuilt from its stream).
                answer = await day.request(type="day_export", format="csv")
                status, _, body = await asyncio.to_thread(
                    http_get, f"http://127.0.0.1:{second.port}{answer['url']}")
                # The overview speaks English here: "," and English headers after a BOM.
                names = {row["Name"] for row in csv.DictReader(
                    io.StringIO(body.decode("utf-8-sig"))) if row["Room"] == code}
                assert status == 200 and {"Ani", "Budi"} <= names
                for client in (ani.seat, ani.trainer, day):
                    await client.close()
                return {"acked": acked, "ani": ani.welcome["token"],
                        "budi": budi.welcome["token"], "budi_client": budi,
                        "seen": max(m["seq"] for m in budi.seat.events())}

            async def both() -> dict[str, Any]:
                state = await before()
                await asyncio.to_thread(first.kill)
                return await after(state)

            async def after(state: dict[str, Any]) -> dict[str, Any]:
                budi = state["budi_client"]
                # Budi's connection through w2 is closed when w1 dies ("reconnect").
                with pytest.raises(Exception):  # noqa: B017 - closed, whatever the frame
                    await budi.seat.until(lambda m: False, timeout=30)
                assert budi.seat.ws.close_code == 1012
                urls = [first.url, second.url]
                seat, welcome = await _resume(urls, code, state["budi"], 0)
                assert welcome["type"] == "welcome" and welcome["resumed"]
                assert welcome["state"]["status"] == "paused"  # restored, waits for the trainer
                replayed = [await seat.next() for _ in range(welcome["replay"])]
                assert set(state["acked"]) <= _deleted(replayed)
                assert welcome["seq"] >= state["seen"]
                ani, ani_welcome = await _resume(urls, code, state["ani"], 0)
                assert ani_welcome["resumed"]
                trainer = await Client.open(second.url)
                assert (await trainer.join(code, role="trainer", key=key))["type"] == "welcome"
                ident = await trainer.send(type="control", command="resume")
                assert (await trainer.until(ack_for(ident)))["accepted"]
                ident = await trainer.send(type="inject", kind="troll_raid", count=3, over_s=1)
                await trainer.until(ack_for(ident))
                comment = await seat.until(lambda m: is_event("comment")(m) and
                                           m["event"]["hidden"] is None, timeout=30)
                block = {"type": "block", "viewer": comment["event"]["viewer"]}
                ident = await seat.send(type="action", action=block)
                assert (await seat.until(ack_for(ident)))["type"] == "ack"
                ident = await trainer.send(type="control", command="end")
                debrief = await trainer.until(lambda m: m["type"] == "debrief")  # then the ack
                assert (await trainer.until(ack_for(ident)))["accepted"]
                ident = await trainer.send(type="export", format="session")
                export = await trainer.until(lambda m: m["type"] == "export")
                for client in (seat, ani, trainer, budi.trainer):
                    await client.close()
                return {"debrief": debrief, "session": export["content"], **state}

            result = asyncio.run(asyncio.wait_for(both(), 120))
            state = result
        # The room's scorecard, kept incrementally across the restore, equals a full re-judge.
        record = parse(result["session"])
        session = replay(record, load_content(record.scenario))
        rejudged = json.loads(json.dumps(scorecard_of(session).to_json()))
        assert result["debrief"]["scorecard"] == rejudged
        # Every acknowledged action is in the room's stream.
        db = redis.Redis.from_url(url, decode_responses=True)
        entries = db.xrange(f"gladi:journal:{code}") or []
        stream = [json.loads(str(fields["r"])) for _, fields in entries if fields]
        deleted = {r["action"]["comment"] for r in stream
                   if r["k"] == "action" and r["action"]["type"] == "delete"}
        assert set(state["acked"]) <= deleted
        db.close()
