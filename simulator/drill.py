"""The desktop app as the host of a group drill: the room over the protocol, the camera over WebRTC.

``gladi rehearse --drill ws://HOST:PORT --code 482913`` (or "Gabung gladi kelompok" on
the home screen) joins a ``gladi serve`` room as its host. Nothing runs locally: the
room's engine is the server's, and the desktop shows what the drill protocol
(docs/protocol.md, version 2) tells the host's seat — the staff view — and sends the
host's clicks as ``action`` messages.

* :class:`DrillView` is the room from the host's chair, folded from the protocol's
  messages (welcome snapshot, events, room changes, answers, ``media.state``, the
  debrief). No pygame, no I/O: the screen draws it, tests feed it messages.
* :class:`DrillLink` holds the websocket and the WebRTC publisher on a thread of its
  own (an asyncio loop): the render loop never waits on the network. It resumes the
  seat with its token after a dropped connection, as the seat page does.
* :class:`CameraTrack` and :class:`MicTrack` send the app's own camera and microphone
  (:mod:`simulator.feeds`: device, file, the synthetic test card and voice, and their
  fall-backs) to the server, which encodes them once for every seat.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import json
import logging
import math
import queue
import ssl
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCPeerConnection,
    RTCSessionDescription,
    VideoStreamTrack,
)
from aiortc.mediastreams import MediaStreamError
from av.audio.frame import AudioFrame
from av.video.frame import VideoFrame
from numpy.typing import NDArray
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from media.synthetic import synthetic_frame
from moderation.actions import undoable as is_undoable
from moderation.timing import UNDO_MS
from moderation.values import from_json
from simulator.feeds import CameraFeed, MicFeed
from simulator.model import CommentView, GiftView, RoomNotice

__all__ = ["CameraTrack", "DrillLink", "DrillView", "LinkState", "MicTrack", "Request",
           "drill_url", "undoable"]

log = logging.getLogger("gladi.simulator.drill")

#: The protocol version the desktop speaks: 2, the one with the host's camera.
VERSION = 2
#: Comments kept (the panel shows the newest).
RING = 200
#: How long the desktop waits for a dropped connection before trying again (s), at most.
RETRY_MAX_S = 5.0
#: Voice kept waiting to be sent at most (s): a late sound is dropped, not delayed.
AUDIO_BUFFER_S = 0.5
AUDIO_FRAME_S = 0.02
#: The undo button goes this much before the room's undo window closes (the answer's trip).
UNDO_MARGIN_S = 0.5


def _unverified() -> ssl.SSLContext:
    """TLS for a ``gladi serve --https`` drill: encrypted, but its certificate is the
    server's own, which nobody can vouch for on a LAN without internet (docs/install.md)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def drill_url(address: str) -> str:
    """The websocket URL of a drill server from what a trainer prints or says:
    ``ws://HOST:PORT``, ``http://HOST:PORT/…`` or ``HOST:PORT``. Raises ValueError."""
    text = address.strip()
    if "://" not in text:
        text = "ws://" + text
    parts = urlsplit(text)
    scheme = {"ws": "ws", "http": "ws", "wss": "wss", "https": "wss"}.get(parts.scheme)
    if scheme is None or not parts.hostname:
        raise ValueError(address)
    try:
        port = parts.port
    except ValueError:
        raise ValueError(address) from None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{scheme}://{host}{'' if port is None else f':{port}'}/ws"


# ---------------------------------------------------------------- the room, as the host sees it


def undoable(action: dict[str, Any]) -> bool:
    """Whether an ``undo`` can take back ``action``, an ``action`` message's body (the
    engine's rule, :func:`moderation.actions.undoable`)."""
    return is_undoable(from_json({"t": 0, **action}))


@dataclass(frozen=True, slots=True)
class Request:
    """An action sent and waiting for its ``ack``: what it was, in words."""

    label: str
    undoable: bool = False


@dataclass(frozen=True, slots=True)
class CoachLine:
    """A camera or voice warning for the host: since when (room ms), in words."""

    t: int
    text: str
    serious: bool = False
    cleared_t: int | None = None


@dataclass(slots=True)
class DrillResult:
    """The end of the drill, from the host's debrief."""

    score: float
    passed: bool
    coaching: list[CoachLine]


