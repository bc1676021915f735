"""The training-day overview, as the asyncio layer serves it: ``/ws/day`` and its downloads.

The organiser's console (``/day``) connects to ``ws://HOST:PORT/ws/day`` and
opens with the day's key (:mod:`protocol.day`). From then on it can
make rooms, drive them, and fetch the day's results; every 2 s, while
something changed, it gets every room at a glance. What the rooms are and how
they are driven is the :class:`DayHost`'s business: the one-process server
(:class:`server.app.DrillServer`) or a worker of a Redis cluster
(:mod:`server.cluster`).

Results are not sent over the websocket: ``day_export`` answers a one-time
address (``/day/file/<ticket>``, valid :data:`TICKET_S` seconds) that the
browser downloads like any file. ``/qr/<code>.svg`` is a room's join QR code.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Protocol
from urllib.parse import quote

from websockets.asyncio.server import ServerConnection, broadcast
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from i18n import translate
from protocol.day import (
    DayControl,
    DayControlled,
    DayCreate,
    DayCreated,
    DayExport,
    DayFile,
    DayFormat,
    DayHello,
    DayPing,
    DayRoom,
    DayRooms,
    DayWelcome,
    decode_day,
)
from protocol.inbound import Command, ErrorCode, ProtocolError
from protocol.outbound import ErrorOut, Outbound, PongOut, ScenarioRef, encode

from .day import DayFiles
from .limits import RateLimit
from .pages import qr_svg, response

__all__ = ["DAY_PATH", "PUSH_EVERY_MS", "TICKET_S", "DayDesk", "DayHost", "HeldRooms", "Refused"]

log = logging.getLogger("gladi.server")

#: The overview's websocket endpoint.
DAY_PATH = "/ws/day"
#: How often (wall ms) the overview gets every room, while something changed.
PUSH_EVERY_MS = 2000
#: How long a download address from ``day_export`` stays valid.
TICKET_S = 60.0
HELLO_TIMEOUT_S = 30.0
#: Messages an overview connection may send a second (bursts of twice as many).
RATE = 20.0
_QR = re.compile(r"^/qr/([0-9A-Za-z-]{1,12})\.svg$")
_FILE = re.compile(r"^/day/file/([A-Za-z0-9_-]{20,64})$")


@dataclass(frozen=True, slots=True)
class Refused:
    """A request the host could not carry out, and why (an error code and its detail)."""

    code: ErrorCode
    detail: str = ""


class HeldRooms(Protocol):
    """The day's rooms, wherever they are held: what the overview reads and asks of them."""

    @property
    def day_key(self) -> str:
        """The organiser's key."""

    def room_lang(self, code: str) -> str | None:
        """The language of a room's join link; None if there is no such room."""

    async def day_rooms(self, lang: str) -> list[DayRoom]:
        """Every room of the day at a glance, oldest first."""

    async def create_room(self, msg: DayCreate, lang: str) -> DayRoom | Refused:
        """Make a room as ``msg`` asks."""

    async def control_rooms(self, command: Command,
                            codes: list[str] | None) -> tuple[list[str], list[str]]:
        """Give ``command`` to the rooms ``codes`` (every room: None): (done, skipped)."""

    async def day_files(self, lang: str) -> DayFiles:
        """The day's results."""


class DayHost(HeldRooms, Protocol):
    """What the overview needs of the server that holds the rooms."""

    @property
    def join_base(self) -> str | None:
        """The address phones join at (``http://192.168.1.5:8765``), if known."""

    def scenario_choices(self, lang: str) -> list[ScenarioRef]:
        """The scenarios a new room may run."""


@dataclass(slots=True)
class _Ticket:
    filename: str
    body: bytes
    content_type: str
    expires: float


