"""What a :class:`server.app.DrillServer` is composed with: where its rooms live, and how
their journals are written.

A server takes a :class:`Placement` (which rooms exist, which of them this
process holds, where a ``hello`` for another room goes, how the training day's
overview sees and drives them) and a :class:`Journals` (each held room's
journal, and when what a room decided may be sent). The defaults here are the
one-process server's: every room of the day is held here and journalled to the
SQLite store, and an outcome is sent at once. :mod:`server.cluster` gives the
Redis implementations (one object plays both parts): rooms placed on workers,
journals in Redis streams, outcomes sent once their records are written.

A placement reaches the server only through :class:`RoomHost`, the server's
public face for its collaborators (aiortc composes its peer connection alike,
through parameters and events rather than subclasses).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from enum import Enum
from typing import Protocol

from websockets.asyncio.server import ServerConnection, broadcast

from i18n import translate
from moderation.content import ContentIndex
from protocol.day import DayCreate, DayRoom
from protocol.inbound import Command, ErrorCode, Hello
from protocol.outbound import ErrorOut, encode
from scenarios import load_content, load_economy, load_scenario

from .day import DayFiles, Glances, day_files
from .journal import Journal
from .outbox import Outcome
from .overview import HeldRooms, Refused
from .room import DrillRoom
from .store import RoomRecord, Store

__all__ = ["Journals", "LocalPlacement", "Placement", "RoomHost", "Routed", "StoreJournals",
           "build_room", "error_text", "new_code", "new_key", "now_ms"]


def now_ms() -> int:
    return int(time.monotonic() * 1000)


def new_code(taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A six-digit join code, like a quiz game PIN, not one of ``taken``."""
    while True:
        code = f"{secrets.randbelow(900_000) + 100_000}"
        if code not in taken:
            return code


def new_key() -> str:
    """A room's trainer key."""
    return secrets.token_urlsafe(12)


def build_room(code: str, key: str, scenario_ref: str, seed: int) -> DrillRoom:
    """Load the scenario and make a room (raises ScenarioError for a bad reference)."""
    scenario = load_scenario(scenario_ref)
    content = ContentIndex(load_content(scenario), scenario.topic)
    return DrillRoom(code, key, scenario, content, load_economy(), seed)


def error_text(code: ErrorCode, lang: str, msg_id: int | None = None, detail: str = "") -> str:
    """An encoded ``error`` message (for the connection layer's own errors)."""
    return encode(ErrorOut(code=code, message=translate(f"serve.error.{code.value}", lang),
                           detail=detail, id=msg_id))


class Routed(Enum):
    """What became of a ``hello`` for a room this server does not hold."""

    #: It was answered (``room_not_found``); the connection may send another ``hello``.
    ANSWERED = "answered"
    #: The connection was handed to the worker holding the room and has ended.
    ELSEWHERE = "elsewhere"


class RoomHost(Protocol):
    """What a placement may use of the server that serves the rooms it holds."""

    @property
    def rooms(self) -> dict[str, DrillRoom]:
        """The rooms served here, by code."""

    @property
    def records(self) -> dict[str, RoomRecord]:
        """How each room served here was made."""

    @property
    def glances(self) -> Glances:
        """The rooms at a glance, for the overview."""

    @property
    def store(self) -> Store:
        """The data folder: the organiser's key, the rooms' codes and journals (SQLite)."""

    def hold(self, room: DrillRoom, record: RoomRecord) -> None:
        """Serve ``room`` (rebuilt from its journal, which is set): a running one pauses."""

    def add_room(self, room: DrillRoom, scenario_ref: str, name: str = "",
                 lang: str = "id") -> None:
        """Serve a new room made here, recorded in the store."""

    def drop(self, code: str) -> None:
        """Stop serving ``code`` (held elsewhere now): its connections reconnect."""

    def deliver(self, room: DrillRoom, outcome: Outcome,
                conn: ServerConnection | None = None) -> None:
        """Send what ``room`` decided (once its journal has it)."""

    def storage(self, saved: bool) -> None:
        """Tell every connection whether what happens is being saved (``storage``)."""

    def control_here(self, command: Command, codes: list[str]) -> tuple[list[str], list[str]]:
        """Give ``command`` to the rooms ``codes`` served here: (done, skipped)."""

    def new_room_ref(self, msg: DayCreate, rooms: int) -> str | Refused:
        """The scenario reference a new room asked for by ``msg`` plays, or why not."""

    def scenario_title(self, ref: str, lang: str) -> str:
        """The title of the scenario ``ref`` names (the reference itself if unknown)."""


