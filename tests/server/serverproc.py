"""Run the drill server as a separate process (for the browser and kill-and-restart tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


class ServerProcess:
    """``python -m server.app DATA 127.0.0.1 0 SCENARIO``; reads the bound port from stdout."""

    def __init__(self, data: Path, scenario: str = "serbuan-troll") -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "server.app", str(data), "127.0.0.1", "0", scenario],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("server did not start: " + (self.proc.stderr.read() if
                                                         self.proc.stderr else ""))
        self.info: dict[str, Any] = json.loads(line)
        self.port: int = self.info["port"]
        self.code: str = self.info["rooms"][0]["code"]
        self.key: str = self.info["rooms"][0]["key"]

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL: no cleanup, no flush — the point of the restart test."""
        self.proc.kill()
        self.proc.wait(10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.kill()
