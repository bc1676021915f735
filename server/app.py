"""The thin asyncio layer: websockets in and out, static files, the room clock, SQLite.

Everything a room decides lives in :mod:`server.room` (sans-I/O). This module
only moves bytes: it decodes client messages (:mod:`server.protocol`), hands
them to the room with the current monotonic time, appends the room's inputs to
the log (:mod:`server.store`) *before* sending anything, and fans the room's
messages out with :func:`websockets.asyncio.server.broadcast`.

The web client (seat page and trainer console) is served from the same port by
``process_request``; it is plain HTML/CSS/JS shipped inside the package, so the
drill works with no internet.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import mimetypes
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from websockets.asyncio.server import Server as WsServer, ServerConnection, broadcast, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from debrief import history
from debrief.files import replace_atomically
from i18n import DEFAULT_LANGUAGE, LANGUAGES, catalogue, translate

from .protocol import ErrorCode, Hello, Ping, ProtocolError, Role, decode, encode, error
from .room import Outcome, Room, Seat
from .store import RoomRecord, Store

__all__ = ["DrillServer", "RateLimit", "build_room", "new_code"]

log = logging.getLogger("gladi.server")

#: Frames above this close the connection (websockets' own limit); the protocol's
#: smaller limit answers a typed error and keeps the connection.
WS_MAX_SIZE = 256 * 1024
TICK_S = 0.1
HELLO_TIMEOUT_S = 30.0
#: Catalogue domains the web pages use.
WEB_DOMAINS = ("seat", "reject", "serve")


def now_ms() -> int:
    return int(time.monotonic() * 1000)


def new_code(taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A six-digit join code, like a quiz game PIN, not one of ``taken``."""
    while True:
        code = f"{secrets.randbelow(900_000) + 100_000}"
        if code not in taken:
            return code


def build_room(code: str, key: str, scenario_ref: str, seed: int) -> Room:
    """Load the scenario and make a room (raises ScenarioError for a bad reference)."""
    from moderation.content import ContentIndex
    from scenarios import load_content, load_economy, load_scenario

    scenario = load_scenario(scenario_ref)
    content = ContentIndex(load_content(scenario), scenario.topic)
    return Room(code, key, scenario, content, load_economy(), seed)


@dataclass(slots=True)
class RateLimit:
    """A token bucket: ``rate`` messages a second, bursts up to ``burst``."""

    rate: float
    burst: float
    tokens: float = 0.0
    last: float = 0.0

    def allow(self, now: float) -> bool:
        if self.last == 0.0:
            self.tokens, self.last = self.burst, now
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


@dataclass(slots=True)
class _Conns:
    """Open connections of one room, by view and by seat."""

    views: dict[str, set[ServerConnection]] = field(
        default_factory=lambda: {"trainer": set(), "staff": set(), "observer": set()})
    seats: dict[str, set[ServerConnection]] = field(default_factory=dict)


def _web_file(name: str) -> bytes | None:
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    entry = resources.files("server") / "web" / name
    try:
        return entry.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _response(status: HTTPStatus, body: bytes, content_type: str) -> Response:
    headers = Headers({
        "Content-Type": content_type,
        "Content-Length": str(len(body)),
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; "
                                   "img-src 'self' data:; style-src 'self'; script-src 'self'",
    })
    return Response(status.value, status.phrase, headers, body)


