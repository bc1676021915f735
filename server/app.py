"""The thin asyncio layer: websockets in and out, static files, the room clock, SQLite.

Everything a room decides lives in :mod:`server.room` (sans-I/O). This module
only moves bytes: it decodes client messages (:mod:`protocol.inbound`), hands
them to the room with the current monotonic time (the room journals each input
to :mod:`server.store` before it takes effect), and fans the room's messages
out with :func:`websockets.asyncio.server.broadcast`.

Where the rooms live and how their journals are written are the server's
collaborators (:mod:`server.placement`): by default every room is held here and
journalled to SQLite; a worker of a Redis cluster is the same server given
:class:`server.cluster.RedisCluster` as both.

The web client (seat page and trainer console) is served from the same port by
``process_request``; it is plain HTML/CSS/JS shipped inside the package, so the
drill works with no internet.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import mimetypes
import ssl
import time
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from enum import Enum
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.server import Server as WsServer, ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from debrief import history
from debrief.files import replace_atomically
from i18n import DEFAULT_LANGUAGE, Lang, catalogue, conventions
from i18n.errors import GladiError
from moderation.engine import Session
from moderation.scorecard import ActorCredit, Scorecard
from protocol.day import MAX_ROOMS, DayCreate, DayRoom
from protocol.inbound import (
    Command,
    ErrorCode,
    Hello,
    MediaCandidate,
    MediaMessage,
    MediaOffer,
    MediaStateIn,
    Ping,
    ProtocolError,
    decode,
)
from protocol.outbound import PongOut, SavedOut, ScenarioRef, StorageOut, encode
from protocol.roles import Role, View
from scenarios import ScenarioError, builtin_scenario_ids, load_economy, load_scenario
from scenarios.schema import Scenario

from .clock import Status
from .day import DayFiles, Glances
from .limits import RateLimit
from .outbox import Outcome, ToConn, ToPending, ToSeat, ToView
from .overview import DAY_PATH, DayDesk, Refused
from .pages import response as _response, web_file as _web_file
from .placement import (
    Journals,
    LocalPlacement,
    Placement,
    Routed,
    StoreJournals,
    build_room,
    error_text,
    new_code,
    new_key,
    now_ms,
)
from .room import DrillRoom
from .seats import Seat
from .store import RoomRecord, Store
from .video.drill import DrillVideo
from .video.network import ANYWHERE, RtcNetwork

__all__ = ["CLOSE_FREED", "CLOSE_MOVED", "Connection", "ConnectionState", "ConnectionStateError",
           "DrillServer", "RateLimit", "Routed", "build_room", "error_text", "new_code", "now_ms"]

log = logging.getLogger("gladi.server")

#: Frames above this close the connection (websockets' own limit); the protocol's
#: smaller limit answers a typed error and keeps the connection.
WS_MAX_SIZE = 256 * 1024
TICK_S = 0.1
HELLO_TIMEOUT_S = 30.0
#: Catalogue domains the web pages use.
#: ``check``: the host's camera and voice warnings in the trainer's coaching log.
WEB_DOMAINS = ("seat", "reject", "serve", "video", "check")
#: Close code for the connections of a seat the trainer freed (4000–4999: application's),
#: or of a seat its participant took back on another device.
CLOSE_FREED = 4000
#: Close code for the connections of a room that moved to another worker: reconnect.
CLOSE_MOVED = 1012


def host_allowed(header: str | None, names: frozenset[str]) -> bool:
    """Whether a request's ``Host`` names this server: an IP address, ``localhost`` or one
    of ``names``. A page whose domain was re-pointed at the laptop (DNS rebinding) names its
    own domain and is refused, even though its ``Origin`` matches its ``Host``."""
    if not header:
        return False
    try:
        hostname = urlsplit("//" + header).hostname
    except ValueError:
        return False
    if hostname is None:
        return False
    if hostname == "localhost" or hostname in names:
        return True
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class _Attempt:
    """One participant's attempt, for the training history."""

    session: Session
    card: Scorecard
    name: str
    group: str | None
    credit: dict[str, int]


