"""Benchmark: the host's camera relayed to 1, 10 and 50 aiortc seats, encoded once.

Processes on loopback (127.0.0.1), so the server's CPU can be read on its own:

* **server**: a ``server.video.peer.MediaHub`` (with the live coaching unless
  ``--no-coach``) behind a small websocket signalling endpoint that speaks the
  ``media.*`` messages through ``server.video.signalling.handle_media``;
* **host**: one aiortc peer publishing the synthetic presenter test card at
  1280×720, 30 fps, with a stamp in each picture (frame counter and the time it
  was made, tests/server/video_peers.py), and the synthetic voice; its VP8
  bitrate is held at ``--host-kbps`` (1000), so that every run gets the same input;
* **seats**: aiortc peers that watch (360×640 at 15 fps out), up to
  ``--per-process`` in each process. The first ``--probes`` seats of each
  process decode every picture and read its stamp; the others receive and
  decrypt every packet, then drop it (``_Light``), so that fifty seats fit on a
  2-core machine next to the server (which sends every seat every packet either
  way).

For each seat count the seats connect, the stream settles for ``--warm``
seconds, then for ``--duration`` seconds the server's CPU time is read from
``/proc/<pid>/stat`` (Linux) and every picture a seat reads gives one
glass-to-glass sample: stamped at the host → read at the seat
(``time.monotonic``, one clock for every process on a machine).

Printed: server CPU (% of one core) per seat count, CPU(50)/CPU(1) (for each round,
and with ``--rounds`` above 1 for the medians over the rounds), latency
p50/p95/max and the pictures a second each decoding seat got, the video
RTP packets a second each light seat got, and the CPU of the host and seat processes.

Run:  uv run python bench/bench_video.py --probes 1 --rounds 3    (1, 10, 50 seats, 20 s each,
      three times: about five minutes)
      uv run python bench/bench_video.py --seats 1 10 --duration 10    (a quick look)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOST_SIZE = (1280, 720)


# ---------------------------------------------------------------- the three roles


def serve(coach: bool) -> None:
    """The relay with a websocket signalling endpoint; prints its port."""
    from websockets.asyncio.server import ServerConnection, serve as ws_serve

    from media.faces import HaarFaceDetector
    from server.video.coaching import LiveCoach
    from server.video.peer import MediaHub
    from server.video.signalling import MediaParty, decode_media, handle_media

    async def go() -> None:
        hub = MediaHub(coach=LiveCoach(HaarFaceDetector()) if coach else None)

        async def handler(ws: ServerConnection) -> None:
            hello = json.loads(await ws.recv())
            party = MediaParty(str(hello["owner"]), may_publish=bool(hello["host"]),
                               coached=False, lang="en")
            # As in the drill (server.video.room_video): the peers outlive the websocket.
            async for raw in ws:
                for reply in await handle_media(hub, party, decode_media(str(raw))):
                    await ws.send(json.dumps(reply))

        loop = asyncio.get_running_loop()
        async with ws_serve(handler, "127.0.0.1", 0, max_size=2**20, ping_interval=None) as ws:
            port = next(iter(ws.sockets)).getsockname()[1]
            print(json.dumps({"port": port, "pid": os.getpid()}), flush=True)
            while (await loop.run_in_executor(None, sys.stdin.readline)).strip() == "stats":
                stats = hub.relay.stats
                print(json.dumps({"host": hub.status.host.value, "peers": hub.peer_count,
                                  "frames_in": stats.frames_in, "late": stats.frames_late,
                                  "encoded": stats.frames_encoded,
                                  "keyframes": stats.keyframes}), flush=True)
        await hub.close()

    asyncio.run(go())


async def _connect(port: int, owner: str, host: bool, pc: Any, purpose: str) -> Any:
    from aiortc import RTCSessionDescription
    from websockets.asyncio.client import connect

    ws = await connect(f"ws://127.0.0.1:{port}", max_size=2**20, ping_interval=None)
    await ws.send(json.dumps({"owner": owner, "host": host}))
    await pc.setLocalDescription(await pc.createOffer())
    await ws.send(json.dumps({"type": "media.offer", "v": 2, "id": 1, "purpose": purpose,
                              "sdp": pc.localDescription.sdp}))
    answer = json.loads(await ws.recv())
    if answer.get("type") != "media.answer":
        raise SystemExit(f"the server refused {owner}: {answer}")
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
    return ws


def host(port: int, kbps: int) -> None:
    """Publish the stamped 720p30 test card and the voice; on a line "t0 t1" from stdin,
    report the video bitrate sent in that window, then stop."""
    from aiortc import RTCConfiguration, RTCPeerConnection
    from aiortc.codecs import vpx

    from tests.server.video_peers import StampedCamera, SyntheticVoiceTrack

    if kbps:
        # aiortc's VP8 encoder starts at 500 kbps and follows the receiver's REMB between
        # 250 kbps and 1.5 Mbps (aiortc/codecs/vpx.py): the host's bitrate, and with it
        # the server's decoding, would differ between runs. Held at one rate, the
        # server gets the same input whatever the number of seats.
        vpx.DEFAULT_BITRATE = vpx.MIN_BITRATE = vpx.MAX_BITRATE = kbps * 1000

    async def go() -> None:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        pc.addTrack(StampedCamera(*HOST_SIZE))
        pc.addTrack(SyntheticVoiceTrack())
        ws = await _connect(port, "host", True, pc, "publish")
        pc.on("connectionstatechange", lambda: print(
            f"host: peer {pc.connectionState}", file=sys.stderr))
        print(json.dumps({"published": True, "pid": os.getpid()}), flush=True)
        sent: list[tuple[float, int]] = []  # (time.monotonic, video bytes sent so far)
        video = next(s for s in pc.getSenders() if s.track and s.track.kind == "video")
        # What the server asks of the host: keyframes (RTCP PLI/FIR) and packets again (NACK).
        asked: dict[str, list[float]] = {"keyframes": [], "resent": []}
        for name, key in (("_send_keyframe", "keyframes"), ("_retransmit", "resent")):
            original = getattr(video, name)

            def counted(*args: Any, _original: Any = original, _key: str = key) -> Any:
                asked[_key].append(time.monotonic())
                return _original(*args)

            setattr(video, name, counted)
        line = asyncio.ensure_future(
            asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline))
        while not line.done():
            stats = await video.getStats()
            octets = sum(getattr(s, "bytesSent", 0) for s in stats.values()
                         if s.type == "outbound-rtp")
            sent.append((time.monotonic(), octets))
            await asyncio.wait([line], timeout=0.5)  # a sampling period, not synchronisation
        t0, t1 = (float(x) for x in (await line).split())
        window = [b for t, b in sent if t0 <= t <= t1]
        kbps_sent = 8 * (window[-1] - window[0]) / (t1 - t0) / 1000 if len(window) > 1 else 0.0
        print(json.dumps({"video_kbps": kbps_sent,
                          **{key: sum(t0 <= t <= t1 for t in times)
                             for key, times in asked.items()}}), flush=True)
        await pc.close()
        await ws.close()

    asyncio.run(go())


class _Light:
    """Seats that receive every packet but stop there (see ``--probes``).

    In a light seat's process aiortc's ``RTCDtlsTransport._handle_rtp_data`` (aiortc 1.16)
    counts each decrypted RTP packet and drops it, instead of parsing, reordering and
    decoding it. ICE (with its consent checks), DTLS and SRTP run as in any peer, so
    the server does exactly the same work for a light seat as for a real one: it
    sends every seat every packet, whatever the seat does with it.
    """

    def __init__(self) -> None:
        from aiortc.rtcdtlstransport import RTCDtlsTransport

        self.counts: dict[object, int] = {}
        original = RTCDtlsTransport._handle_rtp_data
        counts = self.counts

        async def handle(transport: Any, data: bytes, arrival_time_ms: int) -> None:
            if transport in counts:
                counts[transport] += 1
                return
            await original(transport, data, arrival_time_ms)

        RTCDtlsTransport._handle_rtp_data = handle  # type: ignore[method-assign,assignment]

    def add(self, pc: Any) -> None:
        for transceiver in pc.getTransceivers():
            self.counts.setdefault(transceiver.receiver.transport, 0)

    def packets(self, pc: Any) -> int:
        transports = {t.receiver.transport for t in pc.getTransceivers()}
        return sum(self.counts.get(t, 0) for t in transports)


def seats(port: int, first: int, count: int, probes: int) -> None:
    """Watch with ``count`` seats, the first ``probes`` of them decoding; on a line "t0 t1"
    from stdin, report the pictures of that window."""
    from aiortc import RTCConfiguration, RTCPeerConnection

    from tests.server.video_peers import SeatPeer

    light = _Light()

    async def go() -> None:
        peers: list[SeatPeer] = []
        sockets = []
        for i in range(first, first + count):
            pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
            seat = SeatPeer(pc)
            pc.addTransceiver("video", direction="recvonly")
            pc.addTransceiver("audio", direction="recvonly")
            if i - first >= probes:
                light.add(pc)
            pc.on("track", seat._on_track)
            sockets.append(await _connect(port, f"seat{i}", False, pc, "watch"))
            peers.append(seat)
        for seat in peers[:probes]:
            # A starved machine may not deliver pictures in time: measure it anyway.
            with contextlib.suppress(TimeoutError):
                await seat.until(lambda s: len(s.pictures) >= 3, timeout=60)
        deadline = time.monotonic() + 60
        for seat in peers[probes:]:
            while light.packets(seat.pc) == 0 and time.monotonic() < deadline:
                await asyncio.sleep(0.2)  # a readiness poll, outside any measured window
        ready_at = time.monotonic()
        before = [light.packets(seat.pc) for seat in peers[probes:]]
        print(json.dumps({"ready": count}), flush=True)
        line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        t0, t1 = (float(x) for x in line.split())
        latencies: list[int] = []
        rates: list[float] = []
        for seat in peers[:probes]:
            window = [lat for _, at, lat in seat.pictures if t0 <= at <= t1]
            latencies += window
            rates.append(len(window) / (t1 - t0) if t1 > t0 else 0.0)
        elapsed = time.monotonic() - ready_at
        after = [light.packets(seat.pc) for seat in peers[probes:]]
        packet_rates = [(b - a) / elapsed for a, b in zip(before, after, strict=True)]
        print(json.dumps({"latencies": latencies, "rates": rates,
                          "light_packet_rates": packet_rates}), flush=True)
        for seat in peers:
            await seat.close()
        for ws in sockets:
            await ws.close()

    asyncio.run(go())


# ---------------------------------------------------------------- the measurement


def cpu_split(pid: int) -> tuple[float, float]:
    """CPU seconds of process ``pid`` so far: (user, kernel), from ``/proc/<pid>/stat``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def cpu_seconds(pid: int) -> float:
    return sum(cpu_split(pid))


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, __file__, *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)


