"""Benchmark: what the pages' heartbeat costs the drill server at 60 seats.

A seat page sends an application ``ping`` every second and the server answers each with
a ``pong`` (server/web/common.js, ``Link``; docs/protocol.md, "Transport"): that is how
a page notices a dead link within 3 s. Here 60 moderator seats join one room of the drill
server (``server.app.DrillServer``, in its own process, as ``gladi serve`` runs it) and
the clients switch, round after round, between

* ``quiet``: connected, sending nothing (the server's own websocket pings go on), and
* ``heartbeat``: every seat pings once a second, the seats spread over the second,

so both are measured in the same process, in turns, on the same machine. Figures:
server CPU (every thread's ``/proc/<pid>/task/*/schedstat``, nanoseconds) per second of
each mode (median of the rounds), the difference per ping and pong; the ping-to-pong
round trip p50/p99 on loopback; and the bytes of one ping and one pong as websocket
frames, and on the wire with 52 bytes of IPv4 + TCP headers (timestamps on) per segment.

Three servers: the drill server with its room in the lobby (no live events: the
difference is the heartbeat alone) and running (``live-pertama``, every seat getting the
live's events: what the heartbeat adds to a drill), and the baseline, a bare
``websockets`` server that answers each ``ping`` with a fixed ``pong``: what any server
answering these pings over websockets pays (its ratio to the drill server's cost per
ping is printed).

Run:  uv run python bench/bench_heartbeat.py                     (60 seats, 3 × 20 s each)
      uv run python bench/bench_heartbeat.py --seats 60 --rounds 5 --window 30
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_server import raw_seat, serve_gladi  # noqa: E402

#: What the page sends (common.js): no id, so the pong is as small as it gets.
PING = {"v": 1, "type": "ping"}
#: IPv4 (20) + TCP with timestamps (32) per segment.
HEADERS = 52
#: A client frame's header: 2 bytes and the 4-byte mask (payload under 126 bytes).
CLIENT_FRAME = 6
SERVER_FRAME = 2


def serve_baseline() -> None:
    """A bare websockets server: a welcome for every hello, a pong for every ping (with
    its id, as the drill server's)."""
    from websockets.asyncio.server import ServerConnection, serve
    from websockets.exceptions import ConnectionClosed

    welcome = json.dumps({"v": 1, "type": "welcome"})

    async def handler(ws: ServerConnection) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for raw in ws:
                msg = json.loads(raw)
                await ws.send(welcome if msg.get("type") == "hello" else json.dumps(
                    {"v": 1, "type": "pong", "id": msg.get("id"), "t": 0},
                    separators=(",", ":")))

    async def go() -> None:
        async with serve(handler, "127.0.0.1", 0, compression=None) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            print(json.dumps({"port": port}), flush=True)
            await asyncio.Future()

    asyncio.run(go())


def cpu_seconds(pid: int) -> float:
    """CPU time of every thread of ``pid`` so far (ns resolution, unlike ``stat``'s ticks)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            continue  # a thread that just ended
    return total / 1e9


async def clients(port: int, seats: int, rounds: int, window: float, live: bool) -> None:
    sent: dict[int, int] = {}
    rtts: list[float] = []
    pong_bytes: list[int] = []

    def on_message(raw: bytes, now: int) -> None:
        if b'"pong"' not in raw:
            return
        pong = json.loads(raw)
        t0 = sent.pop(pong.get("id") or -1, None)
        if t0 is not None:
            rtts.append((now - t0) / 1e6)
        pong_bytes.append(len(raw))

    conns = [await raw_seat(port, on_message, {"v": 1, "type": "hello", "room": "424242",
                                               "name": f"Kader {i}"}) for i in range(seats)]
    if live:
        trainer = await raw_seat(port, lambda raw, now: None, {
            "v": 1, "type": "hello", "room": "424242", "role": "trainer", "key": "bench-key"})
        trainer.send(json.dumps({"v": 1, "type": "control", "command": "start"}).encode())
    await asyncio.sleep(2.0)  # the joins settle
    ident = 0
    for _ in range(rounds):
        for mode in ("quiet", "heartbeat"):
            print(f"START {mode}", flush=True)
            start = time.monotonic()
            n = 0
            while time.monotonic() - start < window:
                if mode == "heartbeat":
                    ident += 1
                    seat = conns[n % seats]
                    sent[ident] = time.monotonic_ns()
                    # Every tenth ping carries an id to time its pong; the page sends none.
                    body = {**PING, "id": ident} if ident % 10 == 0 else PING
                    seat.send(json.dumps(body, separators=(",", ":")).encode())
                n += 1
                delay = start + n / seats - time.monotonic()  # seats pings a second
                if delay > 0:
                    await asyncio.sleep(delay)
            print(f"END {mode}", flush=True)
            await asyncio.sleep(0.5)
    print(json.dumps({
        "rtt_p50_ms": statistics.median(rtts), "rtt_p99_ms": statistics.quantiles(rtts, n=100)[98],
        "pongs": len(pong_bytes),
        "ping_payload": len(json.dumps(PING, separators=(",", ":"))),
        "pong_payload": statistics.median(pong_bytes),
    }), flush=True)
    for seat in conns:
        seat.transport.close()


def run(seats: int, rounds: int, window: float, live: bool,
        role: str = "server") -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen([sys.executable, __file__, "--role", role, "--data", tmp],
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert server.stdout is not None
            port = json.loads(server.stdout.readline())["port"]
            client = subprocess.Popen(
                [sys.executable, __file__, "--role", "clients", "--port", str(port),
                 "--seats", str(seats), "--rounds", str(rounds), "--window", str(window),
                 *(["--live"] if live else [])],
                stdout=subprocess.PIPE, text=True)
            assert client.stdout is not None
            result: dict[str, Any] = {}
            cpu: dict[str, list[float]] = {"quiet": [], "heartbeat": []}
            cpu0 = wall0 = 0.0
            for line in client.stdout:
                if line.startswith("START"):
                    cpu0, wall0 = cpu_seconds(server.pid), time.monotonic()
                elif line.startswith("END"):
                    mode = line.split()[1]
                    cpu[mode].append((cpu_seconds(server.pid) - cpu0)
                                     / (time.monotonic() - wall0))
                elif line.startswith("{"):
                    result.update(json.loads(line))
            client.wait(60)
        finally:
            server.kill()
            server.wait(10)
    quiet, beat = statistics.median(cpu["quiet"]), statistics.median(cpu["heartbeat"])
    result.update(quiet_cpu_ms_per_s=quiet * 1000, heartbeat_cpu_ms_per_s=beat * 1000,
                  cpu_us_per_ping=(beat - quiet) / seats * 1e6,
                  rounds=cpu)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--role", choices=["bench", "server", "baseline", "clients"],
                        default="bench")
    parser.add_argument("--data", type=Path)
    parser.add_argument("--port", type=int)
    parser.add_argument("--seats", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--window", type=float, default=20.0)
    parser.add_argument("--live", action="store_true", help="(clients) start the drill")
    args = parser.parse_args()
    if args.role == "server":
        serve_gladi(args.data)
        return 0
    if args.role == "baseline":
        serve_baseline()
        return 0
    if args.role == "clients":
        asyncio.run(clients(args.port, args.seats, args.rounds, args.window, args.live))
        return 0
    print(f"seats: {args.seats}, rounds: {args.rounds} × {args.window:.0f} s each way")
    base = run(args.seats, args.rounds, args.window, False, "baseline")
    report(base, args.seats, "baseline: a bare websockets server")
    for live in (False, True):
        r = run(args.seats, args.rounds, args.window, live)
        report(r, args.seats, "drill server, room " + ("running" if live else "in its lobby"))
        print(f"per ping and pong: {r['cpu_us_per_ping'] / base['cpu_us_per_ping']:.2f} × the "
              "baseline's")
    return 0


def report(r: dict[str, Any], seats: int, where: str) -> None:
    ping_wire = r["ping_payload"] + CLIENT_FRAME + HEADERS
    pong_wire = r["pong_payload"] + SERVER_FRAME + HEADERS
    print(f"-- {where}")
    print(f"server CPU quiet:     {r['quiet_cpu_ms_per_s']:.2f} ms/s")
    print(f"server CPU heartbeat: {r['heartbeat_cpu_ms_per_s']:.2f} ms/s "
          f"({r['cpu_us_per_ping']:.0f} µs per ping and pong)")
    print(f"ping → pong round trip: p50 {r['rtt_p50_ms']:.2f} ms, p99 {r['rtt_p99_ms']:.2f} ms")
    print(f"ping: {r['ping_payload']} B payload, {ping_wire} B on the wire; "
          f"pong: {r['pong_payload']:.0f} B payload, {pong_wire:.0f} B on the wire")
    per_s = (ping_wire + pong_wire) * seats
    print(f"all seats: {per_s / 1000:.1f} kB/s ({per_s * 8 / 1e6:.3f} Mbit/s) both ways together")


if __name__ == "__main__":
    sys.exit(main())
