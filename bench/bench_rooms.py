"""Benchmark: a training day of 20 rooms × 30 seats (600 seats) on one machine.

Each room runs a built-in scenario (in turn) live at its own rates, with a
trainer console and 30 moderator seats connected; once a second each room's
trainer sends a note (timestamped) and every two seconds one of its seats
deletes the newest comment it sees. Two runs:

* ``single``: one ``gladi serve`` process (SQLite journal), rooms made from the
  training-day overview (``/ws/day``).
* ``redis``: two workers on one Redis (``server/cluster.py``, a real
  ``redis-server`` started here), the rooms placed on them by the overview. Seats
  connect to the worker holding their room (``--spread``: to the workers in turn,
  so half of them are passed on by the other worker).

Figures, over the measured window:

* delivery p50/p99: a trainer's note, from its send to each seat's receipt
  (``time.monotonic_ns``, one clock for every process on one machine);
* engine events p50/p99: how late a live event reaches a seat after its room
  time (the room clock is tied to the wall clock with the trainer's pings); it
  includes the server's 100 ms tick, so it is up to 100 ms by design;
* event-loop stall p50/p99/max: how late a 10 ms timer fires inside each server
  process;
* the largest server process's peak resident memory (``VmHWM``);
* server CPU per room (``/proc/<pid>/stat``), and CPU per delivered message; for
  Redis mode, its ratio to the single process, for the workers alone and with
  ``redis-server``.

The clients share the machine (one process, one core at most), and so do other
programs: the load average is printed.

Run:  uv run python bench/bench_rooms.py                      (20 × 30, 60 s, both modes)
      uv run python bench/bench_rooms.py --minutes 5          (the figure for docs/benchmarks.md)
      uv run python bench/bench_rooms.py --rooms 4 --seats 10 --duration 15   (a quick look)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_server import (  # noqa: E402
    RawSeat,
    cpu_seconds,
    note_latency_ms,
    raw_seat,
    timed_note,
)
from scenarios import builtin_scenario_ids  # noqa: E402
from server.app import DrillServer  # noqa: E402
from server.cluster import RedisCluster  # noqa: E402
from server.store import Store  # noqa: E402

REDIS = Path("/usr/bin/redis-server")
STALL_TICK_S = 0.010


# ---------------------------------------------------------------- servers


def serve(data: Path, redis_url: str | None, worker: str | None, scenario: str) -> None:
    """A drill server (or a worker) with an event-loop stall monitor: SIGUSR1 starts the
    measured window, SIGUSR2 prints its stalls as one JSON line."""
    store = Store(data)
    srv: DrillServer
    if redis_url is not None:
        # Its redis-server runs without the append-only file (as when the figures in
        # docs/benchmarks.md were measured): accepted here, refused by gladi serve --redis.
        cluster = RedisCluster(redis_url, worker=worker, first_scenario=scenario,
                               ephemeral=True)
        srv = DrillServer(store, rate=100, burst=200, trainer_rate=1000, scenarios=[scenario],
                          placement=cluster, journals=cluster)
    else:
        srv = DrillServer(store, rate=100, burst=200, trainer_rate=1000)
        srv.new_room(scenario)
    stalls: list[float] = []
    #: How long each full garbage collection took (ms): a suspect for the longest stalls.
    full_gcs: list[float] = []
    gc_started = [0.0]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            gc_started[0] = time.monotonic()
        else:
            full_gcs.append((time.monotonic() - gc_started[0]) * 1000)
    gc.callbacks.append(on_gc)

    def reset() -> None:
        stalls.clear()
        full_gcs.clear()

    async def monitor() -> None:
        while True:
            t0 = time.monotonic()
            await asyncio.sleep(STALL_TICK_S)
            stalls.append((time.monotonic() - t0 - STALL_TICK_S) * 1000)

    def report() -> None:
        ordered = sorted(stalls)
        print(json.dumps({"stall_p50_ms": statistics.median(ordered) if ordered else None,
                          "stall_p99_ms": ordered[int(len(ordered) * 0.99)] if ordered else None,
                          "stall_max_ms": ordered[-1] if ordered else None,
                          "stall_samples": len(ordered), "full_gc_ms": full_gcs}), flush=True)

    async def go() -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGUSR1, reset)
        loop.add_signal_handler(signal.SIGUSR2, report)
        started: asyncio.Future[Any] = loop.create_future()
        task = asyncio.create_task(srv.run("127.0.0.1", 0, started))
        server = await started
        watch = asyncio.create_task(monitor())
        port = next(iter(server.sockets)).getsockname()[1]
        print(json.dumps({"port": port, "day_key": srv.day_key, "worker": worker}), flush=True)
        try:
            await task
        finally:
            watch.cancel()

    asyncio.run(go())


# ---------------------------------------------------------------- clients


@dataclass
class Room:
    """One room as the clients drive it."""

    code: str
    key: str
    port: int
    trainer: Any = None
    seats: list[RawSeat] = field(default_factory=list)
    #: wall ns at room time 0 (from the trainer's pings), once known.
    zero_ns: int | None = None
    best_rtt: int = 10**18
    last_comment: str | None = None
    #: When each ping was sent (ns), by id.
    pings: dict[int, int] = field(default_factory=dict)


def quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


async def make_rooms(port: int, day_key: str, count: int) -> list[dict[str, Any]]:
    """The day's rooms, made on the overview up to ``count`` (scenarios in turn)."""
    from websockets.asyncio.client import connect

    scenarios = builtin_scenario_ids()
    async with connect(f"ws://127.0.0.1:{port}/ws/day", max_size=None) as day:
        await day.send(json.dumps({"v": 1, "type": "day_hello", "key": day_key}))
        welcome = json.loads(await day.recv())
        assert welcome["type"] == "day_welcome", welcome
        rooms: list[dict[str, Any]] = welcome["rooms"]
        for i in range(len(rooms), count):
            await day.send(json.dumps({"v": 1, "id": i, "type": "day_create", "name": f"G{i}",
                                       "scenario": scenarios[i % len(scenarios)]}))
            while True:
                msg = json.loads(await day.recv())
                if msg.get("id") == i:
                    assert msg["type"] == "day_created", msg
                    rooms.append(msg["room"])
                    break
        await asyncio.sleep(1.0)  # placed rooms are loaded by their workers
        return rooms