@dataclass(slots=True)
class DrillView:
    """The drill room from the host's chair, folded from the protocol's messages."""

    status: str = "lobby"
    #: Room time (ms) of the last message, and the wall time (s) it arrived.
    t: int = 0
    t_at: float = 0.0
    duration_ms: int = 0
    title: str = ""
    seat: str | None = None
    name: str = ""
    viewer_count: int = 0
    taps: int = 0
    comments_enabled: bool = True
    comments: deque[CommentView] = field(default_factory=lambda: deque(maxlen=RING))
    by_id: dict[str, CommentView] = field(default_factory=dict)
    pinned: str | None = None
    #: Guest requests waiting: request id → (viewer, handle).
    requests: dict[str, tuple[str, str]] = field(default_factory=dict)
    guests: dict[str, str] = field(default_factory=dict)
    gifts: deque[GiftView] = field(default_factory=lambda: deque(maxlen=20))
    thanked: set[str] = field(default_factory=set)
    officials: list[tuple[str, str]] = field(default_factory=list)
    welcomed: set[str] = field(default_factory=set)
    notices: deque[RoomNotice] = field(default_factory=lambda: deque(maxlen=6))
    mute_presets: list[int | None] = field(default_factory=lambda: [5, 30, 60, 300, None])
    report_reasons: list[str] = field(default_factory=list)
    note: str | None = None
    #: The host's camera as the room sees it (``media.state``): off, connecting, live…
    camera: str = "off"
    watching: int = 0
    coaching: list[CoachLine] = field(default_factory=list)
    #: The outcome of the last action or request: (text, ok).
    last: tuple[str, bool] | None = None
    #: What each request waiting for its answer was (request id → it).
    pending: dict[int, Request] = field(default_factory=dict)
    #: How long after a block, pin, report or comments-off the room takes an undo (ms).
    undo_ms: int = UNDO_MS
    #: Until when (wall s) the host's last accepted block, pin, report or comments-off
    #: can be undone.
    undo_until: float = 0.0
    result: DrillResult | None = None
    freed: bool = False

    # ------------------------------------------------------------ time

    def now(self, wall: float) -> int:
        """Room ms at wall time ``wall`` (seconds): the clock runs on while running."""
        if self.status != "running":
            return self.t
        return self.t + max(0, round((wall - self.t_at) * 1000))

    def _at(self, t: int, wall: float) -> None:
        self.t, self.t_at = max(self.t, t), wall

    # ------------------------------------------------------------ messages

    def apply(self, msg: dict[str, Any], wall: float) -> None:
        """Take one server message in (unknown types and kinds are ignored)."""
        kind = msg.get("type")
        if kind == "welcome":
            self._welcome(msg, wall)
        elif kind == "event":
            self._at(int(msg["t"]), wall)
            self._event(msg["event"])
        elif kind == "room":
            self._at(int(msg["t"]), wall)
            self._room(str(msg["kind"]), msg.get("data") or {})
        elif kind == "ack":
            request = self.pending.pop(msg.get("id") or -1, Request(""))
            if not msg.get("accepted"):
                self.last = (str(msg.get("hint") or ""), False)
                return
            self.last = (request.label, True)
            if request.undoable:
                self.undo_until = wall + self.undo_ms / 1000 - UNDO_MARGIN_S
        elif kind == "error":
            self.pending.pop(msg.get("id") or -1, None)
            self.last = (str(msg.get("message") or msg.get("code")), False)
        elif kind == "media.state":
            self.camera, self.watching = str(msg["host"]), int(msg["viewers"])
            self.coaching = [CoachLine(int(w["since_ms"]), str(w["text"]), w["level"] == "fail")
                             for w in msg.get("coaching") or []]
        elif kind == "debrief":
            card = msg.get("scorecard") or {}
            self.status = "ended"
            self.result = DrillResult(float(card.get("score", 0.0)), bool(card.get("passed")), [
                CoachLine(int(c["t"]), str(c["text"]), c["level"] == "fail", c.get("cleared_t"))
                for c in msg.get("coaching") or []])

    def _welcome(self, msg: dict[str, Any], wall: float) -> None:
        state, snap = msg["state"], msg["snapshot"]
        self.seat, self.name = str(msg["seat"]), str(msg["name"])
        self.status, self.duration_ms = str(state["status"]), int(state["duration_ms"])
        self.title = str(state["scenario"]["title"])
        self.mute_presets = list(state.get("mute_presets") or self.mute_presets)
        self.report_reasons = list(state.get("report_reasons") or [])
        self.undo_ms = int(state.get("undo_ms") or UNDO_MS)
        media = state.get("media")
        if media:
            self.camera, self.watching = str(media["host"]), int(media["viewers"])
        self.t, self.t_at = int(snap["t"]), wall
        self.viewer_count, self.taps = int(snap["viewers"]), int(snap["taps"])
        self.comments_enabled = bool(snap["comments_enabled"])
        self.comments.clear()
        self.by_id.clear()
        for c in snap.get("stream") or []:
            self._comment(c, filtered=False)
        for c in snap.get("filtered") or []:
            self._comment(c, filtered=True)
        pinned = snap.get("pinned")
        self.pinned = None if pinned is None else str(pinned["id"])
        self.requests = {str(r["id"]): (str(r["viewer"]), str(r["handle"]))
                         for r in snap.get("requests") or []}
        self.guests = {str(g["viewer"]): str(g["handle"]) for g in snap.get("guests") or []}

    def _comment(self, c: dict[str, Any], filtered: bool) -> None:
        view = CommentView(str(c["id"]), str(c.get("viewer", "")), str(c["handle"]),
                           str(c["text"]), int(c["t"]), filtered=filtered)
        if len(self.comments) == self.comments.maxlen:
            self.by_id.pop(self.comments[0].id, None)
        self.comments.append(view)
        self.by_id[view.id] = view

    def _event(self, ev: dict[str, Any]) -> None:
        kind, t = ev.get("type"), int(ev.get("t", self.t))
        if kind == "comment":
            self._comment(ev, filtered=ev.get("hidden") == "filter")
        elif kind == "hidden":
            for cid in ev["comments"]:
                found = self.by_id.get(cid)
                if found is not None:
                    found.hidden = str(ev["reason"])
                if self.pinned == cid:
                    self.pinned = None
        elif kind == "audience":
            self.viewer_count = int(ev["viewers"])
        elif kind == "taps":
            self.taps += int(ev["count"])
        elif kind == "gift":
            self.gifts.append(GiftView(str(ev["id"]), str(ev["handle"]), str(ev["gift"]),
                                       int(ev["coins"]), int(ev["count"]), t))
        elif kind == "official":
            self.officials.append((str(ev["viewer"]), str(ev["handle"])))
            self.notices.append(RoomNotice("desktop.notice_official", t,
                                           (("name", str(ev["handle"])),)))
        elif kind == "guest_request":
            self.requests[str(ev["id"])] = (str(ev["viewer"]), str(ev["handle"]))
            self.notices.append(RoomNotice("desktop.notice_guest", t,
                                           (("name", str(ev["handle"])),)))
        elif kind == "network_drop":
            self.notices.append(RoomNotice("desktop.notice_network", t, bad=True))
        elif kind == "applied":
            self._applied(ev["action"])
        elif kind == "undone":
            self._undone(ev["action"], ev.get("pinned"))

    def _applied(self, action: dict[str, Any]) -> None:
        """An accepted action changes what the host sees (pins, guests, thanks, switches)."""
        kind = action.get("type")
        if kind == "pin":
            self.pinned = str(action["comment"])
        elif kind == "unpin":
            self.pinned = None
        elif kind == "comments":
            self.comments_enabled = bool(action["enabled"])
        elif kind in ("guest_accept", "guest_decline"):
            request = self.requests.pop(str(action["request"]), None)
            if request is not None and kind == "guest_accept":
                self.guests[request[0]] = request[1]
        elif kind == "guest_remove":
            self.guests.pop(str(action["viewer"]), None)
        elif kind == "thank":
            self.thanked.add(str(action["target"]))
        elif kind == "welcome":
            self.welcomed.add(str(action["viewer"]))
        elif kind == "answer":
            found = self.by_id.get(str(action["comment"]))
            if found is not None:
                found.answered = True
        elif kind == "report":
            found = self.by_id.get(str(action["comment"]))
            if found is not None:
                found.reported = True

    def _undone(self, action: dict[str, Any], pinned: str | None) -> None:
        """An undo took ``action`` back (a block lifted changes nothing the host sees)."""
        kind = action.get("type")
        if kind == "pin":
            self.pinned = pinned
        elif kind == "comments":
            self.comments_enabled = True
        elif kind == "report":
            found = self.by_id.get(str(action["comment"]))
            if found is not None:
                found.reported = False

    def undo_left(self, wall: float) -> int:
        """Whole seconds left to undo the host's last block, pin, report or comments-off."""
        return max(0, math.ceil(self.undo_until - wall))

    def _room(self, kind: str, data: dict[str, Any]) -> None:
        if kind in ("started", "resumed"):
            self.status = "running"
        elif kind in ("paused", "ended"):
            self.status = kind
        elif kind == "reset":
            self.status, self.t, self.result = "lobby", 0, None
            self.comments.clear()
            self.by_id.clear()
            self.pinned = None
            self.requests.clear()
            self.guests.clear()
            self.gifts.clear()
            self.officials.clear()
        elif kind == "note":
            self.note = str(data.get("text", ""))
        elif kind == "freed" and data.get("seat") == self.seat:
            self.freed = True

    # ------------------------------------------------------------ what the panel shows

    def visible(self) -> list[CommentView]:
        """The comments on the host's list, newest last (deleted ones gone)."""
        return [c for c in self.comments if c.hidden is None]

    def stage(self, n: int) -> list[CommentView]:
        """The newest ``n`` comments viewers see (no filtered or hidden ones)."""
        return [c for c in self.comments if c.hidden is None and not c.filtered][-n:]

    def unthanked_gift(self) -> GiftView | None:
        return next((g for g in reversed(self.gifts) if g.id not in self.thanked), None)

    def unwelcomed_official(self) -> tuple[str, str] | None:
        return next(((v, h) for v, h in reversed(self.officials) if v not in self.welcomed),
                    None)

    def first_request(self) -> str | None:
        return next(iter(self.requests), None)