def _attempts(room: DrillRoom, card: Scorecard, record: RoomRecord) -> list[_Attempt]:
    """Every participant's attempt of a finished drill (host and moderators; the score is
    the room's, the credit their actor's: the team's in team mode)."""
    return [_Attempt(room.session, card, seat.name, record.name or None,
                     card.actors.get(seat.actor or "", ActorCredit()).to_json())
            for seat in room.seats if seat.role in (Role.HOST, Role.MODERATOR)]


@dataclass(slots=True)
class Waiter:
    """A connection whose ``hello`` waits for the trainer; ``seat`` once admitted."""

    ws: ServerConnection
    request: str
    #: The protocol version of its ``hello``.
    version: int
    seat: Seat | None = None


class ConnectionState(Enum):
    """Where a drill connection is (websockets' ``State`` for the drill): each state says
    which messages it takes, and :class:`Connection` allows only the moves below."""

    #: Connected; no ``hello`` has taken a seat yet. Only ``hello`` and ``ping`` are
    #: answered, and a connection that sends no ``hello`` in time is closed.
    HELLO = 1
    #: Its ``hello`` waits for the trainer (docs/protocol.md, "Taking a seat back"); it
    #: leaves for SEATED (the trainer gave it a seat) or HELLO (it did not).
    WAITING = 2
    #: It holds a seat: its messages go to the room.
    SEATED = 3
    #: It ended; nothing more happens to it.
    CLOSED = 4


class ConnectionStateError(GladiError, RuntimeError):
    """A move a :class:`Connection` does not make from the state it is in (a server bug)."""

    def __init__(self, state: ConnectionState, move: str) -> None:
        super().__init__(f"{move} in state {state.name}")
        self.state = state
        self.move = move


@dataclass(slots=True)
class Connection:
    """One drill connection's state, and the room, waiting ``hello`` and seat it has."""

    state: ConnectionState = ConnectionState.HELLO
    _room: DrillRoom | None = None
    #: Its ``hello`` waiting for the trainer (WAITING only).
    waiter: Waiter | None = None
    #: Its seat (SEATED only).
    seat: Seat | None = None

    @property
    def room(self) -> DrillRoom:
        """The room its last ``hello`` found (WAITING and SEATED always have one)."""
        if self._room is None:
            raise ConnectionStateError(self.state, "room")
        return self._room

    def _expect(self, move: str, *states: ConnectionState, in_room: bool = False) -> None:
        if self.state not in states or (in_room and self._room is None):
            raise ConnectionStateError(self.state, move)

    def found(self, room: DrillRoom) -> None:
        """Its ``hello`` named ``room``."""
        self._expect("found", ConnectionState.HELLO)
        self._room = room

    def wait(self, waiter: Waiter) -> None:
        """Its ``hello`` waits for the trainer."""
        self._expect("wait", ConnectionState.HELLO, in_room=True)
        self.state, self.waiter = ConnectionState.WAITING, waiter

    def seated(self, seat: Seat) -> None:
        """It was welcomed to ``seat`` (at once, or when the trainer decided)."""
        self._expect("seated", ConnectionState.HELLO, ConnectionState.WAITING, in_room=True)
        self.state, self.seat, self.waiter = ConnectionState.SEATED, seat, None

    def refused(self) -> None:
        """The trainer answered, and its ``hello`` got no seat: it may send another."""
        self._expect("refused", ConnectionState.WAITING)
        self.state, self.waiter = ConnectionState.HELLO, None

    def close(self) -> DrillRoom | None:
        """It ended: the room it was in, if any (closing twice is a bug)."""
        self._expect("close", ConnectionState.HELLO, ConnectionState.WAITING,
                      ConnectionState.SEATED)
        self.state, self.waiter, self.seat = ConnectionState.CLOSED, None, None
        return self._room