def _line(proc: subprocess.Popen[str]) -> dict[str, Any]:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise SystemExit(f"a benchmark process ended early (exit {proc.wait()})")
    return dict(json.loads(line))


def _say(proc: subprocess.Popen[str], text: str) -> None:
    assert proc.stdin is not None
    proc.stdin.write(text + "\n")
    proc.stdin.flush()


def run_one(n: int, per_process: int, probes: int, warm: float, duration: float,
            coach: bool, host_kbps: int) -> dict[str, Any]:
    server = _spawn("--role", "server", *([] if coach else ["--no-coach"]))
    procs = [server]
    try:
        info = _line(server)
        port, pid = str(info["port"]), int(info["pid"])
        publisher = _spawn("--role", "host", "--port", port, "--host-kbps", str(host_kbps))
        procs.append(publisher)
        _line(publisher)
        groups = []
        for first in range(0, n, per_process):
            group = _spawn("--role", "seats", "--port", port, "--first", str(first),
                           "--count", str(min(per_process, n - first)),
                           "--probes", str(probes))
            procs.append(group)
            groups.append(group)
        for group in groups:
            _line(group)
        time.sleep(warm)  # a benchmark's settling time, not synchronisation
        others = [p.pid for p in procs[1:]]
        (u0, k0), o0, t0 = cpu_split(pid), sum(map(cpu_seconds, others)), time.monotonic()
        time.sleep(duration)
        (u1, k1), o1, t1 = cpu_split(pid), sum(map(cpu_seconds, others)), time.monotonic()
        _say(server, "stats")
        relay = _line(server)
        _say(publisher, f"{t0} {t1}")
        host_sent = _line(publisher)
        latencies: list[int] = []
        rates: list[float] = []
        light: list[float] = []
        for group in groups:
            _say(group, f"{t0} {t1}")
            report = _line(group)
            latencies += report["latencies"]
            rates += report["rates"]
            light += report["light_packet_rates"]
        q = statistics.quantiles(latencies, n=100) if len(latencies) > 100 else None
        return {
            "seats": n,
            "cpu_pct": 100 * (u1 - u0 + k1 - k0) / (t1 - t0),
            # In the kernel: the UDP sends, and on loopback also each seat's receiving end,
            # which the kernel runs in the sending system call.
            "kernel_pct": 100 * (k1 - k0) / (t1 - t0),
            "clients_cpu_pct": 100 * (o1 - o0) / (t1 - t0),
            "host_video_kbps": host_sent["video_kbps"],
            "host_keyframes_asked": host_sent["keyframes"],
            "host_packets_resent": host_sent["resent"],
            "p50_ms": statistics.median(latencies) if latencies else None,
            "p95_ms": q[94] if q else None,
            "max_ms": max(latencies) if latencies else None,
            "fps_min": min(rates) if rates else 0.0,
            "fps_median": statistics.median(rates) if rates else 0.0,
            "decoding_seats": len(rates),
            "load_average": os.getloadavg()[0],
            "relay": relay,
            "light_rtp_packets_per_s_min": min(light) if light else None,
        }
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                try:
                    _say(proc, "0 0")
                    proc.wait(timeout=20)
                except (BrokenPipeError, subprocess.TimeoutExpired):
                    proc.kill()
                    proc.wait()