class DayDesk:
    """Every overview connection of one server, and the files waiting to be downloaded."""

    def __init__(self, host: DayHost) -> None:
        self.host = host
        #: Open overview connections and their language.
        self.watchers: dict[ServerConnection, str] = {}
        self._last: dict[str, str] = {}
        self._pushed = 0
        self._tickets: dict[str, _Ticket] = {}
        self._pushing = False

    # ------------------------------------------------------------ connections

    async def handler(self, ws: ServerConnection) -> None:
        """One overview connection: ``day_hello`` first, then the organiser's requests."""
        lang: str | None = None
        limit = RateLimit(RATE, RATE * 2)
        try:
            while True:
                try:
                    raw = await asyncio.wait_for(ws.recv(),
                                                 HELLO_TIMEOUT_S if lang is None else None)
                except TimeoutError:
                    return
                if not limit.allow(time.monotonic()):
                    self._send(ws, self._error(ErrorCode.RATE_LIMITED, lang or "id", None))
                    continue
                msg = decode_day(raw)
                if isinstance(msg, ProtocolError):
                    self._send(ws, self._error(msg.code, lang or "id", msg.id, msg.detail))
                elif isinstance(msg, DayPing):
                    self._send(ws, PongOut(id=msg.id, t=0))
                elif lang is None:
                    lang = await self._hello(ws, msg)
                else:
                    await self._request(ws, msg, lang)
        except ConnectionClosed:
            pass
        except Exception:  # one connection's bug must not take the server down
            log.exception("overview connection failed")
            with contextlib.suppress(Exception):
                await ws.close(1011, "internal error")
        finally:
            self.watchers.pop(ws, None)

    async def _hello(self, ws: ServerConnection,
                     msg: DayHello | DayCreate | DayControl | DayExport) -> str | None:
        if not isinstance(msg, DayHello):
            self._send(ws, self._error(ErrorCode.NOT_JOINED, "id", msg.id))
            return None
        if not secrets.compare_digest(msg.key, self.host.day_key):
            self._send(ws, self._error(ErrorCode.UNAUTHORISED, msg.lang, msg.id))
            return None
        rooms = await self.host.day_rooms(msg.lang)
        self._send(ws, DayWelcome(rooms=rooms, scenarios=self.host.scenario_choices(msg.lang),
                                  join_base=self.host.join_base))
        self.watchers[ws] = msg.lang
        return msg.lang

    async def _request(self, ws: ServerConnection,
                       msg: DayHello | DayCreate | DayControl | DayExport, lang: str) -> None:
        if isinstance(msg, DayHello):
            self._send(ws, self._error(ErrorCode.ALREADY_JOINED, lang, msg.id))
        elif isinstance(msg, DayCreate):
            made = await self.host.create_room(msg, lang)
            if isinstance(made, Refused):
                self._send(ws, self._error(made.code, lang, msg.id, made.detail))
            else:
                self._send(ws, DayCreated(id=msg.id, room=made))
                self._last.clear()  # everyone sees the new room at the next push
        elif isinstance(msg, DayControl):
            done, skipped = await self.host.control_rooms(msg.command, msg.rooms)
            self._send(ws, DayControlled(id=msg.id, command=msg.command, done=done,
                                         skipped=skipped))
        else:
            self._send(ws, await self._export(msg, lang))

    async def _export(self, msg: DayExport, lang: str) -> DayFile:
        files = await self.host.day_files(lang)
        stamp = time.strftime("%Y%m%d-%H%M")
        if msg.format is DayFormat.ZIP:
            name, body, kind = f"gladi-day-{stamp}.zip", files.archive, "application/zip"
        elif msg.format is DayFormat.CSV:
            name, body, kind = f"gladi-day-{stamp}.csv", files.csv.encode("utf-8"), \
                "text/csv; charset=utf-8"
        else:
            name, body, kind = f"gladi-day-{stamp}.html", files.report.encode("utf-8"), \
                "text/html; charset=utf-8"
        self._expire()
        ticket = secrets.token_urlsafe(24)
        self._tickets[ticket] = _Ticket(name, body, kind, time.monotonic() + TICKET_S)
        return DayFile(id=msg.id, format=msg.format, filename=name,
                       url=f"/day/file/{quote(ticket)}")

    def _expire(self) -> None:
        now = time.monotonic()
        for ticket in [t for t, held in self._tickets.items() if held.expires < now]:
            del self._tickets[ticket]

    @staticmethod
    def _error(code: ErrorCode, lang: str, msg_id: int | None, detail: str = "") -> ErrorOut:
        return ErrorOut(code=code, message=translate(f"serve.error.{code.value}", lang),
                        detail=detail, id=msg_id)

    @staticmethod
    def _send(ws: ServerConnection, message: Outbound) -> None:
        broadcast([ws], encode(message))

    # ------------------------------------------------------------ every room, now and then

    def due(self, now: int) -> bool:
        """Whether it is time to push the rooms to the overviews (and some are open)."""
        return bool(self.watchers) and not self._pushing and now - self._pushed >= \
            PUSH_EVERY_MS

    async def push(self, now: int) -> None:
        """Send every room to each overview whose view of them changed."""
        self._pushed, self._pushing = now, True
        try:
            for lang in set(self.watchers.values()):
                text = encode(DayRooms(rooms=await self.host.day_rooms(lang)))
                if self._last.get(lang) == text:
                    continue
                self._last[lang] = text
                broadcast(self._of(lang), text)
        finally:
            self._pushing = False

    def _of(self, lang: str) -> Iterable[ServerConnection]:
        return [ws for ws, wanted in self.watchers.items() if wanted == lang]

    # ------------------------------------------------------------ HTTP

    def http(self, path: str, request: Request) -> Response | None:
        """``/qr/<code>.svg`` and ``/day/file/<ticket>``; None for any other path."""
        qr = _QR.match(path)
        if qr is not None:
            code = qr.group(1)
            lang = self.host.room_lang(code)
            if lang is None:
                return response(HTTPStatus.NOT_FOUND, b"no such room\n", "text/plain")
            base = self.host.join_base or f"http://{request.headers.get('Host', '')}"
            return response(HTTPStatus.OK, qr_svg(f"{base}/?room={code}&lang={lang}"),
                            "image/svg+xml")
        held = _FILE.match(path)
        if held is not None:
            self._expire()
            ticket = self._tickets.pop(held.group(1), None)
            if ticket is None:
                return response(HTTPStatus.NOT_FOUND, b"expired; export again\n", "text/plain")
            return response(HTTPStatus.OK, ticket.body, ticket.content_type,
                            download=ticket.filename)
        return None
