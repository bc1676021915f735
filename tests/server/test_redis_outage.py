"""Redis goes away for ten seconds mid-drill and comes back: nothing closes, nothing is lost.

Two workers (``python -m server … --redis``) share a real redis-server with its append-only
file on; the redis-server is killed with SIGKILL and started again on the same port and
folder ten seconds later. docs/protocol.md ("Several workers", "When Redis is away") says
what a client sees.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis

from tests.realparts import needs

from .day_helpers import DayClient, Seated, delete_some, http_get, seat_room
from .helpers import Client, is_event
from .redisproc import REDIS, RedisProcess
from .serverproc import ServerProcess

pytestmark = needs(REDIS, "redis-server")

LEASE_MS = 1500
OUTAGE_S = 10.0
#: How long /healthz may take to see Redis gone or back (a few upkeep rounds).
NOTICE_S = 10.0


def _worker(folder: Path, url: str, name: str) -> ServerProcess:
    return ServerProcess(folder, "serbuan-troll",
                         ["--redis", url, "--worker", name, "--lease-ms", str(LEASE_MS)])


async def _health(worker: ServerProcess) -> int:
    status, _, _ = await asyncio.to_thread(http_get, worker.http + "/healthz")
    return status


async def _health_becomes(workers: list[ServerProcess], healthy: bool) -> None:
    """Wait until every worker's /healthz says 200 (``healthy``) or not."""
    deadline = time.monotonic() + NOTICE_S
    while True:
        statuses = [await _health(w) for w in workers]
        if all((s == 200) == healthy for s in statuses):
            return
        assert time.monotonic() < deadline, f"/healthz stayed {statuses}"
        await asyncio.sleep(0.1)


def _lost(msg: dict[str, Any]) -> bool:
    return msg["type"] == "storage" and not msg["saved"]


def _storage(client: Client) -> list[bool]:
    return [m["saved"] for m in client.received if m["type"] == "storage"]


def _answers(client: Client, ids: list[int]) -> dict[int, dict[str, Any]]:
    return {m["id"]: m for m in client.received
            if m["type"] in ("ack", "error") and m.get("id") in ids}


def _settled(client: Client, ids: list[int]) -> Callable[[dict[str, Any]], bool]:
    """Every input answered, and the storage back."""
    return lambda _: len(_answers(client, ids)) == len(ids) and _storage(client)[-1:] == [True]


async def _act_during(seat: Client, stop: asyncio.Event, viewer: str) -> list[int]:
    """A moderator who keeps tapping while the storage is away: one block every half second
    (the block of one troll, again and again: each is an input that must be journalled)."""
    sent = []
    while not stop.is_set():
        sent.append(await seat.send(type="action", action={"type": "block", "viewer": viewer}))
        await asyncio.sleep(0.5)
    return sent


def _room_kind(kind: str) -> Callable[[dict[str, Any]], bool]:
    return lambda m: m["type"] == "room" and m["kind"] == kind


def _deleted_in_stream(db: redis.Redis, code: str) -> set[str]:
    entries = db.xrange(f"gladi:journal:{code}") or []
    records = [json.loads(str(fields["r"])) for _, fields in entries if fields]
    return {r["action"]["comment"] for r in records
            if r["k"] == "action" and r["action"]["type"] == "delete"}


def test_redis_killed_for_ten_seconds_mid_drill_closes_nothing_and_loses_nothing(
        tmp_path: Path) -> None:
    store = RedisProcess(tmp_path / "redis")  # appendonly yes: what gladi serve --redis wants
    store.start()
    try:
        first = _worker(tmp_path / "w1", store.url, "w1")
        second = _worker(tmp_path / "w2", store.url, "w2")
        with first, second:
            result = asyncio.run(asyncio.wait_for(_drill(store, first, second), 240))
        db = redis.Redis.from_url(store.url, decode_responses=True)
        for code, acked in result.items():
            assert set(acked) <= _deleted_in_stream(db, code)  # 0 acknowledged actions lost
        db.close()
    finally:
        store.stop()


async def _drill(store: RedisProcess, first: ServerProcess,
                 second: ServerProcess) -> dict[str, list[str]]:
    workers = [first, second]
    await _health_becomes(workers, True)
    # Two rooms, one on each worker; seats on both, one of them passed from w2 to w1.
    day2 = await DayClient.open(second.port, second.day_key)
    made = await day2.create("tamu-resmi", "Kelompok Mawar")
    assert made["worker"] == "w2"
    ani = await seat_room(first.url, first.code, first.key, "Ani")
    budi = await seat_room(second.url, made["code"], made["trainer_key"], "Budi")
    cici = await Client.open(second.url)  # room on w1, through w2
    assert (await cici.join(first.code, name="Cici"))["type"] == "welcome"
    started = await day2.request(type="day_control", command="start")
    assert sorted(started["done"]) == sorted([first.code, made["code"]])
    acked = {first.code: await delete_some(ani, 2), made["code"]: await delete_some(budi, 2)}
    seats: list[tuple[Client, Seated | None]] = [(ani.seat, ani), (budi.seat, budi),
                                                 (cici, None)]
    everyone = [ani.seat, ani.trainer, budi.seat, budi.trainer, cici]
    viewers = {}
    for seat, _ in seats:
        comment = await seat.until(is_event("comment"), timeout=30)
        viewers[seat] = comment["event"]["viewer"]

    # Redis goes away.
    killed = time.monotonic()
    await asyncio.to_thread(store.kill)
    await _health_becomes(workers, False)  # /healthz is not 200 during the outage
    for client in everyone:
        await client.until(_lost, timeout=10)
    stop = asyncio.Event()
    tapping = [asyncio.create_task(_act_during(seat, stop, viewers[seat])) for seat, _ in seats]
    # The overview still opens during the outage (no 1011): it shows the rooms as last known.
    day1 = await DayClient.open(first.port, first.day_key)
    assert day1.ws.close_code is None
    await asyncio.sleep(max(0.0, OUTAGE_S - (time.monotonic() - killed)))  # the outage
    await asyncio.to_thread(store.start)  # same port, same folder: the AOF brings it back
    stop.set()
    sent = {seat: await task for (seat, _), task in zip(seats, tapping, strict=True)}
    await _health_becomes(workers, True)

    # Every input during the outage was answered: refused (not_saved) or applied.
    refused = 0
    for seat, ids in sent.items():
        await seat.until(_settled(seat, ids), timeout=30)
        for answer in _answers(seat, ids).values():
            assert answer["type"] == "ack" or answer["code"] == "not_saved", answer
            refused += answer["type"] == "error"
        assert _storage(seat) == [False, True]  # told when it went, and when it came back
    assert refused > 0  # the outage was seen
    # Nothing was closed; the drill goes on in both rooms.
    opened: list[Client | DayClient] = [*everyone, day1, day2]
    for conn in opened:
        ws = conn.ws
        assert ws.close_code is None, f"closed {ws.close_code} {ws.close_reason}"
    acked[first.code] += await delete_some(ani, 1)
    acked[made["code"]] += await delete_some(budi, 1)
    # The overview on each worker drives every room again.
    for day, command, kind in ((day1, "pause", "paused"), (day2, "resume", "resumed"),
                               (day1, "end", "ended")):
        answer = await day.request(type="day_control", command=command)
        assert sorted(answer["done"]) == sorted([first.code, made["code"]]), answer
        for seat, _ in seats:
            await seat.until(_room_kind(kind), timeout=10)
    for conn in opened:
        await conn.close()
    return acked