def ratios(results: list[dict[str, Any]], round_: int | None) -> None:
    """Print CPU at the most seats ÷ CPU at one seat, for one round or (None) for the
    medians over all rounds."""
    chosen = [r for r in results if round_ is None or r["round"] == round_]
    counts = sorted({r["seats"] for r in chosen})
    if 1 not in counts or len(counts) < 2:
        return
    most = counts[-1]

    def cpu(n: int, user_only: bool) -> float:
        return float(statistics.median(r["cpu_pct"] - (r["kernel_pct"] if user_only else 0.0)
                                       for r in chosen if r["seats"] == n))

    label = f"round {round_}" if round_ is not None else "median of the rounds"
    print(f"{label}: CPU({most}) / CPU(1) = {cpu(most, False) / cpu(1, False):.2f}, "
          f"user-space only {cpu(most, True) / cpu(1, True):.2f}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--role", choices=["server", "host", "seats"])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--no-coach", action="store_true", help="run the relay without coaching")
    parser.add_argument("--seats", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--per-process", type=int, default=10)
    parser.add_argument("--probes", type=int, default=10,
                        help="seats per process that decode and read every picture; the "
                             "others receive and acknowledge every packet but skip decoding")
    parser.add_argument("--host-kbps", type=int, default=1000,
                        help="the host's VP8 bitrate, held (0: aiortc's, which follows REMB)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure every seat count this many times, one after the other")
    parser.add_argument("--warm", type=float, default=4.0)
    parser.add_argument("--duration", type=float, default=20.0)
    args = parser.parse_args()
    if args.role:
        logging.basicConfig(level=logging.WARNING, format=f"{args.role}: %(name)s %(message)s")
    if args.role == "server":
        serve(not args.no_coach)
        return 0
    if args.role == "host":
        host(args.port, args.host_kbps)
        return 0
    if args.role == "seats":
        seats(args.port, args.first, args.count, args.probes)
        return 0
    print(f"host {HOST_SIZE[0]}x{HOST_SIZE[1]} at 30 fps in, seats 360x640 at 15 fps out, "
          f"host video {f'{args.host_kbps} kbps' if args.host_kbps else 'following REMB'}, "
          f"coaching {'off' if args.no_coach else 'on'}, {os.cpu_count()} CPUs, "
          f"{args.duration:.0f} s each, {args.rounds} round(s), "
          f"load average {os.getloadavg()[0]:.1f}")
    results = []
    for round_ in range(1, args.rounds + 1):
        for n in args.seats:
            result = run_one(n, args.per_process, args.probes, args.warm, args.duration,
                             not args.no_coach, args.host_kbps)
            result["round"] = round_
            results.append(result)
            print(f"{n:3d} seats: server CPU {result['cpu_pct']:5.1f} % (kernel "
                  f"{result['kernel_pct']:.1f} %)  latency p50 "
                  f"{result['p50_ms']} ms p95 {result['p95_ms']} ms max {result['max_ms']} ms  "
                  f"pictures/s per seat min {result['fps_min']:.1f} median "
                  f"{result['fps_median']:.1f} ({result['decoding_seats']} decoding seats; "
                  f"light seats' RTP packets/s min {result['light_rtp_packets_per_s_min']})  "
                  f"host video in {result['host_video_kbps']:.0f} kbps (keyframes asked "
                  f"{result['host_keyframes_asked']}, packets sent again "
                  f"{result['host_packets_resent']}), "
                  f"host and seat processes {result['clients_cpu_pct']:.0f} %, load average "
                  f"{result['load_average']:.1f}; relay {result['relay']}", flush=True)
        ratios(results, round_)
    if args.rounds > 1:
        ratios(results, None)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
