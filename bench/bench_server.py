"""Benchmark: the drill server's fan-out to 200 seats, against a bare broadcast loop.

Two runs on loopback, each with the server in its own process and all clients in
another:

* ``gladi``: ``server.app.DrillServer`` with one room in team mode; 200
  moderator seats (20 teams) join; the trainer sends 50 room events a second
  (trainer notes, which go through the whole path: decode, room core, SQLite
  log, sequence numbers, per-view encoding and ``broadcast``), while the
  engine's own live events flow as well; once a second a seat adds a keyword
  filter, and the time until all 200 seats have the ``applied`` event is the
  action-to-all-seats latency.
* ``baseline``: a bare ``websockets`` server whose handler decodes each trainer
  message, adds a sequence number, re-encodes it and ``broadcast``\\ s it to the
  200 seats: the least any server fanning out these events must do.

Delivery latency is measured from the trainer's send to each seat's receipt
(``time.monotonic_ns``, the same clock in every process on one machine). Server
CPU is read from ``/proc/<pid>/stat`` at the start and end of the measured window
(Linux). Results: p50/p99 delivery, p99 action-to-all-seats, server CPU per
delivered message and the ratio to the baseline.

Run:  uv run python bench/bench_server.py            (200 seats, 50/s, 60 s)
      uv run python bench/bench_server.py --duration 10 --seats 50   (a quick look)
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.app import DrillServer, build_room  # noqa: E402
from server.store import Store  # noqa: E402

TEAMS = 20


# ---------------------------------------------------------------- servers


def serve_gladi(data: Path) -> None:
    store = Store(data)
    srv = DrillServer(store, rate=100, burst=200, trainer_rate=1000)
    room = build_room("424242", "bench-key", "live-pertama", 1)
    srv.add_room(room, "live-pertama")

    async def go() -> None:
        started: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(srv.run("127.0.0.1", 0, started))
        server = await started
        port = next(iter(server.sockets)).getsockname()[1]
        print(json.dumps({"port": port}), flush=True)
        await task

    asyncio.run(go())


def serve_baseline() -> None:
    from websockets.asyncio.server import ServerConnection, broadcast, serve

    seats: set[ServerConnection] = set()
    seq = 0

    async def handler(ws: ServerConnection) -> None:
        nonlocal seq
        hello = json.loads(await ws.recv())
        if hello.get("role") != "trainer":
            seats.add(ws)
            await ws.send(json.dumps({"type": "welcome"}))
            try:
                await ws.wait_closed()
            finally:
                seats.discard(ws)
            return
        await ws.send(json.dumps({"type": "welcome"}))
        async for raw in ws:
            msg = json.loads(raw)
            seq += 1
            out = {"type": "room", "v": 1, "seq": seq, "epoch": 0, "t": 0, "kind": msg["type"],
                   "data": {k: v for k, v in msg.items() if k not in ("type", "v", "id")}}
            broadcast(seats, json.dumps(out, ensure_ascii=False, separators=(",", ":")))

    async def go() -> None:
        async with serve(handler, "127.0.0.1", 0, compression=None, max_size=256 * 1024) as s:
            port = next(iter(s.sockets)).getsockname()[1]
            print(json.dumps({"port": port}), flush=True)
            await asyncio.Future()

    asyncio.run(go())


# ---------------------------------------------------------------- clients


class RawSeat(asyncio.Protocol):
    """A minimal websocket seat: parses frames in ``data_received`` with no await per message.

    The clients share one process and one core; with websockets' full client the
    measuring side, not the server, dominated the tail latency. Frames from the
    server are unmasked and unfragmented text (compression off); pings are answered.
    """

    def __init__(self, on_message: Any) -> None:
        self.on_message = on_message
        self.buffer = bytearray()
        self.handshaken = asyncio.get_running_loop().create_future()
        self.first: asyncio.Future[bytes] | None = None
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        now = time.monotonic_ns()
        buf = self.buffer
        buf += data
        if not self.handshaken.done():
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            del buf[:end + 4]
            self.handshaken.set_result(None)
        while len(buf) >= 2:
            opcode, length, start = buf[0] & 0x0F, buf[1] & 0x7F, 2
            if length == 126:
                if len(buf) < 4:
                    return
                length, start = int.from_bytes(buf[2:4], "big"), 4
            elif length == 127:
                if len(buf) < 10:
                    return
                length, start = int.from_bytes(buf[2:10], "big"), 10
            if len(buf) < start + length:
                return
            payload = bytes(buf[start:start + length])
            del buf[:start + length]
            if opcode == 0x9:
                self.send(payload, opcode=0xA)
            elif opcode == 0x1:
                if self.first is not None and not self.first.done():
                    self.first.set_result(payload)
                else:
                    self.on_message(payload, now)

    def send(self, data: bytes, opcode: int = 0x1) -> None:
        # Client frames must be masked; an all-zero mask leaves the payload as it is.
        n = len(data)
        head = bytes([0x80 | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + n.to_bytes(2, "big")
        else:
            head += bytes([0x80 | 127]) + n.to_bytes(8, "big")
        self.transport.write(head + b"\0\0\0\0" + data)


async def raw_seat(port: int, on_message: Any, hello: dict[str, Any]) -> RawSeat:
    loop = asyncio.get_running_loop()
    _, seat = await loop.create_connection(lambda: RawSeat(on_message), "127.0.0.1", port)
    key = base64.b64encode(os.urandom(16)).decode()
    seat.transport.write(
        f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        f"Sec-WebSocket-Version: 13\r\n\r\n".encode())
    await seat.handshaken
    seat.first = loop.create_future()
    seat.send(json.dumps(hello).encode())
    welcome = json.loads(await seat.first)
    assert welcome["type"] == "welcome", welcome
    return seat


async def clients(port: int, seats: int, rate: int, duration: float, mode: str) -> None:
    from websockets.asyncio.client import connect

    url = f"ws://127.0.0.1:{port}/ws"
    latencies: list[float] = []
    received = 0
    action_sent: dict[str, int] = {}
    action_seen: dict[str, list[int]] = {}
    measuring = False

    def on_message(raw: bytes, now: int) -> None:
        nonlocal received
        if not measuring:
            return
        received += 1
        if (latency := note_latency_ms(raw, now)) is not None:
            latencies.append(latency)
        elif b'"filter_add"' in raw:
            kw = json.loads(raw)["event"]["action"]["keyword"]
            action_seen.setdefault(kw, []).append(now)

    trainer = await connect(url, max_size=None)
    await trainer.send(json.dumps({"v": 1, "type": "hello", "room": "424242",
                                   "role": "trainer", "key": "bench-key"}))
    await trainer.recv()
    if mode == "gladi":
        await trainer.send(json.dumps({"v": 1, "type": "settings", "team_mode": True}))
    conns = [await raw_seat(port, on_message, {
        "v": 1, "type": "hello", "room": "424242", "name": f"Kader {i}", "team": f"{i % TEAMS}"})
        for i in range(seats)]

    async def drain_trainer() -> None:
        async for _ in trainer:
            pass
    drain = asyncio.create_task(drain_trainer())
    if mode == "gladi":
        await trainer.send(json.dumps({"v": 1, "type": "control", "command": "start"}))
    await asyncio.sleep(1.0)  # let the joins settle before measuring
    print("WINDOW_START", flush=True)
    measuring = True
    start = time.monotonic()
    n = 0
    loop_start = time.monotonic()
    while time.monotonic() - start < duration:
        n += 1
        await trainer.send(timed_note())
        if mode == "gladi" and n % rate == 0:
            kw = f"kw{n // rate}"
            actor = conns[(n // rate) % TEAMS]  # a seat of every team in turn
            action_sent[kw] = time.monotonic_ns()
            actor.send(json.dumps({"v": 1, "type": "action", "id": n,
                                   "action": {"type": "filter_add", "keyword": kw}}).encode())
        delay = loop_start + n / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
    await asyncio.sleep(1.0)  # the last messages arrive
    measuring = False
    print("WINDOW_END", flush=True)
    sent = n
    drain.cancel()
    action_lat = [(max(action_seen[kw]) - t0) / 1e6 for kw, t0 in action_sent.items()
                  if len(action_seen.get(kw, ())) == seats]
    lost_actions = sum(1 for kw in action_sent if len(action_seen.get(kw, ())) < seats)
    print(json.dumps({
        "sent": sent, "received": received, "expected_notes": sent * seats,
        "notes_received": len(latencies),
        "p50_ms": statistics.median(latencies) if latencies else None,
        "p99_ms": statistics.quantiles(latencies, n=100)[98] if len(latencies) > 100 else None,
        "action_p99_ms": (statistics.quantiles(action_lat, n=100)[98]
                          if len(action_lat) > 2 else max(action_lat, default=None)),
        "actions": len(action_sent), "actions_incomplete": lost_actions,
    }), flush=True)
    for seat in conns:
        seat.transport.close()
    await trainer.close()


# ---------------------------------------------------------------- orchestration


def timed_note() -> str:
    """A trainer's ``note`` carrying the time it was sent (``time.monotonic_ns``)."""
    return json.dumps({"v": 1, "type": "note", "text": f"bench:{time.monotonic_ns()}"})


