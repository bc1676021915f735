"""Run the drill server as a separate process (for the browser and kill-and-restart tests)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def gladi_serve(data: Path, port: int, *options: str) -> subprocess.Popen[str]:
    """``gladi --lang en serve`` on 127.0.0.1:``port`` as a user starts it (``live-pertama``),
    with ``options`` such as ``--https``; its output unbuffered."""
    return subprocess.Popen(
        [sys.executable, "-m", "gladi", "--lang", "en", "serve", *options, "--host",
         "127.0.0.1", "--port", str(port), "--data", str(data), "--scenario", "live-pertama"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})


def kill(proc: subprocess.Popen[str]) -> None:
    """SIGKILL ``proc``, wait for it and close its pipes."""
    proc.kill()
    proc.wait(10)
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


class ServerProcess:
    """``python -m server DATA HOST 0 SCENARIO [options]``; reads the bound port from
    stdout. ``options`` (e.g. ``--redis URL --worker w1``) make it a worker of a cluster;
    ``prefix`` runs it inside something (``ip netns exec NS``: tests/netbed.py)."""

    def __init__(self, data: Path, scenario: str = "serbuan-troll",
                 options: Sequence[str] = (), *, host: str = "127.0.0.1",
                 prefix: Sequence[str] = ()) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.host = host
        self.proc = subprocess.Popen(
            [*prefix, sys.executable, "-m", "server", str(data), host, "0", scenario, *options],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("server did not start: " + (self.proc.stderr.read() if
                                                         self.proc.stderr else ""))
        self.info: dict[str, Any] = json.loads(line)
        self.port: int = self.info["port"]
        rooms = self.info["rooms"]
        #: The first room it holds (empty for a worker that holds none yet).
        self.code: str = rooms[0]["code"] if rooms else ""
        self.key: str = rooms[0]["key"] if rooms else ""
        #: The organiser's key to the training-day overview (``/ws/day``).
        self.day_key: str = self.info["day_key"]

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}/ws"

    @property
    def http(self) -> str:
        return f"http://{self.host}:{self.port}"

    def kill(self) -> None:
        """SIGKILL: no cleanup, no flush — the point of the restart test."""
        kill(self.proc)

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.kill()