@dataclass(slots=True)
class _Conns:
    """Open connections of one room, by view and by seat."""

    views: dict[View, set[ServerConnection]] = field(
        default_factory=lambda: {view: set() for view in View})
    seats: dict[str, set[ServerConnection]] = field(default_factory=dict)
    #: Connections waiting for the trainer, by request.
    waiting: dict[str, Waiter] = field(default_factory=dict)


class DrillServer:
    """Rooms, their connections and the clock that drives them.

    One server holds the rooms of a training day, each with its own code, trainer key
    and journal; the organiser's overview (:mod:`server.overview`) sees and drives them
    all. ``gladi serve`` makes the first room itself.
    """

    def __init__(self, store: Store, *, rate: float = 20.0, burst: float = 40.0,
                 trainer_rate: float = 200.0, hosts: Iterable[str] = (),
                 join_base: str | None = None, scenarios: Iterable[str] = (),
                 placement: Placement | None = None, journals: Journals | None = None,
                 rtc: RtcNetwork = ANYWHERE) -> None:
        self.store = store
        #: Where the rooms live (this process alone, or workers of a cluster).
        self.placement: Placement = LocalPlacement() if placement is None else placement
        #: How the rooms held here are journalled, and when their outcomes may go out.
        self.journals: Journals = StoreJournals(store) if journals is None else journals
        self.rooms: dict[str, DrillRoom] = {}
        self.conns: dict[str, _Conns] = {}
        #: How each room was made (its name, language and scenario reference too).
        self.records: dict[str, RoomRecord] = {}
        self.rate, self.burst, self.trainer_rate = rate, burst, trainer_rate
        #: Host names (besides IP addresses and localhost) clients may use for this server.
        self.hosts = frozenset(h.lower() for h in hosts)
        #: The address phones join at, for the QR codes (None: the one the browser used).
        self._join_base = join_base
        #: Scenario references a new room may use besides the built-in ones (by id).
        self._extra_scenarios = tuple(scenarios)
        self._choices: dict[str, tuple[str, Scenario]] | None = None
        self._saved: set[tuple[str, int]] = set()
        self._limits: dict[tuple[str, str], RateLimit] = {}
        self._closing: set[asyncio.Task[None]] = set()
        self._saving: set[asyncio.Future[SavedOut]] = set()
        self._lang_json = {lang.value: self._catalogue_json(lang) for lang in Lang}
        self.glances = Glances()
        self.desk = DayDesk(self)
        #: The host's camera in each room (server/video/).
        self.video = DrillVideo(self._video_deliver, _send_one, now_ms, network=rtc)
        #: ``gladi serve --https``: serve the pages and the drill over TLS (server/tls.py).
        self.tls: ssl.SSLContext | None = None
        self.placement.attach(self)

    # ------------------------------------------------------------ rooms

    @property
    def day_key(self) -> str:
        """The organiser's key to the training-day overview."""
        return self.placement.day_key

    @property
    def join_base(self) -> str | None:
        return self._join_base

    def add_room(self, room: DrillRoom, scenario_ref: str, name: str = "",
                 lang: str = DEFAULT_LANGUAGE) -> None:
        """Serve a new room made here; it is recorded in the store."""
        record = RoomRecord(room.code, room.trainer_key, scenario_ref, room.seed, time.time(),
                            name, lang)
        self.store.create_room(record)
        room.journal = self.journals.journal(room.code)
        self._serve(room, record)

    def _serve(self, room: DrillRoom, record: RoomRecord) -> None:
        self.rooms[room.code] = room
        self.records[room.code] = record
        self.conns[room.code] = _Conns()

    def hold(self, room: DrillRoom, record: RoomRecord) -> None:
        """Serve ``room``, rebuilt from its journal (after a restart, or taken from a worker
        that died): a running room comes back paused; an ended one's results were saved."""
        room.journal = self.journals.journal(room.code)
        self._serve(room, record)
        if room.status is Status.ENDED:
            self._saved.add((room.code, room.epoch))  # saved when it ended
        self.deliver(room, room.after_restore(now_ms()))

    def drop(self, code: str) -> None:
        """Stop serving room ``code`` (another worker holds it now): its connections are
        closed with :data:`CLOSE_MOVED`, and reconnect to find it."""
        room = self.rooms.pop(code, None)
        self.records.pop(code, None)
        self.glances.forget(code)
        conns = self.conns.pop(code, None)
        if room is None or conns is None:
            return
        for members in conns.views.values():
            for ws in members:
                self._later(ws.close(CLOSE_MOVED, "room moved"))

    def storage(self, saved: bool) -> None:
        """Tell every connection of every room here whether what happens is being saved."""
        text = encode(StorageOut(saved=saved))
        for conns in self.conns.values():
            broadcast({ws for members in conns.views.values() for ws in members}, text)

    def _later(self, job: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(job)
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    def restore(self) -> list[DrillRoom]:
        """Rebuild the training day's rooms from their journals.

        Rooms that ended stay on the day's overview (with their results) while another
        room of the day is unfinished; when every room has ended the day is over: they
        are closed (their logs and results kept) and a new run starts a new day.
        """
        built = []
        for rec in self.store.rooms():
            room = build_room(rec.code, rec.trainer_key, rec.scenario, rec.seed)
            room.restore(self.store.records(rec.code))
            built.append((rec, room))
        if all(room.status is Status.ENDED for _, room in built):
            for rec, _ in built:
                self.store.close_room(rec.code)
            return []
        for rec, room in built:
            self.hold(room, rec)
        return [room for _, room in built]

    def new_room(self, scenario_ref: str, seed: int = 1, name: str = "",
                 lang: str = DEFAULT_LANGUAGE) -> DrillRoom:
        """Make and serve a room with a new code and trainer key (raises ScenarioError)."""
        room = build_room(new_code(self.store.codes()), new_key(), scenario_ref, seed)
        self.add_room(room, scenario_ref, name, lang)
        return room

    # ------------------------------------------------------------ the day's overview

    def scenario_choices(self, lang: str) -> list[ScenarioRef]:
        return [ScenarioRef(id=sid, title=scenario.title.get(lang))
                for sid, (_, scenario) in self._scenarios().items()]

    def _scenarios(self) -> dict[str, tuple[str, Scenario]]:
        """Scenario id → (reference, scenario) of every scenario a new room may run."""
        if self._choices is None:
            choices: dict[str, tuple[str, Scenario]] = {}
            for ref in (*builtin_scenario_ids(), *self._extra_scenarios,
                        *(rec.scenario for rec in self.records.values())):
                with contextlib.suppress(ScenarioError):
                    scenario = load_scenario(ref)
                    choices.setdefault(scenario.id, (ref, scenario))
            self._choices = choices
        return self._choices

    def scenario_title(self, ref: str, lang: str) -> str:
        choice = self._scenarios().get(ref)
        return ref if choice is None else choice[1].title.get(lang)

    def new_room_ref(self, msg: DayCreate, rooms: int) -> str | Refused:
        """The scenario reference a new room asked for by ``msg`` plays, or why it may not
        be made when the day already has ``rooms`` rooms."""
        choice = self._scenarios().get(msg.scenario)
        if choice is None:
            return Refused(ErrorCode.INVALID, f"scenario: {msg.scenario} is not one of "
                                              "day_welcome.scenarios")
        if rooms >= MAX_ROOMS:
            return Refused(ErrorCode.BAD_STATE, f"at most {MAX_ROOMS} rooms")
        return choice[0]

    def control_here(self, command: Command, codes: list[str]) -> tuple[list[str], list[str]]:
        """Give ``command`` to the rooms ``codes`` served here: (done, skipped)."""
        done: list[str] = []
        skipped: list[str] = []
        now = now_ms()
        for code in codes:
            room = self.rooms.get(code)
            if room is None:
                skipped.append(code)
                continue
            ok, outcome = room.command(command, now)
            self.deliver(room, outcome)
            (done if ok else skipped).append(code)
        return done, skipped

    # The overview's requests (server.overview.DayHost) are the placement's.

    def room_lang(self, code: str) -> str | None:
        return self.placement.room_lang(code)

    async def day_rooms(self, lang: str) -> list[DayRoom]:
        return await self.placement.day_rooms(lang)

    async def create_room(self, msg: DayCreate, lang: str) -> DayRoom | Refused:
        return await self.placement.create_room(msg, lang)

    async def control_rooms(self, command: Command,
                            codes: list[str] | None) -> tuple[list[str], list[str]]:
        return await self.placement.control_rooms(command, codes)

    async def day_files(self, lang: str) -> DayFiles:
        return await self.placement.day_files(lang)

    # ------------------------------------------------------------ HTTP

    @staticmethod
    def _catalogue_json(lang: str) -> bytes:
        messages = {k: v for k, v in catalogue(lang).items() if k.split(".")[0] in WEB_DOMAINS}
        # A gift event names its gift by id; the pages show its name (scenarios/data/economy.yaml).
        messages.update({f"gift.{g.id}": g.name.get(lang) for g in load_economy().gifts})
        messages["lang.locale"] = conventions(lang).web_locale  # common.js formats numbers in it
        return json.dumps(messages, ensure_ascii=False).encode("utf-8")

    def process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        """Static files, health check, and the host and origin checks."""
        path = urlsplit(request.path).path
        host = request.headers.get("Host")
        if not host_allowed(host, self.hosts):
            return _response(HTTPStatus.FORBIDDEN, b"host not allowed\n", "text/plain")
        if path in ("/ws", DAY_PATH):
            origin = request.headers.get("Origin")
            # Cross-site websocket hijacking: a browser page from elsewhere may not connect.
            # Clients that send no Origin (scripts, the desktop app) are not browsers.
            if origin is not None and (urlsplit(origin).netloc or "").lower() != \
                    (host or "").lower():
                return _response(HTTPStatus.FORBIDDEN, b"origin not allowed\n", "text/plain")
            return None
        if path == "/healthz":  # 503 while the rooms cannot be saved (a cluster's Redis)
            if not self.placement.healthy:
                return _response(HTTPStatus.SERVICE_UNAVAILABLE, b"storage unreachable\n",
                                 "text/plain")
            return _response(HTTPStatus.OK, b"OK\n", "text/plain")
        answer = self.desk.http(path, request)
        if answer is not None:
            return answer
        if path.startswith("/i18n/") and path.endswith(".json"):
            lang = path[len("/i18n/"):-len(".json")]
            if lang in self._lang_json:
                return _response(HTTPStatus.OK, self._lang_json[lang],
                                 "application/json; charset=utf-8")
        name = {"/": "index.html", "/trainer": "trainer.html", "/day": "day.html"}.get(
            path, path.lstrip("/"))
        body = _web_file(name)
        if body is None:
            return _response(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind.endswith("javascript"):
            kind += "; charset=utf-8"
        return _response(HTTPStatus.OK, body, kind)

    # ------------------------------------------------------------ sending

    def deliver(self, room: DrillRoom, outcome: Outcome, conn: ServerConnection | None = None,
                then: Callable[[], None] | None = None) -> None:
        """Send ``outcome`` (:meth:`_dispatch`), then run ``then``, once the journals have
        what the room journalled (at once, but for a journal written asynchronously:
        :mod:`server.cluster`)."""

        def send() -> None:
            self._dispatch(room, outcome, conn)
            if then is not None:
                then()

        self.journals.written(room, send)

    def _dispatch(self, room: DrillRoom, outcome: Outcome, conn: ServerConnection | None) -> None:
        """Send the outcome's messages in order; close the connections of freed seats."""
        conns = self.conns[room.code]
        for target, payload in outcome.sends:
            recipients: Iterable[ServerConnection]
            if isinstance(target, ToConn):
                recipients = () if conn is None else (conn,)
            elif isinstance(target, ToView):
                recipients = conns.views[target.view]
            elif isinstance(target, ToSeat):
                recipients = conns.seats.get(target.seat, ())
            elif isinstance(target, ToPending):
                waiter = conns.waiting.get(target.request)
                recipients = () if waiter is None else (waiter.ws,)
            broadcast(recipients, payload)
        for seat_id, reason in [*((s, "seat freed") for s in outcome.close),
                                *((s, "seat moved") for s in outcome.moved)]:
            self.video.freed(room, seat_id)
            for ws in conns.seats.pop(seat_id, set()):
                for members in conns.views.values():
                    members.discard(ws)
                self._later(ws.close(CLOSE_FREED, reason))
        for request, seat in outcome.admitted:
            admitted = conns.waiting.pop(request, None)
            if admitted is not None:
                admitted.seat = seat
                self._count_in(room, seat, admitted.ws, admitted.version)
        card = room.card
        if card is not None and (room.code, room.epoch) not in self._saved:
            self._saved.add((room.code, room.epoch))
            texts = (room.results_csv(self.records[room.code].lang), room.session_file())
            attempts = _attempts(room, card, self.records[room.code])
            # Files and history rows (one per participant) are written off the event loop:
            # "end" for every room of a day at once must not stall the drills.
            saving = asyncio.get_running_loop().run_in_executor(
                None, self._save_results, room.code, room.epoch, texts, attempts)
            self._saving.add(saving)
            saving.add_done_callback(self._saving.discard)
            saving.add_done_callback(lambda done: self._announce_saved(room, done))

    def _results_files(self, code: str, epoch: int) -> list[Path]:
        """Where a run's results are written: its CSV and its session file."""
        stem = self.store.folder / "results" / f"gladi-{code}-{epoch}"
        return [stem.with_suffix(".csv"), stem.with_suffix(".json")]

    def _save_results(self, code: str, epoch: int, texts: tuple[str, str],
                      attempts: list[_Attempt]) -> SavedOut:
        saved = SavedOut(epoch=epoch, files=[], error=None)
        try:
            for path, text in zip(self._results_files(code, epoch), texts, strict=True):
                replace_atomically(path, text)
                saved.files.append(str(path.resolve()))
        except OSError as exc:  # results can still be exported from the console
            log.warning("cannot save results: %s", exc)
            saved = SavedOut(epoch=epoch, files=[], error=str(exc))
        for attempt in attempts:
            try:
                history.record(attempt.session, attempt.card, attempt.name, "drill",
                               room=code, group=attempt.group, credit=attempt.credit)
            except (history.HistoryError, OSError) as exc:
                log.warning("cannot record the drill in the history: %s", exc)
                break
        return saved

    def _announce_saved(self, room: DrillRoom, done: asyncio.Future[SavedOut]) -> None:
        """Tell the trainer's consoles where the results of the run that ended were saved."""
        if done.cancelled() or done.exception() is not None:
            return
        saved = done.result()
        conns = self.conns.get(room.code)
        if conns is not None and self.rooms.get(room.code) is room and room.epoch == saved.epoch:
            broadcast(conns.views[View.TRAINER], encode(saved))

    def _saved_now(self, room: DrillRoom) -> SavedOut | None:
        """Where an ended run's results are, for a console that connects afterwards."""
        if room.status is not Status.ENDED:
            return None
        files = self._results_files(room.code, room.epoch)
        if not all(path.exists() for path in files):
            return None  # still being written: announced when done
        return SavedOut(epoch=room.epoch, files=[str(p.resolve()) for p in files], error=None)

    # ------------------------------------------------------------ connections

    async def handler(self, ws: ServerConnection) -> None:
        """One websocket connection: hello first, then messages until it closes."""
        if urlsplit(ws.request.path if ws.request else "").path == DAY_PATH:
            await self.desk.handler(ws)
            return
        conn = Connection()
        limit = RateLimit(self.rate, self.burst)
        try:
            while True:
                timeout = HELLO_TIMEOUT_S if conn.state is ConnectionState.HELLO else None
                try:
                    raw = await asyncio.wait_for(ws.recv(), timeout)
                except TimeoutError:
                    return
                if conn.waiter is not None:
                    admitted = conn.waiter.seat
                    if admitted is not None:  # the trainer decided: it has a seat now
                        conn.seated(admitted)
                        limit = self._limit_for(conn.room, admitted)
                    elif not conn.room.seating.is_waiting(conn.waiter.request):  # refused
                        conn.refused()
                lang = conn.seat.lang if conn.seat else DEFAULT_LANGUAGE
                if not limit.allow(time.monotonic()):
                    broadcast([ws], error_text(ErrorCode.RATE_LIMITED, lang))
                    continue
                msg = decode(raw)
                if isinstance(msg, ProtocolError):
                    broadcast([ws], error_text(msg.code, lang, msg.id, msg.detail))
                    continue
                if conn.seat is not None:
                    if isinstance(msg, MediaOffer | MediaCandidate | MediaStateIn):
                        await self._media(conn.room, conn.seat, ws, msg)
                    else:
                        self.deliver(conn.room, conn.room.handle(conn.seat, msg, now_ms()), ws)
                    continue
                if isinstance(msg, Ping):
                    broadcast([ws], encode(PongOut(id=msg.id, t=0)))
                elif not isinstance(msg, Hello):
                    broadcast([ws], error_text(ErrorCode.NOT_JOINED, lang, msg.id))
                elif conn.state is ConnectionState.WAITING:
                    broadcast([ws], error_text(ErrorCode.BAD_STATE, msg.lang, msg.id,
                                               "waiting for the trainer"))
                else:
                    found = await self.placement.find(ws, msg, raw)
                    if found is Routed.ELSEWHERE:
                        return  # another worker served the connection, which is over
                    if isinstance(found, DrillRoom):
                        conn.found(found)
                        joined = self._join(found, msg, ws)
                        if isinstance(joined, Waiter):
                            conn.wait(joined)
                        elif joined is not None:
                            conn.seated(joined)
                            limit = self._limit_for(found, joined)
        except ConnectionClosed:
            pass
        except Exception:  # never let one connection's bug take the server down
            log.exception("connection handler failed")
            with contextlib.suppress(Exception):
                await ws.close(1011, "internal error")
        finally:
            self._closed(conn, ws)

    def _closed(self, conn: Connection, ws: ServerConnection) -> None:
        """A connection ended: it no longer waits, watches or counts in its seat."""
        waiter = conn.waiter
        seat = conn.seat or (waiter.seat if waiter is not None else None)  # admitted meanwhile
        room = conn.close()
        if room is None:
            return
        held = self.rooms.get(room.code) is room
        if waiter is not None and held:
            if self.conns[room.code].waiting.pop(waiter.request, None) is not None:
                self._dispatch(room, room.withdraw(waiter.request), None)
        self.video.left(room, ws)
        if seat is not None and held:
            conns = self.conns[room.code]
            if ws in conns.views[seat.view]:
                conns.views[seat.view].discard(ws)
                conns.seats.get(seat.id, set()).discard(ws)
                self._dispatch(room, room.connected(seat, False), None)

    def _join(self, room: DrillRoom, hello: Hello, ws: ServerConnection) -> Seat | Waiter | None:
        """Hand ``hello`` to the room; once the welcome is sent, count the connection in its
        seat's view (so it gets every message after its welcome, and none before). A
        ``hello`` that waits for the trainer gives a :class:`Waiter`."""
        self.video.for_room(room)  # the welcome's state.media
        outcome = room.join(hello, now_ms())
        seat = outcome.seat
        if seat is None:
            waiter = None
            if outcome.pending is not None:
                waiter = self.conns[room.code].waiting.setdefault(
                    outcome.pending, Waiter(ws, outcome.pending, hello.v))
            self.deliver(room, outcome, ws)
            return waiter
        self.deliver(room, outcome, ws, lambda: self._count_in(room, seat, ws, hello.v))
        return seat

    def _count_in(self, room: DrillRoom, seat: Seat, ws: ServerConnection, version: int) -> None:
        """A welcomed connection joins its seat's view."""
        conns = self.conns.get(room.code)
        if conns is None or self.rooms.get(room.code) is not room:
            return  # the room left this server meanwhile
        conns.views[seat.view].add(ws)
        conns.seats.setdefault(seat.id, set()).add(ws)
        self._dispatch(room, room.connected(seat, True), None)
        self.video.joined(room, seat, ws, version)
        saved = self._saved_now(room) if seat.role is Role.TRAINER else None
        if saved is not None:
            broadcast([ws], encode(saved))
        if not self.placement.healthy:  # welcomed while nothing can be saved: say so
            broadcast([ws], encode(StorageOut(saved=False)))

    # ------------------------------------------------------------ the host's camera

    async def _media(self, room: DrillRoom, seat: Seat, ws: ServerConnection,
                     msg: MediaMessage) -> None:
        """A ``media.*`` message goes to the room's video, not to the room."""
        for reply in await self.video.receive(room, seat, ws, msg):
            broadcast([ws], reply)

    def _video_deliver(self, room: DrillRoom, outcome: Outcome) -> None:
        """What the video gives a room (coaching warnings, the host's speech), sent out."""
        if self.rooms.get(room.code) is room:
            self.deliver(room, outcome)

    def _limit_for(self, room: DrillRoom, seat: Seat) -> RateLimit:
        """The limit is per seat, so more connections do not buy more messages."""
        rate = self.trainer_rate if seat.role is Role.TRAINER else self.rate
        burst = rate * 2 if seat.role is Role.TRAINER else self.burst
        return self._limits.setdefault((room.code, seat.id), RateLimit(rate, burst))

    def _glancing(self) -> bool:
        """Whether the rooms' glances are wanted (an overview is open here or elsewhere)."""
        return self.placement.glancing or bool(self.desk.watchers)

    async def clock(self) -> None:
        """Advance every room on a fixed tick; keep the overviews up to date."""
        pushing: set[asyncio.Task[None]] = set()
        while True:
            await asyncio.sleep(TICK_S)
            for room in list(self.rooms.values()):
                if self.rooms.get(room.code) is not room:
                    continue  # it left this server meanwhile
                try:
                    self.deliver(room, room.tick(now_ms()))
                except Exception:
                    log.exception("room %s tick failed", room.code)
                # One room at a time: a training day's rooms must not add up into one
                # stall of the event loop (bench/bench_rooms.py measures it).
                await asyncio.sleep(0)
            now = now_ms()
            try:
                self.video.tick(self.rooms.values())
            except Exception:
                log.exception("video tick failed")
            if self._glancing():
                self.glances.refresh(self.rooms.values(), now)
            if self.desk.due(now):
                task = asyncio.create_task(self.desk.push(now))
                pushing.add(task)
                task.add_done_callback(pushing.discard)

    async def run(self, host: str, port: int, started: asyncio.Future[WsServer] | None = None,
                  stop: asyncio.Event | None = None) -> None:
        """Serve until ``stop`` is set (or forever); over TLS when :attr:`tls` is set. The
        placement opens first, starts once the port is open, and closes last."""
        await self.placement.open()
        try:
            async with serve(self.handler, host, port, process_request=self.process_request,
                             max_size=WS_MAX_SIZE, max_queue=32, compression=None,
                             ping_interval=10, ping_timeout=20, server_header=None,
                             ssl=self.tls) as server:
                await self.placement.start(host, next(iter(server.sockets)).getsockname()[1])
                clock = asyncio.create_task(self.clock())
                if started is not None:
                    started.set_result(server)
                try:
                    await (stop.wait() if stop is not None else asyncio.Future())
                finally:
                    clock.cancel()
                    await self.video.close()
                    if self._saving:  # results of a drill that just ended
                        await asyncio.gather(*self._saving, return_exceptions=True)
        finally:
            await self.placement.close()


def _send_one(conn: object, text: str) -> None:
    """Put one text frame on one connection without waiting (the video's ``send``)."""
    if isinstance(conn, ServerConnection):
        broadcast([conn], text)