# ---------------------------------------------------------------- the host's camera and voice


def _even(picture: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """VP8 wants even sides; a file may have odd ones."""
    h, w = picture.shape[:2]
    return picture[:h & ~1, :w & ~1]


class CameraTrack(VideoStreamTrack):
    """The app's camera (whatever :class:`~simulator.feeds.CameraFeed` reads) at 30 fps."""

    def __init__(self, feed: CameraFeed | None) -> None:
        super().__init__()
        self._feed = feed
        self._card: NDArray[np.uint8] | None = None

    def _picture(self) -> NDArray[np.uint8]:
        picture = self._feed.frame if self._feed is not None else None
        if picture is None:
            if self._card is None:
                self._card = synthetic_frame(0, 640, 480)
            picture = self._card
        return _even(picture)

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame.from_ndarray(np.ascontiguousarray(self._picture()), format="bgr24")
        frame.pts = pts
        frame.time_base = time_base
        return frame


class MicTrack(MediaStreamTrack):
    """The app's microphone (whatever :class:`~simulator.feeds.MicFeed` reads), in 20 ms frames
    paced like a microphone; silence while nothing was heard (or there is no microphone)."""

    kind = "audio"

    def __init__(self, feed: MicFeed | None, rate: int = 16_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._feed = feed
        self._rate = rate
        self._clock = clock
        self._lock = threading.Lock()
        self._buffer: deque[float] = deque(maxlen=round(rate * AUDIO_BUFFER_S))
        self._sent = 0
        self._start: float | None = None
        if feed is not None:
            feed.listeners.append(self.heard)

    def heard(self, block: NDArray[np.float32], rate: int) -> None:
        """A block the microphone read (on its own thread)."""
        with self._lock:
            if rate != self._rate:
                self._rate = rate
                self._buffer = deque(maxlen=round(rate * AUDIO_BUFFER_S))
            self._buffer.extend(block.reshape(-1).tolist())

    def _take(self, count: int) -> NDArray[np.float32]:
        with self._lock:
            got = [self._buffer.popleft() for _ in range(min(count, len(self._buffer)))]
        out = np.zeros(count, np.float32)
        out[:len(got)] = got
        return out

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        rate = self._rate
        count = round(rate * AUDIO_FRAME_S)
        if self._start is None:
            self._start = self._clock()
        else:
            await asyncio.sleep(max(0.0, self._start + self._sent / rate - self._clock()))
        pcm = np.clip(self._take(count) * 32767, -32768, 32767).astype(np.int16).reshape(1, -1)
        frame = AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = rate
        frame.pts = self._sent
        frame.time_base = fractions.Fraction(1, rate)
        self._sent += count
        return frame

    def stop(self) -> None:
        if self._feed is not None and self.heard in self._feed.listeners:
            self._feed.listeners.remove(self.heard)
        super().stop()


# ---------------------------------------------------------------- the link


class LinkState(StrEnum):
    """Where the desktop's seat in the drill stands."""

    #: Connecting for the first time.
    CONNECTING = "connecting"
    #: In the room as its host.
    JOINED = "joined"
    #: The connection dropped; trying again with the seat's token.
    RECONNECTING = "reconnecting"
    #: Could not join (wrong code, a host already, no server there): see ``problem``.
    FAILED = "failed"
    #: Closed by the app.
    CLOSED = "closed"


class DrillLink:
    """The host's seat in a drill room, on a thread of its own.

    :meth:`start` connects; :meth:`drain` hands the render loop the messages that
    arrived; :meth:`send` queues a message (``v`` and ``id`` added; the id is returned);
    :meth:`stop` leaves. ``problem`` holds the server's message (or ``None`` and
    ``problem_key``) when the seat could not be taken.
    """

    def __init__(self, url: str, code: str, name: str, lang: str, *,
                 camera: CameraFeed | None = None, mic: MicFeed | None = None,
                 publish: bool = True) -> None:
        self.url, self.code, self.name, self.lang = url, code, name, lang
        self.camera, self.mic, self.publish = camera, mic, publish
        self.state = LinkState.CONNECTING
        self.problem: str | None = None
        self.problem_key: str | None = None
        self._inbox: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ws: ClientConnection | None = None
        self._pc: RTCPeerConnection | None = None
        self._tracks: list[MediaStreamTrack] = []
        self._token: str | None = None
        self._seq = 0
        self._ids = 0
        self._id_lock = threading.Lock()
        self._offer_id: int | None = None
        self._stopping = False
        self._main_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    # ------------------------------------------------------------ the render loop's side

    def start(self) -> DrillLink:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            self._main_task = loop.create_task(self._main())
            ready.set()
            try:
                loop.run_until_complete(self._main_task)
            except asyncio.CancelledError:
                pass
            finally:
                loop.run_until_complete(self._wind_up())
                # What aiortc left running (its transports' readers) ends with the loop.
                rest = [t for t in asyncio.all_tasks(loop) if not t.done()]
                for task in rest:
                    task.cancel()
                loop.run_until_complete(asyncio.gather(*rest, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=run, name="gladi-drill", daemon=True)
        self._thread.start()
        ready.wait(5)
        return self

    def drain(self) -> list[dict[str, Any]]:
        out = []
        while True:
            try:
                out.append(self._inbox.get_nowait())
            except queue.Empty:
                return out

    def send(self, body: dict[str, Any]) -> int:
        """Queue a message for the room; returns its ``id`` (its answer carries it)."""
        with self._id_lock:
            self._ids += 1
            ident = self._ids
        text = json.dumps({"v": VERSION, "id": ident, **body}, ensure_ascii=False)
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._send_now, text)
        return ident

    def stop(self) -> None:
        """Leave the drill: the camera stops (the seats see the host go off), the connection
        closes, the thread ends."""
        self._stopping = True
        loop, task, thread = self._loop, self._main_task, self._thread
        if loop is not None and task is not None and thread is not None and thread.is_alive():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self._leave(), loop).result(5)
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(task.cancel)  # e.g. waiting to reconnect
        if thread is not None:
            thread.join(timeout=10)
        if self.state is not LinkState.FAILED:
            self.state = LinkState.CLOSED

    # ------------------------------------------------------------ the link's thread

    def _send_now(self, text: str) -> None:
        ws = self._ws
        if ws is not None:
            self._spawn(ws.send(text))

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _main(self) -> None:
        delay = 0.5
        while not self._stopping:
            try:
                tls = _unverified() if self.url.startswith("wss:") else None
                async with connect(self.url, open_timeout=10, max_size=2**20, ssl=tls) as ws:
                    self._ws = ws
                    await ws.send(json.dumps(self._hello(), ensure_ascii=False))
                    async for raw in ws:
                        if not self._receive(json.loads(raw)):
                            return
                        delay = 0.5
            except (OSError, TimeoutError, InvalidHandshake, InvalidURI, ConnectionClosed,
                    ValueError) as exc:
                if self.state is LinkState.CONNECTING:
                    log.info("cannot join the drill at %s: %s", self.url, exc)
                    self.state, self.problem_key = LinkState.FAILED, "drill.cannot_connect"
                    return
            finally:
                self._ws = None
            if self._stopping or self.state is LinkState.FAILED:
                return
            self.state = LinkState.RECONNECTING
            await asyncio.sleep(delay)
            delay = min(RETRY_MAX_S, delay * 2)

    def _hello(self) -> dict[str, Any]:
        hello: dict[str, Any] = {"v": VERSION, "type": "hello", "room": self.code,
                                 "role": "host", "lang": self.lang}
        if self.name:
            hello["name"] = self.name
        if self._token is not None:
            hello.update(token=self._token, last_seq=self._seq)
        return hello

    def _receive(self, msg: dict[str, Any]) -> bool:
        """One message from the server; False when the seat cannot go on."""
        kind = msg.get("type")
        if kind == "welcome":
            self._token, self._seq = str(msg["token"]), int(msg["seq"])
            self.state = LinkState.JOINED
            if self.publish and (self._pc is None or self._pc.connectionState in
                                 ("failed", "closed")):
                self._spawn(self._offer())
        elif kind in ("event", "room"):
            seq = int(msg["seq"])
            if seq <= self._seq:
                return True  # a replayed message the snapshot already holds
            if seq != self._seq + 1 and self._ws is not None:
                self._spawn(self._ws.close())  # a gap: resume with the token
                return True
            self._seq = seq
        elif kind == "media.answer" and msg.get("id") == self._offer_id:
            self._spawn(self._answered(str(msg["sdp"])))
        elif kind == "error" and self.state is not LinkState.JOINED:
            # Not in (a wrong code, a host already) or no longer (the trainer freed the seat).
            self.state, self.problem = LinkState.FAILED, str(msg.get("message", ""))
            if msg.get("code") == "bad_token":
                self.problem, self.problem_key = None, "drill.seat_freed"
            self._inbox.put(msg)
            return False
        self._inbox.put(msg)
        return True

    async def _leave(self) -> None:
        ws = self._ws
        if ws is not None:
            with contextlib.suppress(ConnectionClosed):
                if self._pc is not None:
                    await ws.send(json.dumps({"v": VERSION, "type": "media.state",
                                              "purpose": "publish", "state": "stopped"}))
                await ws.close()
        await self._close_peer()

    async def _offer(self) -> None:
        """Publish the camera and microphone: a fresh peer, its offer over the websocket."""
        await self._close_peer()
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self._pc = pc
        self._tracks = [CameraTrack(self.camera), MicTrack(self.mic)]
        for track in self._tracks:
            pc.addTrack(track)
        await pc.setLocalDescription(await pc.createOffer())
        if pc is not self._pc:
            return
        self._offer_id = self.send({"type": "media.offer", "purpose": "publish",
                                    "sdp": pc.localDescription.sdp})

    async def _answered(self, sdp: str) -> None:
        pc = self._pc
        if pc is None or pc.signalingState != "have-local-offer":
            return
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))
        except Exception as exc:  # a broken answer leaves the drill without video, no more
            log.warning("the server's answer could not be used: %s", exc)

    async def _close_peer(self) -> None:
        pc, tracks = self._pc, self._tracks
        self._pc, self._tracks = None, []
        for track in tracks:
            track.stop()
        if pc is not None:
            await pc.close()

    async def _wind_up(self) -> None:
        """The thread ends: the peer closes and nothing of the link keeps running."""
        await self._close_peer()
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
