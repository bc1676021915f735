"""A hotspot on one machine: Linux network namespaces for phones, a hub and the server.

Tests that mean "a phone on a hotspot" must not run on loopback: there, every address is
local, nothing is lost or late, and a browser's hidden (mDNS) addresses never matter. A
:class:`NetBed` builds, as root::

    phone0 ─┐                                        (each its own namespace, eth0 10.213.0.10+i)
    phone1 ─┼─ br0 ── rb═ra ── netrelay ── sv ─── server (eth0 10.213.0.1)
    …      ─┘          └────── hub namespace ──────┘

* Every namespace has ``lo`` up and a default route through its ``eth0`` (without one,
  Chromium gathers no usable ICE candidate). IPv6 is off.
* All traffic between phones and the server passes through :mod:`tests.netrelay`, a
  user-space relay in the hub that adds the profile's delay and jitter and drops multicast
  (so mDNS never resolves, as on many hotspots). This kernel has no ``netem``.
* The profile's shared rate is a ``tbf`` qdisc on both of the relay's interfaces; its loss
  is iptables' ``statistic`` match inside each phone namespace, both ways.
* :meth:`NetBed.cut` takes one phone off the bridge (its link stays up, as in a Wi-Fi
  blip: frames just go nowhere) and :meth:`NetBed.mend` puts it back.

Only addresses inside these namespaces are used. Offloads are off on every veth end (the
relay copies whole frames, which must be real, checksummed, MTU-sized ones).

Programs run inside a namespace with :meth:`NetBed.command` (``ip netns exec``); Playwright
starts Chromium in one through :meth:`NetBed.chromium` (a wrapper script); the test process
itself opens sockets in one with :func:`inside` (``setns`` for the calling thread only).
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import itertools
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLONE_NEWNET = 0x40000000
SUBNET = "10.213.0"
SERVER_IP = f"{SUBNET}.1"

# ethtool's ioctl (linux/ethtool.h): turn off the offloads that make veth frames partial.
SIOCETHTOOL = 0x8946
_OFFLOADS = (0x17, 0x1F, 0x24, 0x2C)  # ETHTOOL_STXCSUM, _STSO, _SGSO, _SGRO


@dataclass(frozen=True, slots=True)
class Profile:
    """What the air between the phones and the server does."""

    name: str
    delay_ms: float = 0.0
    jitter_ms: float = 0.0
    #: Chance that one packet is lost, each way.
    loss: float = 0.0
    #: The rate all phones share, each way (None: as fast as the machine goes).
    rate_mbit: float | None = None


CLEAN_LAN = Profile("clean LAN")
#: A phone's hotspot shared by a hall of phones (issue 23): 30 ms ± 20 ms, 2 % loss, 10 Mbit/s.
CROWDED_HOTSPOT = Profile("crowded hotspot", delay_ms=30, jitter_ms=20, loss=0.02, rate_mbit=10)


def unavailable() -> str | None:
    """Why a bed cannot be built here (one line), or None."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    for tool in ("ip", "tc", "iptables"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    probe = f"glprobe{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if made.returncode != 0:
        return f"cannot make a network namespace: {made.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


def _ip(*args: str) -> None:
    done = subprocess.run(["ip", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")


@contextlib.contextmanager
def inside(namespace: str) -> Iterator[None]:
    """Run the body with the calling thread in ``namespace`` (sockets made there stay there)."""
    libc = ctypes.CDLL(None, use_errno=True)
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    there = os.open(f"/var/run/netns/{namespace}", os.O_RDONLY)
    try:
        if libc.setns(there, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns into {namespace}")
        try:
            yield
        finally:
            if libc.setns(home, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns back home")
    finally:
        os.close(home)
        os.close(there)


def connected(namespace: str, host: str, port: int, timeout: float = 10.0) -> socket.socket:
    """A TCP socket from ``namespace`` to ``host:port`` (give it to websockets' ``sock=``)."""
    with inside(namespace):
        sock = socket.create_connection((host, port), timeout=timeout)
    sock.settimeout(None)
    return sock


def _offloads_off(interface: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for command in _OFFLOADS:
            value = struct.pack("II", command, 0)
            request = struct.pack("16sP", interface.encode(), ctypes.addressof(
                buffer := ctypes.create_string_buffer(value)))
            fcntl.ioctl(sock, SIOCETHTOOL, request)
            del buffer


_numbers = itertools.count()


class NetBed:
    """Namespaces for ``phones`` phones, a hub and a server, joined as the module says."""

    def __init__(self, phones: int = 1, profile: Profile = CLEAN_LAN) -> None:
        tag = f"gl{os.getpid() % 100000}n{next(_numbers)}"
        self.profile = profile
        self.server = f"{tag}-srv"
        self.hub = f"{tag}-hub"
        self.phones = [f"{tag}-ph{i}" for i in range(phones)]
        self.phone_ips = [f"{SUBNET}.{10 + i}" for i in range(phones)]
        self.server_ip = SERVER_IP
        self._relay: subprocess.Popen[str] | None = None
        self._scripts = Path(tempfile.mkdtemp(prefix="gladi-netbed-"))
        self._made: list[str] = []

    # ------------------------------------------------------------ building

    def __enter__(self) -> NetBed:
        try:
            self._build()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _namespace(self, name: str) -> None:
        _ip("netns", "add", name)
        self._made.append(name)
        self.run(name, "ip", "link", "set", "lo", "up")
        for knob in ("all", "default"):
            self.run(name, "sysctl", "-qw", f"net.ipv6.conf.{knob}.disable_ipv6=1")

    def _up(self, namespace: str, *interfaces: str) -> None:
        with inside(namespace):
            for interface in interfaces:
                _offloads_off(interface)
        for interface in interfaces:
            self.run(namespace, "ip", "link", "set", interface, "up")

    def _build(self) -> None:
        for name in (self.hub, self.server, *self.phones):
            self._namespace(name)
        hub = self.hub
        self.run(hub, "ip", "link", "add", "br0", "type", "bridge")
        self.run(hub, "ip", "link", "set", "br0", "up")
        _ip("link", "add", "ra", "netns", hub, "type", "veth", "peer", "name", "rb", "netns", hub)
        _ip("link", "add", "sv", "netns", hub, "type", "veth", "peer", "name", "eth0",
            "netns", self.server)
        self._up(hub, "ra", "rb", "sv")
        self.run(hub, "ip", "link", "set", "rb", "master", "br0")
        self._address(self.server, self.server_ip, via=None)
        for i, (phone, address) in enumerate(zip(self.phones, self.phone_ips, strict=True)):
            _ip("link", "add", f"p{i}", "netns", hub, "type", "veth", "peer", "name", "eth0",
                "netns", phone)
            self._up(hub, f"p{i}")
            self.run(hub, "ip", "link", "set", f"p{i}", "master", "br0")
            self._address(phone, address, via=self.server_ip)
            if self.profile.loss:
                self._lose(phone, self.profile.loss)
        if self.profile.rate_mbit is not None:
            for interface in ("ra", "sv"):
                self.run(hub, "tc", "qdisc", "add", "dev", interface, "root", "tbf", "rate",
                         f"{self.profile.rate_mbit}mbit", "burst", "32kb", "latency", "300ms")
        self._relay = subprocess.Popen(
            self.command(hub, sys.executable, "-m", "tests.netrelay", "ra", "sv",
                         "--delay-ms", str(self.profile.delay_ms),
                         "--jitter-ms", str(self.profile.jitter_ms)),
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self._relay.stdout is not None
        if self._relay.stdout.readline().strip() != "ready":
            raise RuntimeError("the bed's relay did not start")

    def _address(self, namespace: str, address: str, via: str | None) -> None:
        with inside(namespace):
            _offloads_off("eth0")
        self.run(namespace, "ip", "addr", "add", f"{address}/24", "dev", "eth0")
        self.run(namespace, "ip", "link", "set", "eth0", "up")
        route = ["via", via] if via is not None else ["dev", "eth0"]
        self.run(namespace, "ip", "route", "add", "default", *route)

    def _lose(self, namespace: str, chance: float) -> None:
        for chain, way in (("INPUT", "-i"), ("OUTPUT", "-o")):
            self.run(namespace, "iptables", "-A", chain, "!", way, "lo", "-m", "statistic",
                     "--mode", "random", "--probability", str(chance), "-j", "DROP")

    def close(self) -> None:
        if self._relay is not None:
            self._relay.kill()
            self._relay.wait(10)
            for stream in (self._relay.stdin, self._relay.stdout):
                if stream is not None:
                    stream.close()
            self._relay = None
        for name in reversed(self._made):
            subprocess.run(["ip", "netns", "del", name], capture_output=True)
        self._made.clear()
        shutil.rmtree(self._scripts, ignore_errors=True)

    # ------------------------------------------------------------ using

    @staticmethod
    def command(namespace: str, *argv: str) -> list[str]:
        """``argv`` as a command that runs inside ``namespace``."""
        return ["ip", "netns", "exec", namespace, *argv]

    def run(self, namespace: str, *argv: str) -> None:
        done = subprocess.run(self.command(namespace, *argv), capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} in {namespace}: {done.stderr.strip()}")

    def chromium(self, namespace: str, binary: str = "/usr/bin/chromium") -> str:
        """A path to give Playwright's ``executable_path``: Chromium inside ``namespace``."""
        script = self._scripts / f"chromium-{namespace}"
        script.write_text(f'#!/bin/sh\nexec ip netns exec {namespace} {binary} "$@"\n')
        script.chmod(0o755)
        return str(script)

    def cut(self, phone: int) -> None:
        """Take phone ``phone`` off the air: its frames go nowhere, its link stays up."""
        self.run(self.hub, "ip", "link", "set", f"p{phone}", "nomaster")

    def mend(self, phone: int) -> None:
        """Put phone ``phone`` back on the air."""
        self.run(self.hub, "ip", "link", "set", f"p{phone}", "master", "br0")
