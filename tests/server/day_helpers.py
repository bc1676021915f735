"""Helpers for the training-day tests: an overview client, rooms driven to act, HTTP gets."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from protocol.day import DAY_SERVER_MESSAGE
from protocol.outbound import SERVER_MESSAGE

from .helpers import TIMEOUT, Client, ack_for, is_event


class DayClient:
    """The organiser's overview on ``/ws/day``; every message it gets is checked against
    the overview's (or the drill protocol's) models."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.received: list[dict[str, Any]] = []
        self._id = 0

    @classmethod
    async def open(cls, port: int, key: str | None = None, lang: str = "en") -> DayClient:
        client = cls(await connect(f"ws://127.0.0.1:{port}/ws/day", max_queue=None))
        if key is not None:
            welcome = await client.request(type="day_hello", key=key, lang=lang)
            assert welcome["type"] == "day_welcome", welcome
        return client

    async def send(self, **message: Any) -> int:
        self._id += 1
        message.setdefault("v", 1)
        message.setdefault("id", self._id)
        await self.ws.send(json.dumps(message))
        return int(message["id"])

    async def until(self, pred: Callable[[dict[str, Any]], bool],
                    timeout: float = TIMEOUT) -> dict[str, Any]:
        async def scan() -> dict[str, Any]:
            while True:
                msg: dict[str, Any] = json.loads(await self.ws.recv())
                if msg["type"] in ("error", "pong"):
                    SERVER_MESSAGE.validate_python(msg)
                else:
                    DAY_SERVER_MESSAGE.validate_python(msg)
                self.received.append(msg)
                if pred(msg):
                    return msg
        return await asyncio.wait_for(scan(), timeout)

    async def request(self, **message: Any) -> dict[str, Any]:
        """Send a message and wait for its answer (the welcome or an error for a hello)."""
        ident = await self.send(**message)
        if message["type"] == "day_hello":
            return await self.until(lambda m: m["type"] in ("day_welcome", "error"))
        return await self.until(lambda m: m.get("id") == ident)

    async def create(self, scenario: str, name: str, **fields: Any) -> dict[str, Any]:
        answer = await self.request(type="day_create", scenario=scenario, name=name, **fields)
        assert answer["type"] == "day_created", answer
        room: dict[str, Any] = answer["room"]
        return room

    async def close(self) -> None:
        await self.ws.close()


@dataclass
class Seated:
    """A room's trainer and one moderator seat, connected."""

    code: str
    trainer: Client
    seat: Client
    welcome: dict[str, Any]


async def seat_room(url: str, code: str, key: str, name: str) -> Seated:
    trainer = await Client.open(url)
    tw = await trainer.join(code, role="trainer", key=key)
    assert tw["type"] == "welcome", tw
    seat = await Client.open(url)
    welcome = await seat.join(code, name=name)
    assert welcome["type"] == "welcome", welcome
    return Seated(code, trainer, seat, welcome)


async def delete_some(seated: Seated, count: int) -> list[str]:
    """Raid the running room and let the seat delete ``count`` comments, each acknowledged."""
    ident = await seated.trainer.send(type="inject", kind="troll_raid", count=5, over_s=1)
    assert (await seated.trainer.until(ack_for(ident)))["accepted"]
    deleted: list[str] = []
    while len(deleted) < count:
        msg = await seated.seat.until(lambda m: is_event("comment")(m)
                                      and m["event"]["hidden"] is None, timeout=30)
        ident = await seated.seat.send(type="action", action={"type": "delete",
                                                              "comment": msg["event"]["id"]})
        ack = await seated.seat.until(ack_for(ident))
        if ack["accepted"]:  # a comment may have scrolled away meanwhile
            deleted.append(msg["event"]["id"])
    return deleted


def http_get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), b""
