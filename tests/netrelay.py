"""A user-space Ethernet relay between two interfaces, with delay and jitter: a hotspot's air.

This kernel has no ``netem`` qdisc, so :mod:`tests.netbed` delays the phones' traffic by
passing every frame through this process, which runs inside the bed's hub namespace
(``ip netns exec HUB python -m tests.netrelay A B --delay-ms 30 --jitter-ms 20``). Each
direction has a reader and a writer thread: a frame read from one interface is written to
the other once its time has come (delay ± jitter, uniformly, never reordered: a later frame
never overtakes an earlier one, as on one radio link). Multicast frames (the group bit of the
destination address; broadcast, which ARP needs, passes) are dropped: hotspots and many
access points drop them, and mDNS resolution must not work on the bed.

It prints ``ready`` once both sockets are bound, and runs until killed.
"""

from __future__ import annotations

import argparse
import random
import socket
import sys
import threading
import time
from collections import deque

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
BROADCAST = b"\xff" * 6


class Direction:
    """Frames from ``source`` to ``target``, each held until its time."""

    def __init__(self, source: socket.socket, target: socket.socket, delay_s: float,
                 jitter_s: float, rng: random.Random) -> None:
        self.source = source
        self.target = target
        self.delay_s = delay_s
        self.jitter_s = jitter_s
        self.rng = rng
        self.queue: deque[tuple[float, bytes]] = deque()
        self.ready = threading.Condition()
        self.last_due = 0.0

    def read(self) -> None:
        while True:
            frame, address = self.source.recvfrom(65536)
            if address[2] == PACKET_OUTGOING:  # what we wrote ourselves
                continue
            if frame[0] & 1 and frame[:6] != BROADCAST:
                continue
            now = time.monotonic()
            due = now + max(0.0, self.delay_s + self.rng.uniform(-self.jitter_s, self.jitter_s))
            with self.ready:
                self.last_due = max(self.last_due, due)
                self.queue.append((self.last_due, frame))
                self.ready.notify()

    def write(self) -> None:
        while True:
            with self.ready:
                while not self.queue:
                    self.ready.wait()
                due, frame = self.queue[0]
                wait = due - time.monotonic()
                if wait > 0:
                    self.ready.wait(wait)
                    continue
                self.queue.popleft()
            try:
                self.target.send(frame)
            except OSError:  # the shaper's queue is full, or the link is down: the air lost it
                pass


def bound(interface: str) -> socket.socket:
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.bind((interface, 0))
    return sock


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--delay-ms", type=float, default=0.0)
    parser.add_argument("--jitter-ms", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    a, b = bound(args.a), bound(args.b)
    rng = random.Random(args.seed)
    threads = []
    for source, target in ((a, b), (b, a)):
        way = Direction(source, target, args.delay_ms / 1000, args.jitter_ms / 1000, rng)
        threads += [threading.Thread(target=way.read, daemon=True),
                    threading.Thread(target=way.write, daemon=True)]
    for thread in threads:
        thread.start()
    print("ready", flush=True)
    sys.stdin.read()  # until the bed closes our stdin, or kills us


if __name__ == "__main__":
    main()