class Placement(HeldRooms, Protocol):
    """Where the rooms live and which worker holds each; how the day's overview sees them.

    The server calls :meth:`attach` once, when it is made; :meth:`open` before it listens,
    :meth:`start` once it listens, :meth:`close` when it stops.
    """

    @property
    def glancing(self) -> bool:
        """Whether the rooms' glances are wanted even with no overview open here (other
        workers' overviews read them)."""

    @property
    def healthy(self) -> bool:
        """Whether what the rooms decide can be saved now (``/healthz``)."""

    def attach(self, host: RoomHost) -> None:
        """The server this placement places rooms for."""

    async def open(self) -> None:
        """Before the server listens (connect to what holds the placement)."""

    async def start(self, host: str, port: int) -> None:
        """The server listens at ``host``:``port``: take the rooms that are this one's."""

    async def close(self) -> None:
        """The server stopped: let go of the rooms held here."""

    async def find(self, ws: ServerConnection, hello: Hello,
                   raw: str | bytes) -> DrillRoom | Routed:
        """The room a ``hello`` names, here; or what became of the connection."""


class Journals(Protocol):
    """Each held room's journal, and when what a room decided may go out."""

    def journal(self, code: str) -> Journal:
        """The journal of room ``code``, held here from now on."""

    def written(self, room: DrillRoom, send: Callable[[], None]) -> None:
        """Run ``send`` once the records ``room`` journalled so far are stored (never, if
        they cannot be)."""


class StoreJournals:
    """Journals in the SQLite store: a record is stored when it is appended."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def journal(self, code: str) -> Journal:
        return self.store.journal(code)

    def written(self, room: DrillRoom, send: Callable[[], None]) -> None:
        send()


class LocalPlacement:
    """Every room of the day lives in this process."""

    def __init__(self) -> None:
        self._host: RoomHost | None = None
        self._making: set[str] = set()

    @property
    def host(self) -> RoomHost:
        assert self._host is not None, "the placement is not attached to a server"
        return self._host

    @property
    def day_key(self) -> str:
        return self.host.store.day_key()

    @property
    def glancing(self) -> bool:
        return False

    @property
    def healthy(self) -> bool:
        return True  # a store that cannot write refuses each record (not_saved)

    def attach(self, host: RoomHost) -> None:
        self._host = host

    async def open(self) -> None:
        pass

    async def start(self, host: str, port: int) -> None:
        pass

    async def close(self) -> None:
        pass

    async def find(self, ws: ServerConnection, hello: Hello,
                   raw: str | bytes) -> DrillRoom | Routed:
        room = self.host.rooms.get(hello.room)
        if room is None:
            broadcast([ws], error_text(ErrorCode.ROOM_NOT_FOUND, hello.lang, hello.id))
            return Routed.ANSWERED
        return room

    def room_lang(self, code: str) -> str | None:
        record = self.host.records.get(code)
        return None if record is None else record.lang

    async def day_rooms(self, lang: str) -> list[DayRoom]:
        host = self.host
        return [host.glances.glance(room, host.records[code], lang)
                for code, room in host.rooms.items()]

    async def create_room(self, msg: DayCreate, lang: str) -> DayRoom | Refused:
        host = self.host
        ref = host.new_room_ref(msg, len(host.rooms))
        if isinstance(ref, Refused):
            return ref
        code = new_code(host.store.codes() | self._making)
        self._making.add(code)  # two rooms made at once get two codes
        try:
            # Loading a scenario's content takes a moment: not on the event loop.
            room = await asyncio.to_thread(build_room, code, new_key(), ref, msg.seed)
            host.add_room(room, ref, msg.name or "", msg.lang)
        finally:
            self._making.discard(code)
        if msg.team_mode:
            _, outcome = room.set_team_mode(True, now_ms())
            host.deliver(room, outcome)
        return host.glances.glance(room, host.records[code], lang)

    async def control_rooms(self, command: Command,
                            codes: list[str] | None) -> tuple[list[str], list[str]]:
        return self.host.control_here(command, list(self.host.rooms) if codes is None
                                      else codes)

    async def day_files(self, lang: str) -> DayFiles:
        host = self.host
        rooms = [(host.records[code], room) for code, room in host.rooms.items()]
        return day_files(rooms, lang, translate("serve.day_report.title", lang))
