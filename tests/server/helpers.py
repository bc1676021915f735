"""Helpers for the server tests: an in-process server on 127.0.0.1 and a small client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from protocol.outbound import SERVER_MESSAGE
from server.app import DrillServer, build_room
from server.room import DrillRoom
from server.store import Store

TIMEOUT = 10.0


@dataclass
class Running:
    server: DrillServer
    room: DrillRoom
    port: int

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextlib.asynccontextmanager
async def running_server(data: Path, scenario: str = "serbuan-troll", seed: int = 1,
                         **kwargs: Any) -> AsyncIterator[Running]:
    """A drill server with one room, listening on a free port of 127.0.0.1."""
    store = Store(data)
    srv = DrillServer(store, **kwargs)
    room = build_room("123456", "kunci-" + secrets.token_hex(4), scenario, seed)
    srv.add_room(room, scenario)
    stop = asyncio.Event()
    started: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(srv.run("127.0.0.1", 0, started, stop))
    server = await started
    port = next(iter(server.sockets)).getsockname()[1]
    try:
        yield Running(srv, room, port)
    finally:
        stop.set()
        await task
        store.close()


class Client:
    """A protocol client that records everything it receives."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.received: list[dict[str, Any]] = []
        self._next = 0
        self._id = 0

    @classmethod
    async def open(cls, url: str, **kwargs: Any) -> Client:
        # An unbounded receive queue: a test reads only what it checks, and a full
        # queue would stop the client reading the server's close frame.
        kwargs.setdefault("max_queue", None)
        return cls(await connect(url, **kwargs))

    async def close(self) -> None:
        await self.ws.close()

    async def send(self, **message: Any) -> int:
        self._id += 1
        message.setdefault("v", 1)
        message.setdefault("id", self._id)
        await self.ws.send(json.dumps(message))
        return int(message["id"])

    async def send_raw(self, raw: str | bytes) -> None:
        await self.ws.send(raw)

    async def next(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next message not yet consumed by :meth:`next` or :meth:`until`."""
        while self._next >= len(self.received):
            raw = await asyncio.wait_for(self.ws.recv(), timeout)
            msg = json.loads(raw)
            SERVER_MESSAGE.validate_python(msg)  # every message matches docs/protocol.md
            self.received.append(msg)
        msg = self.received[self._next]
        self._next += 1
        return msg

    async def until(self, pred: Callable[[dict[str, Any]], bool],
                    timeout: float = TIMEOUT) -> dict[str, Any]:
        """Consume messages until one matches ``pred``."""
        async def scan() -> dict[str, Any]:
            while True:
                msg = await self.next(timeout)
                if pred(msg):
                    return msg
        return await asyncio.wait_for(scan(), timeout)

    async def join(self, room: str, **hello: Any) -> dict[str, Any]:
        await self.send(type="hello", room=room, **hello)
        return await self.until(lambda m: m["type"] in ("welcome", "error", "waiting"))

    def events(self) -> list[dict[str, Any]]:
        return [m for m in self.received if m["type"] in ("event", "room")]


def is_event(kind: str, **fields: Any) -> Callable[[dict[str, Any]], bool]:
    def pred(msg: dict[str, Any]) -> bool:
        if msg["type"] != "event" or msg["event"]["type"] != kind:
            return False
        return all(msg["event"].get(k) == v for k, v in fields.items())
    return pred


def ack_for(msg_id: int) -> Callable[[dict[str, Any]], bool]:
    return lambda m: m["type"] in ("ack", "error") and m.get("id") == msg_id