class DrillServer:
    """Rooms, their connections and the clock that drives them."""

    def __init__(self, store: Store, *, rate: float = 20.0, burst: float = 40.0,
                 trainer_rate: float = 200.0) -> None:
        self.store = store
        self.rooms: dict[str, Room] = {}
        self.conns: dict[str, _Conns] = {}
        self.rate, self.burst, self.trainer_rate = rate, burst, trainer_rate
        self._saved: set[tuple[str, int]] = set()
        self._limits: dict[tuple[str, str], RateLimit] = {}
        self._lang_json = {lang: self._catalogue_json(lang) for lang in LANGUAGES}

    # ------------------------------------------------------------ rooms

    def add_room(self, room: Room, scenario_ref: str) -> None:
        self.store.create_room(RoomRecord(room.code, room.trainer_key, scenario_ref, room.seed,
                                          time.time()))
        self.rooms[room.code] = room
        self.conns[room.code] = _Conns()

    def restore(self) -> list[Room]:
        """Rebuild every open room from the log."""
        restored = []
        for rec in self.store.rooms():
            room = build_room(rec.code, rec.trainer_key, rec.scenario, rec.seed)
            room.replay_inputs(self.store.inputs(rec.code))
            if room.status == "ended":
                # Finished drills keep their log and results; a new run gets a new room.
                self.store.close_room(rec.code)
                continue
            self.rooms[rec.code] = room
            self.conns[rec.code] = _Conns()
            self._dispatch(room, room.after_restore(now_ms()), None)
            restored.append(room)
        return restored

    # ------------------------------------------------------------ HTTP

    @staticmethod
    def _catalogue_json(lang: str) -> bytes:
        messages = {k: v for k, v in catalogue(lang).items() if k.split(".")[0] in WEB_DOMAINS}
        return json.dumps(messages, ensure_ascii=False).encode("utf-8")

    def process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        """Static files, health check, and the origin check for websocket upgrades."""
        path = urlsplit(request.path).path
        if path == "/ws":
            origin = request.headers.get("Origin")
            host = request.headers.get("Host")
            # Cross-site websocket hijacking: a browser page from elsewhere may not connect.
            # Clients that send no Origin (scripts, the desktop app) are not browsers.
            if origin is not None and (urlsplit(origin).netloc or "").lower() != \
                    (host or "").lower():
                return _response(HTTPStatus.FORBIDDEN, b"origin not allowed\n", "text/plain")
            return None
        if path == "/healthz":
            return _response(HTTPStatus.OK, b"OK\n", "text/plain")
        if path.startswith("/i18n/") and path.endswith(".json"):
            lang = path[len("/i18n/"):-len(".json")]
            if lang in self._lang_json:
                return _response(HTTPStatus.OK, self._lang_json[lang],
                                 "application/json; charset=utf-8")
        name = {"/": "index.html", "/trainer": "trainer.html"}.get(path, path.lstrip("/"))
        body = _web_file(name)
        if body is None:
            return _response(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind.endswith("javascript"):
            kind += "; charset=utf-8"
        return _response(HTTPStatus.OK, body, kind)

    # ------------------------------------------------------------ sending

    def _dispatch(self, room: Room, outcome: Outcome, conn: ServerConnection | None) -> None:
        """Persist the outcome's inputs, then send its messages in order."""
        if outcome.inputs:
            self.store.append(room.code, outcome.inputs)
        conns = self.conns[room.code]
        for target, payload in outcome.sends:
            recipients: Iterable[ServerConnection]
            if target == "conn":
                recipients = () if conn is None else (conn,)
            elif target.startswith("view:"):
                recipients = conns.views[target[5:]]
            else:
                recipients = conns.seats.get(target[5:], ())
            broadcast(recipients, payload)
        if room.status == "ended" and (room.code, room.epoch) not in self._saved:
            self._saved.add((room.code, room.epoch))
            self._save_results(room)

    def _save_results(self, room: Room) -> None:
        folder = self.store.folder / "results"
        try:
            stem = folder / f"gladi-{room.code}-{room.epoch}"
            for suffix, text in ((".csv", room.results_csv()), (".json", room.session_file())):
                replace_atomically(stem.with_suffix(suffix), text)
        except OSError as exc:  # results can still be exported from the console
            log.warning("cannot save results: %s", exc)
        if room.card is not None:
            # The drill joins the training history as one attempt of the whole room.
            try:
                history.record(room.session, room.card, f"drill {room.code}", "drill")
            except (history.HistoryError, OSError) as exc:
                log.warning("cannot record the drill in the history: %s", exc)

    # ------------------------------------------------------------ connections

    async def handler(self, ws: ServerConnection) -> None:
        """One websocket connection: hello first, then messages until it closes."""
        room: Room | None = None
        seat: Seat | None = None
        limit = RateLimit(self.rate, self.burst)
        try:
            while True:
                timeout = HELLO_TIMEOUT_S if seat is None else None
                try:
                    raw = await asyncio.wait_for(ws.recv(), timeout)
                except TimeoutError:
                    return
                if not limit.allow(time.monotonic()):
                    lang = seat.lang if seat else "id"
                    broadcast([ws], encode(error(ErrorCode.RATE_LIMITED, translate(
                        "serve.error.rate_limited", lang))))
                    continue
                msg = decode(raw)
                if isinstance(msg, ProtocolError):
                    lang = seat.lang if seat else "id"
                    broadcast([ws], encode(error(msg.code, translate(
                        f"serve.error.{msg.code.value}", lang), msg.id, msg.detail)))
                    continue
                if seat is None or room is None:
                    if not isinstance(msg, Hello):
                        if isinstance(msg, Ping):
                            broadcast([ws], encode({"type": "pong", "id": msg.id, "t": 0}))
                            continue
                        broadcast([ws], encode(error(ErrorCode.NOT_JOINED, translate(
                            "serve.error.not_joined", DEFAULT_LANGUAGE), msg.id)))
                        continue
                    room = self.rooms.get(msg.room.strip())
                    if room is None:
                        broadcast([ws], encode(error(ErrorCode.ROOM_NOT_FOUND, translate(
                            "serve.error.room_not_found", msg.lang), msg.id)))
                        continue
                    outcome = room.join(msg, now_ms())
                    self._dispatch(room, outcome, ws)
                    seat = outcome.seat
                    if seat is not None:
                        conns = self.conns[room.code]
                        conns.views[seat.view].add(ws)
                        conns.seats.setdefault(seat.id, set()).add(ws)
                        self._dispatch(room, room.connected(seat, True), None)
                        # The limit is per seat, so more connections do not buy more messages.
                        rate = self.trainer_rate if seat.role is Role.TRAINER else self.rate
                        burst = rate * 2 if seat.role is Role.TRAINER else self.burst
                        limit = self._limits.setdefault((room.code, seat.id),
                                                        RateLimit(rate, burst))
                    continue
                self._dispatch(room, room.handle(seat, msg, now_ms()), ws)
        except ConnectionClosed:
            pass
        except Exception:  # never let one connection's bug take the server down
            log.exception("connection handler failed")
            with contextlib.suppress(Exception):
                await ws.close(1011, "internal error")
        finally:
            if room is not None and seat is not None:
                conns = self.conns[room.code]
                conns.views[seat.view].discard(ws)
                conns.seats.get(seat.id, set()).discard(ws)
                self._dispatch(room, room.connected(seat, False), None)

    async def clock(self) -> None:
        """Advance every room on a fixed tick."""
        while True:
            await asyncio.sleep(TICK_S)
            now = now_ms()
            for room in list(self.rooms.values()):
                try:
                    self._dispatch(room, room.tick(now), None)
                except Exception:
                    log.exception("room %s tick failed", room.code)

    async def run(self, host: str, port: int, started: asyncio.Future[WsServer] | None = None,
                  stop: asyncio.Event | None = None) -> None:
        """Serve until ``stop`` is set (or forever)."""
        async with serve(self.handler, host, port, process_request=self.process_request,
                         max_size=WS_MAX_SIZE, max_queue=32, compression=None,
                         ping_interval=10, ping_timeout=20, server_header=None) as server:
            clock = asyncio.create_task(self.clock())
            if started is not None:
                started.set_result(server)
            try:
                await (stop.wait() if stop is not None else asyncio.Future())
            finally:
                clock.cancel()


def main_entry(data: Path, host: str, port: int, scenario: str, seed: int) -> None:
    """A small entry point used by tests: ``python -m server.app DATA HOST PORT``."""
    store = Store(data)
    srv = DrillServer(store)
    rooms = srv.restore()
    if not rooms:
        room = build_room(new_code(store.codes()), secrets.token_urlsafe(12), scenario, seed)
        srv.add_room(room, scenario)
        rooms = [room]

    async def go() -> None:
        started: asyncio.Future[WsServer] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(srv.run(host, port, started))
        server = await started
        bound = next(iter(server.sockets)).getsockname()[1]
        print(json.dumps({"port": bound, "rooms": [
            {"code": r.code, "key": r.trainer_key, "status": r.status} for r in rooms]}),
            flush=True)
        await task

    asyncio.run(go())


if __name__ == "__main__":
    import sys

    main_entry(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]),
               sys.argv[4] if len(sys.argv) > 4 else "live-pertama",
               int(sys.argv[5]) if len(sys.argv) > 5 else 1)