def note_latency_ms(raw: bytes, now: int) -> float | None:
    """How long a :func:`timed_note` took to reach a seat that got it at ``now``; None
    when ``raw`` is not a note."""
    if b'"kind":"note"' not in raw:
        return None
    return (now - int(json.loads(raw)["data"]["text"].split(":")[1])) / 1e6


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_one(mode: str, seats: int, rate: int, duration: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen([sys.executable, __file__, "--role", mode, "--data", tmp],
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert server.stdout is not None
            port = json.loads(server.stdout.readline())["port"]
            client = subprocess.Popen(
                [sys.executable, __file__, "--role", "clients", "--port", str(port), "--mode",
                 mode, "--seats", str(seats), "--rate", str(rate), "--duration", str(duration)],
                stdout=subprocess.PIPE, text=True)
            assert client.stdout is not None
            result: dict[str, Any] = {}
            cpu0 = wall0 = 0.0
            for line in client.stdout:
                if line.startswith("WINDOW_START"):
                    cpu0, wall0 = cpu_seconds(server.pid), time.monotonic()
                elif line.startswith("WINDOW_END"):
                    result["server_cpu_s"] = cpu_seconds(server.pid) - cpu0
                    result["window_s"] = time.monotonic() - wall0
                elif line.startswith("{"):
                    result.update(json.loads(line))
            client.wait(60)
        finally:
            server.kill()
            server.wait(10)
    result["cpu_us_per_msg"] = result["server_cpu_s"] / max(1, result["received"]) * 1e6
    result["cpu_load"] = result["server_cpu_s"] / result["window_s"]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--role", choices=["bench", "gladi", "baseline", "clients"],
                        default="bench")
    parser.add_argument("--data", type=Path)
    parser.add_argument("--port", type=int)
    parser.add_argument("--mode", default="gladi")
    parser.add_argument("--seats", type=int, default=200)
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0)
    args = parser.parse_args()
    if args.role == "gladi":
        serve_gladi(args.data)
    elif args.role == "baseline":
        serve_baseline()
    elif args.role == "clients":
        asyncio.run(clients(args.port, args.seats, args.rate, args.duration, args.mode))
    else:
        load0 = os.getloadavg()[0]
        results = {mode: run_one(mode, args.seats, args.rate, args.duration)
                   for mode in ("baseline", "gladi")}
        # Other work on the machine shows up in the tail latencies: say how busy it was.
        print(f"load average (1 min) before {load0:.2f}, after {os.getloadavg()[0]:.2f} "
              f"on {os.cpu_count()} CPUs")
        for mode, r in results.items():
            print(f"{mode:9s} p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms  "
                  f"notes {r['notes_received']}/{r['expected_notes']}  "
                  f"received {r['received']}  server CPU {r['server_cpu_s']:.2f} s "
                  f"({r['cpu_load'] * 100:.0f} %)  {r['cpu_us_per_msg']:.2f} µs/msg")
        g = results["gladi"]
        print(f"action-to-all-seats p99 {g['action_p99_ms']:.2f} ms over {g['actions']} actions "
              f"({g['actions_incomplete']} incomplete)")
        ratio = g["cpu_us_per_msg"] / results["baseline"]["cpu_us_per_msg"]
        print(f"CPU per delivered message: {ratio:.2f}× the baseline (target ≤ 1.5×); "
              f"p99 delivery target ≤ 50 ms")
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
