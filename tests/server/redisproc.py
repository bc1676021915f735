"""Real ``redis-server`` processes (Debian's) for the tests: on free ports of 127.0.0.1, in temp
dirs. A :class:`RedisProcess` can be killed (SIGKILL) and started again on the same port and
folder (its append-only file brings the data back); :func:`sentinel_set` starts a primary, a
replica and three sentinels (``redis-server --sentinel``) watching them."""

from __future__ import annotations

import contextlib
import subprocess
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.realparts import REDIS_SERVER

from .serverproc import free_port

REDIS = REDIS_SERVER
#: The name the sentinels know the primary by (``redis+sentinel://…/gladi``).
SERVICE = "gladi"


class RedisProcess:
    """One redis-server on 127.0.0.1:``port`` keeping its files in ``folder``."""

    def __init__(self, folder: Path, *, aof: bool = True, options: Sequence[str] = (),
                 ready: str = "Ready to accept connections") -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.port = free_port()
        self.aof = aof
        self.options = list(options)
        self.ready = ready
        self.proc: subprocess.Popen[str] | None = None
        #: Everything it logged.
        self.log: list[str] = []

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def args(self) -> list[str]:
        return [str(REDIS), "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
                str(self.folder), "--save", "", "--appendonly", "yes" if self.aof else "no",
                "--daemonize", "no", "--loglevel", "notice", *self.options]

    def start(self) -> None:
        """Start it and wait until its log says it is ready (a thread keeps reading the log,
        so that a chatty sentinel never blocks on a full pipe)."""
        proc = subprocess.Popen(self.args(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)
        self.proc = proc
        ready = threading.Event()

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                self.log.append(line)
                if self.ready in line:
                    ready.set()
            ready.set()  # it ended

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(30) or proc.poll() is not None:
            raise RuntimeError("redis-server did not start:\n" + "".join(self.log))

    def kill(self) -> None:
        """SIGKILL, like a machine that lost power (the page cache survives: a process kill)."""
        self._end(kill=True)

    def stop(self) -> None:
        self._end(kill=False)

    def _end(self, *, kill: bool) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if kill:
            proc.kill()
        else:
            proc.terminate()
        proc.wait(10)


@contextlib.contextmanager
def redis_server(folder: Path, *, aof: bool = True) -> Iterator[str]:
    """Start redis-server, wait until it accepts connections, yield its URL, stop it. With
    its append-only file on unless ``aof`` is False (``gladi serve --redis`` refuses a Redis
    without it unless ``--redis-ephemeral``)."""
    server = RedisProcess(folder, aof=aof)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@dataclass
class SentinelSet:
    """A primary, its replica and three sentinels watching them."""

    primary: RedisProcess
    replica: RedisProcess
    sentinels: list[RedisProcess]

    @property
    def url(self) -> str:
        hosts = ",".join(f"127.0.0.1:{s.port}" for s in self.sentinels)
        return f"redis+sentinel://{hosts}/{SERVICE}"


class _Sentinel(RedisProcess):
    """``redis-server sentinel.conf --sentinel`` (what Debian's redis-sentinel runs)."""

    def __init__(self, folder: Path, primary: int) -> None:
        super().__init__(folder, ready="+monitor master")
        self.primary = primary

    def args(self) -> list[str]:
        conf = self.folder / "sentinel.conf"  # the sentinel rewrites it: one per sentinel
        conf.write_text("\n".join([
            f"port {self.port}", "bind 127.0.0.1", f"dir {self.folder}",
            f"sentinel monitor {SERVICE} 127.0.0.1 {self.primary} 2",
            f"sentinel down-after-milliseconds {SERVICE} 1000",
            f"sentinel failover-timeout {SERVICE} 10000",
            f"sentinel parallel-syncs {SERVICE} 1", ""]))
        return [str(REDIS), str(conf), "--sentinel", "--loglevel", "notice"]


@contextlib.contextmanager
def sentinel_set(folder: Path) -> Iterator[SentinelSet]:
    """Start a primary (AOF on), a replica of it (AOF on) and three sentinels; stop them."""
    primary = RedisProcess(folder / "primary")
    started: list[RedisProcess] = []
    try:
        primary.start()
        started.append(primary)
        replica = RedisProcess(folder / "replica", options=[
            "--replicaof", "127.0.0.1", str(primary.port)],
            ready="MASTER <-> REPLICA sync: Finished with success")
        replica.start()
        started.append(replica)
        sentinels: list[RedisProcess] = []
        for i in range(3):
            sentinel = _Sentinel(folder / f"sentinel{i}", primary.port)
            sentinel.start()
            started.append(sentinel)
            sentinels.append(sentinel)
        yield SentinelSet(primary, replica, sentinels)
    finally:
        for proc in reversed(started):
            proc.stop()
