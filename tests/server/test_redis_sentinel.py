"""Redis Sentinel: the primary is killed mid-drill, a replica takes over, the drill goes on.

A primary and its replica (both with their append-only files) and three sentinels
(``redis-server --sentinel``) on loopback; two workers reach them through
``redis+sentinel://…/gladi``. Each write waits for the replica (``WAIT``) before what it
caused is sent, so a primary lost at any moment loses nothing a seat was told.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import redis

from tests.realparts import needs

from .day_helpers import DayClient, Seated, seat_room
from .helpers import Client, ack_for, is_event
from .redisproc import REDIS, SentinelSet, sentinel_set
from .serverproc import ServerProcess

pytestmark = needs(REDIS, "redis-server")

LEASE_MS = 1500
#: After the primary is killed, deletes go on until this many more were acknowledged.
AFTER = 3


def _worker(folder: Path, url: str, name: str) -> ServerProcess:
    return ServerProcess(folder, "serbuan-troll",
                         ["--redis", url, "--worker", name, "--lease-ms", str(LEASE_MS)])


async def _delete_until(seated: Seated, count: int, deadline: float) -> tuple[list[str], int]:
    """Delete comments until ``count`` deletes were acknowledged: (acknowledged, refused).
    While no primary answers, deletes are refused with ``not_saved``; the seat tries again."""
    acked: list[str] = []
    refused = 0
    while len(acked) < count:
        assert time.monotonic() < deadline, f"{len(acked)} acknowledged, {refused} refused"
        ident = await seated.trainer.send(type="inject", kind="troll_raid", count=3, over_s=1)
        await seated.trainer.until(ack_for(ident))
        comment = await seated.seat.until(lambda m: is_event("comment")(m)
                                          and m["event"]["hidden"] is None, timeout=30)
        ident = await seated.seat.send(type="action", action={"type": "delete",
                                                              "comment": comment["event"]["id"]})
        answer = await seated.seat.until(ack_for(ident), timeout=30)
        if answer["type"] == "error":
            assert answer["code"] == "not_saved", answer
            refused += 1
            await asyncio.sleep(0.2)  # a person tapping again, not a synchronisation
        elif answer["accepted"]:
            acked.append(comment["event"]["id"])
    return acked, refused


def _deleted(url: str, code: str) -> set[str]:
    db = redis.Redis.from_url(url, decode_responses=True)
    try:
        assert db.info("replication")["role"] == "master"
        entries = db.xrange(f"gladi:journal:{code}") or []
    finally:
        db.close()
    records = [json.loads(str(fields["r"])) for _, fields in entries if fields]
    return {r["action"]["comment"] for r in records
            if r["k"] == "action" and r["action"]["type"] == "delete"}


def test_the_primary_dies_and_the_drill_goes_on_through_the_replica(tmp_path: Path) -> None:
    with sentinel_set(tmp_path / "redis") as redis_set:
        first = _worker(tmp_path / "w1", redis_set.url, "w1")
        second = _worker(tmp_path / "w2", redis_set.url, "w2")
        with first, second:
            result = asyncio.run(asyncio.wait_for(_drill(redis_set, first, second), 240))
        # Every acknowledged delete is in the replica that took over.
        for code, acked in result.items():
            assert set(acked) <= _deleted(redis_set.replica.url, code)


async def _drill(redis_set: SentinelSet, first: ServerProcess,
                 second: ServerProcess) -> dict[str, list[str]]:
    day = await DayClient.open(second.port, second.day_key)
    made = await day.create("tamu-resmi", "Kelompok Mawar")
    ani = await seat_room(first.url, first.code, first.key, "Ani")
    budi = await seat_room(second.url, made["code"], made["trainer_key"], "Budi")
    started = await day.request(type="day_control", command="start")
    assert sorted(started["done"]) == sorted([first.code, made["code"]])
    deadline = time.monotonic() + 60
    acked: dict[str, list[str]] = {}
    for seated in (ani, budi):
        acked[seated.code] = (await _delete_until(seated, 2, deadline))[0]

    await asyncio.to_thread(redis_set.primary.kill)  # mid-drill
    deadline = time.monotonic() + 90
    refused = 0
    for seated in (ani, budi):
        more, no = await _delete_until(seated, AFTER, deadline)
        acked[seated.code] += more
        refused += no
    # The drill went on through the replica: both rooms took deletes after the kill, their
    # seats were never closed, and the overview drives both rooms.
    clients: list[Client | DayClient] = [ani.seat, ani.trainer, budi.seat, budi.trainer, day]
    for client in clients:
        assert client.ws.close_code is None, client.ws.close_reason
    answer: dict[str, Any] = await day.request(type="day_control", command="pause")
    assert sorted(answer["done"]) == sorted([first.code, made["code"]]), answer
    for client in clients:
        await client.close()
    return acked