async def start_all(port: int, day_key: str) -> dict[str, Any]:
    from websockets.asyncio.client import connect

    async with connect(f"ws://127.0.0.1:{port}/ws/day", max_size=None) as day:
        await day.send(json.dumps({"v": 1, "type": "day_hello", "key": day_key}))
        await day.recv()
        await day.send(json.dumps({"v": 1, "id": 1, "type": "day_control", "command": "start"}))
        while True:
            msg: dict[str, Any] = json.loads(await day.recv())
            if msg.get("id") == 1:
                return msg


async def clients(ports: dict[str, int], day_key: str, rooms_n: int, seats_n: int,
                  duration: float, spread: bool) -> None:
    from websockets.asyncio.client import connect

    first_port = next(iter(ports.values()))
    made = await make_rooms(first_port, day_key, rooms_n)
    measuring = False
    note_lat: list[float] = []
    event_lat: list[float] = []
    received = 0
    rooms: list[Room] = []
    worker_ports = list(ports.values())
    for info in made:
        holder = ports.get(info.get("worker") or "", first_port)
        rooms.append(Room(info["code"], info["trainer_key"], holder))

    def on_seat(room: Room, watcher: bool) -> Any:
        def on_message(raw: bytes, now: int) -> None:
            nonlocal received
            if not measuring:
                return
            received += 1
            if (latency := note_latency_ms(raw, now)) is not None:
                note_lat.append(latency)
            elif b'"type":"event"' in raw and room.zero_ns is not None:
                msg = json.loads(raw)
                if msg.get("replay"):
                    return
                event_lat.append((now - room.zero_ns) / 1e6 - msg["t"])
                if watcher and msg["event"]["type"] == "comment" and \
                        msg["event"]["hidden"] is None:
                    room.last_comment = msg["event"]["id"]
        return on_message

    for n, room in enumerate(rooms):
        room.trainer = await connect(f"ws://127.0.0.1:{room.port}/ws", max_size=None)
        await room.trainer.send(json.dumps({"v": 1, "type": "hello", "room": room.code,
                                            "role": "trainer", "key": room.key}))
        for i in range(seats_n):
            port = worker_ports[(n * seats_n + i) % len(worker_ports)] if spread else room.port
            room.seats.append(await raw_seat(port, on_seat(room, i == 0), {
                "v": 1, "type": "hello", "room": room.code, "name": f"Kader {i}"}))

    async def drain(room: Room) -> None:
        """The trainer's messages; its pongs tie the room clock to the wall clock (the
        answer with the shortest round trip wins)."""
        async for raw in room.trainer:
            if '"type":"pong"' not in raw:
                continue
            now = time.monotonic_ns()
            msg = json.loads(raw)
            sent = room.pings.get(msg["id"])
            if sent is not None and now - sent < room.best_rtt:
                room.best_rtt = now - sent
                room.zero_ns = (sent + now) // 2 - msg["t"] * 1_000_000
    drains = [asyncio.create_task(drain(room)) for room in rooms]
    started = await start_all(first_port, day_key)
    assert len(started["done"]) == len(rooms), started
    for ping in range(1, 6):  # tie each room's clock to the wall clock
        for room in rooms:
            room.pings[ping] = time.monotonic_ns()
            await room.trainer.send(json.dumps({"v": 1, "type": "ping", "id": ping}))
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)
    print("WINDOW_START", flush=True)
    measuring = True
    start = time.monotonic()
    tick = 0
    while time.monotonic() - start < duration:
        tick += 1
        for room in rooms:
            await room.trainer.send(timed_note())
            if tick % 2 == 0 and room.last_comment is not None:
                seat = room.seats[(tick // 2) % len(room.seats)]
                seat.send(json.dumps({"v": 1, "type": "action", "id": tick, "action": {
                    "type": "delete", "comment": room.last_comment}}).encode())
        delay = start + tick - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
    await asyncio.sleep(1.0)
    measuring = False
    print("WINDOW_END", flush=True)
    for task in drains:
        task.cancel()
    print(json.dumps({
        "rooms": len(rooms), "seats": sum(len(r.seats) for r in rooms), "received": received,
        "notes": len(note_lat), "notes_expected": tick * len(rooms) * seats_n,
        "note_p50_ms": quantile(note_lat, 0.5), "note_p99_ms": quantile(note_lat, 0.99),
        "event_p50_ms": quantile(event_lat, 0.5), "event_p99_ms": quantile(event_lat, 0.99),
        "events": len(event_lat)}), flush=True)
    for room in rooms:
        for seat in room.seats:
            seat.transport.close()
        await room.trainer.close()


# ---------------------------------------------------------------- orchestration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[tuple[str, int]]:
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    proc = subprocess.Popen([str(REDIS), "--port", str(port), "--bind", "127.0.0.1", "--dir",
                             str(folder), "--save", "", "--appendonly", "no"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "Ready to accept connections" in line:
                break
        else:
            raise RuntimeError("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0", proc.pid
    finally:
        proc.terminate()
        proc.wait(10)


def start_server(folder: Path, redis_url: str | None, worker: str | None,
                 ) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    command = [sys.executable, __file__, "--role", "server", "--data", str(folder)]
    if redis_url is not None and worker is not None:
        command += ["--redis", redis_url, "--worker", worker]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, json.loads(proc.stdout.readline())


def run_mode(mode: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        folder = Path(tmp)
        extra_pids: list[int] = []
        servers: list[tuple[subprocess.Popen[str], dict[str, Any]]] = []
        if mode == "redis":
            url, redis_pid = stack.enter_context(redis_server(folder / "redis"))
            extra_pids.append(redis_pid)
            for name in ("w1", "w2"):
                servers.append(start_server(folder / name, url, name))
        else:
            servers.append(start_server(folder / "single", None, None))
        try:
            ports = {str(info["worker"] or "single"): int(info["port"]) for _, info in servers}
            command = [sys.executable, __file__, "--role", "clients", "--ports",
                       ",".join(f"{k}:{v}" for k, v in ports.items()), "--day-key",
                       servers[0][1]["day_key"], "--rooms", str(args.rooms), "--seats",
                       str(args.seats), "--duration", str(args.duration)]
            if args.spread:
                command.append("--spread")
            client = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
            assert client.stdout is not None
            result: dict[str, Any] = {"mode": mode}
            pids = [proc.pid for proc, _ in servers]
            cpu0: dict[int, float] = {}
            wall0 = 0.0
            for line in client.stdout:
                if line.startswith("WINDOW_START"):
                    for proc, _ in servers:
                        proc.send_signal(signal.SIGUSR1)
                    cpu0 = {pid: cpu_seconds(pid) for pid in pids + extra_pids}
                    wall0 = time.monotonic()
                elif line.startswith("WINDOW_END"):
                    result["window_s"] = time.monotonic() - wall0
                    result["server_cpu_s"] = sum(cpu_seconds(p) - cpu0[p] for p in pids)
                    result["redis_cpu_s"] = sum(cpu_seconds(p) - cpu0[p] for p in extra_pids)
                    result["server_peak_rss_mb"] = max(peak_rss_mb(p) for p in pids)
                    stalls = []
                    for proc, _ in servers:
                        proc.send_signal(signal.SIGUSR2)
                        assert proc.stdout is not None
                        stalls.append(json.loads(proc.stdout.readline()))
                    result["stall_p50_ms"] = max(s["stall_p50_ms"] for s in stalls)
                    result["stall_p99_ms"] = max(s["stall_p99_ms"] for s in stalls)
                    result["stall_max_ms"] = max(s["stall_max_ms"] for s in stalls)
                    gcs = [ms for s in stalls for ms in s["full_gc_ms"]]
                    result["full_gcs"] = len(gcs)
                    result["full_gc_max_ms"] = max(gcs, default=0.0)
                elif line.startswith("{"):
                    result.update(json.loads(line))
            client.wait(120)
        finally:
            for proc, _ in servers:
                proc.kill()
                proc.wait(10)
    received = max(1, result["received"])
    result["cpu_us_per_msg"] = result["server_cpu_s"] / received * 1e6
    result["cpu_us_per_msg_with_redis"] = (result["server_cpu_s"] + result["redis_cpu_s"]) \
        / received * 1e6
    result["cpu_per_room_pct"] = result["server_cpu_s"] / result["window_s"] / result["rooms"] \
        * 100
    return result


def peak_rss_mb(pid: int) -> float:
    """A process's peak resident memory so far (``VmHWM`` in ``/proc/<pid>/status``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _fmt(value: float | None, unit: str = " ms") -> str:
    return "—" if value is None else f"{value:.1f}{unit}"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--role", choices=["bench", "server", "clients"], default="bench")
    parser.add_argument("--data", type=Path)
    parser.add_argument("--redis", default=None)
    parser.add_argument("--worker", default=None)
    parser.add_argument("--ports", default="")
    parser.add_argument("--day-key", default="")
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--seats", type=int, default=30)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds measured")
    parser.add_argument("--minutes", type=float, default=None, help="minutes measured")
    parser.add_argument("--spread", action="store_true",
                        help="seats connect to the workers in turn (half are passed on)")
    parser.add_argument("--modes", default="single,redis")
    args = parser.parse_args()
    if args.minutes is not None:
        args.duration = args.minutes * 60
    if args.role == "server":
        serve(args.data, args.redis, args.worker, "live-pertama")
        return 0
    if args.role == "clients":
        ports = {k: int(v) for k, v in (p.split(":") for p in args.ports.split(","))}
        asyncio.run(clients(ports, args.day_key, args.rooms, args.seats, args.duration,
                            args.spread))
        return 0
    modes = [m for m in args.modes.split(",") if m != "redis" or REDIS.exists()]
    load0 = os.getloadavg()[0]
    results = {mode: run_mode(mode, args) for mode in modes}
    print(f"load average (1 min) before {load0:.2f}, after {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} CPUs; {args.rooms} rooms × {args.seats} seats, "
          f"{args.duration:.0f} s measured")
    for mode, r in results.items():
        print(f"{mode:7s} notes p50 {_fmt(r['note_p50_ms'])} p99 {_fmt(r['note_p99_ms'])} "
              f"({r['notes']}/{r['notes_expected']})  engine events p50 "
              f"{_fmt(r['event_p50_ms'])} p99 {_fmt(r['event_p99_ms'])}  "
              f"stall p50 {_fmt(r['stall_p50_ms'])} p99 {_fmt(r['stall_p99_ms'])} "
              f"max {_fmt(r['stall_max_ms'])} (full GCs {r['full_gcs']}, longest "
              f"{_fmt(r['full_gc_max_ms'])})")
        print(f"        server CPU {r['server_cpu_s']:.1f} s ({r['cpu_per_room_pct']:.2f} % of "
              f"a core per room), redis {r['redis_cpu_s']:.1f} s, {r['received']} messages "
              f"delivered, {r['cpu_us_per_msg']:.1f} µs/msg "
              f"({r['cpu_us_per_msg_with_redis']:.1f} with redis), peak resident memory "
              f"{r['server_peak_rss_mb']:.0f} MB (largest server process)")
    if "single" in results and "redis" in results:
        single, spread = results["single"], results["redis"]
        print(f"Redis mode, CPU per delivered message: "
              f"{spread['cpu_us_per_msg'] / single['cpu_us_per_msg']:.2f}× the single process "
              f"(workers), {spread['cpu_us_per_msg_with_redis'] / single['cpu_us_per_msg']:.2f}× "
              f"with redis-server (target ≤ 1.5×)")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
