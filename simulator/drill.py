"""The desktop app as the host of a group drill: the room over the protocol, the camera over WebRTC.

``gladi rehearse --drill ws://HOST:PORT --code 482913`` (or "Gabung gladi kelompok" on
the home screen) joins a ``gladi serve`` room as its host. Nothing runs locally: the
room's engine is the server's, and the desktop shows what the drill protocol
(docs/protocol.md, version 2) tells the host's seat — the staff view — and sends the
host's clicks as ``action`` messages.

* :class:`DrillView` is the room from the host's chair, folded from the protocol's
  messages (welcome snapshot, events, room changes, ``media.state``, the debrief).
  No pygame, no I/O: the screen draws it, tests feed it messages.
* :class:`DrillDesk` is that room as the host's desk (:mod:`simulator.desk`), the same
  the live screen reads in a rehearsal: it sends the host's actions and settles each
  with the room's answer, or refused when the connection dropped first.
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
import logging
import math
import queue
import ssl
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final, Protocol, assert_never
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
from pydantic import ValidationError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from i18n import normalise_language
from media.synthetic import synthetic_frame
from moderation.actions import (
    HOST,
    SEAT_ACTIONS,
    AcceptGuest,
    AddKeyword,
    AddModerator,
    Answer,
    AnyAction,
    Block,
    DeclineGuest,
    Delete,
    Inject,
    Mute,
    Permission,
    Pin,
    RemoveGuest,
    RemoveKeyword,
    RemoveModerator,
    Report,
    Role,
    SetComments,
    Talk,
    Thank,
    Unblock,
    Undo,
    UndoableAction,
    Unmute,
    Unpin,
    Welcome,
    presence_ms,
    undoable,
)
from moderation.events import (
    ActionApplied,
    ActionRejected,
    AnyEvent,
    AudienceChanged,
    CommentPosted,
    CommentsHidden,
    Followed,
    GiftSent,
    GuestRequested,
    Hidden,
    InjectFired,
    NetworkDropped,
    OfficialJoined,
    RejectCode,
    SessionEnded,
    Shared,
    Tapped,
    Undone,
)
from moderation.room import normalise_keyword
from moderation.timing import DEAD_AIR_GRACE_MS, UNDO_MS
from protocol.inbound import ActionMsg, ErrorCode, Hello, MediaOffer, MediaStateIn, Ping, Purpose
from protocol.outbound import (
    SERVER_MESSAGE,
    AckOut,
    AnyServerMessage,
    DebriefOut,
    ErrorOut,
    EventOut,
    ExportOut,
    FreedData,
    LeaderboardOut,
    MediaAnswerOut,
    MediaStateOut,
    NoteData,
    PongOut,
    RejoinsOut,
    ResetData,
    RoomData,
    RoomKind,
    RoomOut,
    SavedOut,
    SeatsOut,
    StaffSnapshot,
    StorageOut,
    WaitingOut,
    WelcomeOut,
)
from protocol.seat_actions import body_of
from scenarios.taxonomy import ReportReason
from simulator.desk import (
    Applied,
    CommentView,
    DeskRefusal,
    GiftView,
    Pending,
    Refused,
    Reply,
    RoomNotice,
    Settled,
)
from simulator.feeds import CameraFeed, MicFeed
from simulator.model import GIFT_SHOW_MS, NOTICE_SHOW_MS

__all__ = ["CameraTrack", "DrillDesk", "DrillLink", "DrillView", "Kept", "LinkState",
           "MicTrack", "Outgoing", "Sender", "Sent", "drill_url"]

log = logging.getLogger("gladi.simulator.drill")

#: The protocol version the desktop speaks: 2, the one with the host's camera.
VERSION: Final = 2
#: Comments kept (the panel shows the newest).
RING = 200
#: How long the desktop waits for a dropped connection before trying again (s), at most.
RETRY_MAX_S = 5.0
#: Voice kept waiting to be sent at most (s): a late sound is dropped, not delayed.
AUDIO_BUFFER_S = 0.5
AUDIO_FRAME_S = 0.02
#: The undo button goes this much before the room's undo window closes (the answer's trip).
UNDO_MARGIN_S = 0.5
#: The link's heartbeat, as the seat page's (docs/protocol.md, "Transport"): a ping a
#: second; SILENT_S without a word from the server and the link counts as down (shown
#: at once, and a new connection made); a new connection silent for CONNECT_S is given up.
PING_S = 1.0
SILENT_S = 2.0
CONNECT_S = 3.0
WATCH_S = 0.25
#: An action's answer that has not come by then on a live link: it is sent again, with the
#: same cid (the room applies it once).
ANSWER_S = 5.0


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
    #: The run the room is in (``welcome.epoch``; a ``reset`` starts the next).
    epoch: int = 0
    viewer_count: int = 0
    taps: int = 0
    coins: int = 0
    recent_taps: deque[tuple[int, int]] = field(default_factory=lambda: deque(maxlen=64))
    comments_enabled: bool = True
    comments: deque[CommentView] = field(default_factory=lambda: deque(maxlen=RING))
    by_id: dict[str, CommentView] = field(default_factory=dict)
    #: Comments posted since the welcome (a comment's ``seq``).
    posted: int = 0
    pinned_id: str | None = None
    #: Named viewers present (id → handle), in order of arrival.
    viewers: dict[str, str] = field(default_factory=dict)
    #: Muted viewers: until when (room ms; None: the whole LIVE).
    muted: dict[str, int | None] = field(default_factory=dict)
    keywords: list[str] = field(default_factory=list)
    moderators: dict[str, frozenset[Permission]] = field(default_factory=dict)
    #: Guest requests waiting: request id → (viewer, handle).
    requests: dict[str, tuple[str, str]] = field(default_factory=dict)
    guests: dict[str, str] = field(default_factory=dict)
    gifts: deque[GiftView] = field(default_factory=lambda: deque(maxlen=20))
    thanked: set[str] = field(default_factory=set)
    officials: list[tuple[str, str]] = field(default_factory=list)
    welcomed: set[str] = field(default_factory=set)
    notices: deque[RoomNotice] = field(default_factory=lambda: deque(maxlen=6))
    mute_presets: list[int | None] = field(default_factory=lambda: [5, 30, 60, 300, None])
    report_reasons: list[ReportReason] = field(default_factory=lambda: list(ReportReason))
    #: The action types this seat may send (``welcome.actions``).
    actions: list[str] = field(default_factory=list)
    #: Until when (room ms) the host was last active (spoke or acted): the engine's rule.
    last_talk: int = 0
    #: Until when (room ms) the host's network is down (a scripted drop).
    network_down_until: int = 0
    note: str | None = None
    #: The host's camera as the room sees it (``media.state``): off, connecting, live…
    camera: str = "off"
    watching: int = 0
    coaching: list[CoachLine] = field(default_factory=list)
    #: How long after a block, pin, report or comments-off the room takes an undo (ms).
    undo_ms: int = UNDO_MS
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

    def apply(self, msg: AnyServerMessage, wall: float) -> None:
        """Take one server message in."""
        match msg:
            case WelcomeOut():
                self.epoch = msg.epoch
                self._welcome(msg, wall)
            case EventOut():
                self.epoch = msg.epoch
                self._at(msg.t, wall)
                event = msg.engine_event()
                if event is not None:
                    self._event(event)
            case RoomOut():
                self.epoch = msg.epoch
                self._at(msg.t, wall)
                self._room(msg.kind, msg.data)
            case AckOut() | ErrorOut():
                pass  # answers to the host's requests: the desk's (DrillDesk.receive)
            case MediaStateOut():
                self.camera, self.watching = msg.host.value, msg.viewers
                self.coaching = [CoachLine(w.since_ms, w.text, w.level == "fail")
                                 for w in msg.coaching or []]
            case DebriefOut() if msg.epoch < self.epoch:
                pass  # the run before a reset: the desk shows the run at hand
            case DebriefOut():
                score, passed = msg.verdict()
                self.status = "ended"
                self.result = DrillResult(score, passed, [
                    CoachLine(c.t, c.text, c.level == "fail", c.cleared_t)
                    for c in msg.coaching or []])
            case (PongOut() | SeatsOut() | LeaderboardOut() | WaitingOut() | RejoinsOut()
                  | SavedOut() | StorageOut() | ExportOut() | MediaAnswerOut()):
                pass  # the host's desk shows none of these (not_saved answers say enough)
            case _:
                assert_never(msg)

    def _welcome(self, msg: WelcomeOut, wall: float) -> None:
        state, snap = msg.state, msg.snapshot
        self.seat, self.name, self.epoch = msg.seat, msg.name, msg.epoch
        self.status, self.duration_ms = state.status.value, state.duration_ms
        self.title = state.scenario.title
        self.mute_presets = list(state.mute_presets or self.mute_presets)
        known = {r.value: r for r in ReportReason}
        self.report_reasons = [known[r] for r in state.report_reasons if r in known] \
            or list(ReportReason)
        self.actions = list(msg.actions)
        self.undo_ms = state.undo_ms or UNDO_MS
        media = state.media
        if media is not None:
            self.camera, self.watching = media.host.value, media.viewers
        self.t, self.t_at = snap.t, wall
        self.viewer_count, self.taps, self.coins = snap.viewers, snap.taps, snap.coins
        self.last_talk = max(self.last_talk, snap.t)  # the host was there until now
        self.comments_enabled = snap.comments_enabled
        self.comments.clear()
        self.by_id.clear()
        self.viewers.clear()
        shown = [CommentView(c.id, c.viewer, c.handle, c.text, c.t) for c in snap.stream]
        if isinstance(snap, StaffSnapshot):
            shown += [CommentView(f.id, "", f.handle, f.text, f.t, filtered=True)
                      for f in snap.filtered]
            self.keywords = list(snap.keywords)
            self.muted = dict(snap.muted)
        for view in sorted(shown, key=lambda c: c.t):
            self._add(view)
        self.pinned_id = None if snap.pinned is None else snap.pinned.id
        self.requests = {r.id: (r.viewer, r.handle) for r in snap.requests}
        self.guests = {g.viewer: g.handle for g in snap.guests}
        self.moderators = {name: _permissions(perms) for name, perms in snap.moderators.items()}
        for viewer, handle in [*self.guests.items(), *self.requests.values()]:
            self.viewers.setdefault(viewer, handle)

    def _add(self, view: CommentView) -> None:
        self.posted += 1
        view.seq = self.posted
        if len(self.comments) == self.comments.maxlen:
            self.by_id.pop(self.comments[0].id, None)
        self.comments.append(view)
        self.by_id[view.id] = view
        if view.viewer:
            self.viewers.setdefault(view.viewer, view.handle)

    def _event(self, ev: AnyEvent) -> None:
        match ev:
            case CommentPosted():
                self._add(CommentView(ev.id, ev.viewer, ev.handle, ev.text, ev.t,
                                      filtered=ev.hidden is Hidden.FILTER))
            case CommentsHidden():
                for cid in ev.comments:
                    found = self.by_id.get(cid)
                    if found is not None:
                        found.hidden = ev.reason
                    if self.pinned_id == cid:
                        self.pinned_id = None
            case AudienceChanged():
                for viewer in ev.joined:
                    self.viewers[viewer.id] = viewer.handle
                for vid in ev.left:
                    self.viewers.pop(vid, None)
                self.viewer_count = ev.viewers
            case Tapped():
                self.taps += ev.count
                self.recent_taps.append((ev.t, ev.count))
            case GiftSent():
                self.gifts.append(GiftView(ev.id, ev.handle, ev.gift, ev.coins, ev.count, ev.t))
                self.coins += ev.coins
                self.viewers.setdefault(ev.viewer, ev.handle)
            case OfficialJoined():
                self.officials.append((ev.viewer, ev.handle))
                self.notices.append(RoomNotice("desktop.notice_official", ev.t,
                                               (("name", ev.handle),)))
            case GuestRequested():
                self.requests[ev.id] = (ev.viewer, ev.handle)
                self.notices.append(RoomNotice("desktop.notice_guest", ev.t,
                                               (("name", ev.handle),)))
            case NetworkDropped():
                self.network_down_until = ev.t + ev.duration
                self.notices.append(RoomNotice("desktop.notice_network", ev.t, bad=True))
            case ActionApplied():
                self._applied(ev.action)
            case Undone():
                self._undone(ev.action, ev.pinned)
            case Followed():
                self.viewers.setdefault(ev.viewer, ev.handle)
            case Shared() | InjectFired() | ActionRejected() | SessionEnded():
                pass  # nothing on the host's desk shows these
            case _:
                assert_never(ev)

    def _applied(self, action: AnyAction) -> None:
        """An accepted action changes what the host sees (pins, guests, thanks, switches)."""
        if action.actor == HOST:
            # The engine's rule: any host action counts as being there, a talk until it ends.
            until = action.t + presence_ms(action)
            self.last_talk = max(self.last_talk, until)
        match action:
            case Pin():
                self.pinned_id = action.comment
            case Unpin():
                self.pinned_id = None
            case SetComments():
                self.comments_enabled = action.enabled
            case AcceptGuest() | DeclineGuest():
                request = self.requests.pop(action.request, None)
                if request is not None and isinstance(action, AcceptGuest):
                    self.guests[request[0]] = request[1]
            case RemoveGuest():
                self.guests.pop(action.viewer, None)
            case Thank():
                self.thanked.add(action.target)
            case Welcome():
                self.welcomed.add(action.viewer)
            case Answer():
                found = self.by_id.get(action.comment)
                if found is not None:
                    found.answered = True
            case Report():
                found = self.by_id.get(action.comment)
                if found is not None:
                    found.reported = True
            case Mute():
                self.muted[action.viewer] = action.ends(action.t)
            case Unmute():
                self.muted.pop(action.viewer, None)
            case Block():
                self.viewers.pop(action.viewer, None)
            case AddKeyword():
                keyword = normalise_keyword(action.keyword)
                if keyword not in self.keywords:
                    self.keywords.append(keyword)
            case RemoveKeyword():
                keyword = normalise_keyword(action.keyword)
                if keyword in self.keywords:
                    self.keywords.remove(keyword)
            case AddModerator():
                self.moderators[action.name] = frozenset(action.permissions)
            case RemoveModerator():
                self.moderators.pop(action.name, None)
            case Unblock() | Delete() | Undo() | Talk() | Inject():
                pass  # what they hide arrives as a `hidden` event
            case _:
                assert_never(action)

    def _undone(self, action: AnyAction, pinned: str | None) -> None:
        """An undo took ``action`` back (a block lifted changes nothing the host sees)."""
        if isinstance(action, Pin):
            self.pinned_id = pinned
        elif isinstance(action, SetComments):
            self.comments_enabled = True
        elif isinstance(action, Report):
            found = self.by_id.get(action.comment)
            if found is not None:
                found.reported = False

    def _room(self, kind: RoomKind, data: RoomData) -> None:
        if kind in ("started", "resumed"):
            self.status = "running"
        elif kind in ("paused", "ended"):
            self.status = kind
        elif isinstance(data, ResetData):
            self.status, self.t, self.result, self.epoch = "lobby", 0, None, data.epoch
            self.comments.clear()
            self.by_id.clear()
            self.pinned_id = None
            self.requests.clear()
            self.guests.clear()
            self.gifts.clear()
            self.officials.clear()
            self.viewers.clear()
            self.muted.clear()
            self.recent_taps.clear()
            self.welcomed.clear()
            self.thanked.clear()
            self.viewer_count = self.taps = self.coins = 0
            self.last_talk = self.network_down_until = 0
        elif isinstance(data, NoteData):
            self.note = data.text
        elif isinstance(data, FreedData) and data.seat == self.seat:
            self.freed = True

    # ------------------------------------------------------------ what the panel shows

    def visible_comments(self) -> list[CommentView]:
        """The comments on the host's list, newest last (deleted ones gone)."""
        return [c for c in self.comments if c.hidden is None]

    def stage_comments(self, n: int) -> list[CommentView]:
        """The newest ``n`` comments viewers see (no filtered or hidden ones)."""
        return [c for c in self.comments if c.hidden is None and not c.filtered][-n:]

    def unthanked_gift(self) -> GiftView | None:
        return next((g for g in reversed(self.gifts) if g.id not in self.thanked), None)

    def unwelcomed_official(self) -> tuple[str, str] | None:
        return next(((v, h) for v, h in reversed(self.officials) if v not in self.welcomed),
                    None)

    def first_request(self) -> str | None:
        return next(iter(self.requests), None)


def _permissions(names: list[str]) -> frozenset[Permission]:
    """A moderator's permissions from the snapshot (a name this app does not know is left
    out)."""
    known = {p.value: p for p in Permission}
    return frozenset(known[n] for n in names if n in known)


# ---------------------------------------------------------------- the host's desk in a drill


class Sender(Protocol):
    """What the desk needs of the link: send an action, and whether the seat is in the
    room (:class:`DrillLink`; a test's recorder)."""

    @property
    def state(self) -> LinkState: ...

    @property
    def joins(self) -> int:
        """How many times the seat was welcomed: a new connection counts one more."""

    def act(self, action: AnyAction, cid: str) -> int:
        """Send ``action`` with its client id; return the message id its ``ack`` carries."""

    def drain(self) -> list[AnyServerMessage]:
        """The messages that arrived since the last call."""


@dataclass(frozen=True, slots=True)
class Kept:
    """An action the host took, kept until the room answered it: its ticket, the client id
    it goes with every time (docs/protocol.md, "Sent again") and the run it was taken in."""

    ticket: int
    cid: str
    action: AnyAction
    epoch: int


@dataclass(frozen=True, slots=True)
class Sent:
    """The kept action on its way: the message id its answer carries, the connection it
    went out on (the link's ``joins``) and when (wall s)."""

    kept: Kept
    ident: int
    joins: int
    at: float


class DrillDesk:
    """A drill room as the host's desk (:class:`~simulator.desk.HostDesk`): what
    :class:`DrillView` folded from the room, and the host's actions sent over the link.

    :meth:`take` keeps an action with a client id and leaves it
    :class:`~simulator.desk.Pending`; the actions go out one at a time, in order, and
    its ``ack`` (or ``error``) settles each, applied or refused, through :meth:`settled`.
    While the link is down they wait (:attr:`offline`); once the seat is back (a new
    connection) the one whose answer was lost goes again with the same id, so the room
    applies it once, and the rest follow. Only a seat that is gone (the link failed or
    closed) or a drill restarted meanwhile refuses what waits. Times are the room's
    (``wall``: the app's wall clock, seconds); the room's clock stops while offline.
    """

    def __init__(self, view: DrillView, link: Sender, wall: Callable[[], float]) -> None:
        self.view = view
        self.link = link
        self.wall = wall
        #: Actions waiting for their answer, oldest first.
        self.kept: list[Kept] = []
        #: The one on its way.
        self.sent: Sent | None = None
        self._tickets = 0
        self._settled: list[Settled] = []
        self._undoable: UndoableAction | None = None
        #: Until when (wall s) :attr:`undoable` can be undone.
        self.undo_until = 0.0

    @property
    def pending(self) -> dict[int, AnyAction]:
        """The actions waiting for their answer, by ticket."""
        return {kept.ticket: kept.action for kept in self.kept}

    @property
    def offline(self) -> bool:
        """The seat's link dropped and is being made again: actions taken are kept."""
        return self.link.state is LinkState.RECONNECTING

    # ------------------------------------------------------------ the link

    def poll(self) -> None:
        """Take in what the room sent; send what waits once the seat is in the room."""
        state, joins = self.link.state, self.link.joins
        for message in self.link.drain():
            self.receive(message)
        # The state was read before draining: every answer that came on the connection
        # read is in now.
        self.catch_up(state, joins)

    def receive(self, msg: AnyServerMessage) -> None:
        """One server message: an answer settles its action; the rest goes to the view."""
        wall = self.wall()
        sent = self.sent
        if isinstance(msg, AckOut | ErrorOut) and sent is not None and msg.id == sent.ident:
            self.sent = None
            self.kept.remove(sent.kept)
            self._answered(sent.kept, msg, wall)
            return
        if isinstance(msg, ErrorOut):  # not an action's (the camera's offer, say)
            log.warning("the drill server says %s: %s", msg.code.value, msg.message)
        self.view.apply(msg, wall)

    def _answered(self, kept: Kept, msg: AckOut | ErrorOut, wall: float) -> None:
        if isinstance(msg, ErrorOut):
            self._settle(kept.ticket, Refused(msg.code))
        elif not msg.accepted:
            self._settle(kept.ticket, Refused(_reject_code(msg.code)))
        else:
            self._settle(kept.ticket, Applied())
            if msg.undoable and undoable(kept.action):
                self._undoable = kept.action
                self.undo_until = wall + self.view.undo_ms / 1000 - UNDO_MARGIN_S

    def catch_up(self, state: LinkState, joins: int) -> None:
        """After the messages of ``state`` and ``joins`` (the link's): refuse what can no
        longer go, forget an answer that will not come, send the next action."""
        if state in (LinkState.FAILED, LinkState.CLOSED):
            self.sent = None
            self._refuse(self.kept, DeskRefusal.NOT_CONNECTED)  # the seat is gone
            return
        self._refuse([k for k in self.kept if k.epoch != self.view.epoch],
                     DeskRefusal.RESTARTED)
        sent = self.sent
        if sent is not None and (state is not LinkState.JOINED or sent.joins != joins
                                 or self.wall() - sent.at > ANSWER_S):
            self.sent = None  # its connection is gone (or its answer): it goes again
        if state is LinkState.JOINED:
            self._send_next(joins)

    def _refuse(self, kept: list[Kept], reason: DeskRefusal) -> None:
        for item in kept:
            self.kept.remove(item)
            if self.sent is not None and self.sent.kept is item:
                self.sent = None
            self._settle(item.ticket, Refused(reason))

    def _send_next(self, joins: int) -> None:
        """The oldest waiting action, if none is on its way (in order: an undo follows
        what it takes back)."""
        if self.sent is not None or not self.kept:
            return
        kept = self.kept[0]
        self.sent = Sent(kept, self.link.act(kept.action, kept.cid), joins, self.wall())

    def _settle(self, ticket: int, reply: Applied | Refused) -> None:
        self._settled.append(Settled(ticket, reply))

    # ------------------------------------------------------------ acting

    def offers(self, kind: type[AnyAction]) -> bool:
        """What the welcome says this seat may send (before it: a host seat's actions)."""
        if self.view.actions:
            return kind.type in self.view.actions
        return SEAT_ACTIONS.get(kind.type) is kind and Role.HOST in kind.roles

    def take(self, action: AnyAction) -> Reply:
        if not self.offers(type(action)):
            return Refused(DeskRefusal.NOT_OFFERED)
        state = self.link.state
        if state in (LinkState.FAILED, LinkState.CLOSED):
            return Refused(DeskRefusal.NOT_CONNECTED)
        if isinstance(action, Undo):
            self._undoable, self.undo_until = None, 0.0  # one undo per action
        self._tickets += 1
        self.kept.append(Kept(self._tickets, uuid.uuid4().hex, action, self.view.epoch))
        if state is LinkState.JOINED:
            self._send_next(self.link.joins)
        return Pending(self._tickets)

    def settled(self) -> list[Settled]:
        out, self._settled = self._settled, []
        return out

    @property
    def undoable(self) -> UndoableAction | None:
        return self._undoable if self.undo_left_ms() else None

    def undo_left_ms(self) -> int:
        if self._undoable is None:
            return 0
        return max(0, math.ceil((self.undo_until - self.wall()) * 1000))

    # ------------------------------------------------------------ the room

    @property
    def now(self) -> int:
        """The room's time; it stands still while the link is down (what shows is stale)."""
        return self.view.t if self.offline else self.view.now(self.wall())

    @property
    def ended(self) -> bool:
        return self.view.status == "ended"

    @property
    def duration(self) -> int:
        return self.view.duration_ms

    def title(self, lang: str) -> str:
        return self.view.title  # in the seat's language, as the room sent it

    @property
    def comments(self) -> deque[CommentView]:
        return self.view.comments

    @property
    def by_id(self) -> dict[str, CommentView]:
        return self.view.by_id

    @property
    def posted(self) -> int:
        return self.view.posted

    def visible_comments(self) -> list[CommentView]:
        return self.view.visible_comments()

    def stage_comments(self, n: int) -> list[CommentView]:
        return self.view.stage_comments(n)

    @property
    def comments_enabled(self) -> bool:
        return self.view.comments_enabled

    @property
    def pinned_id(self) -> str | None:
        return self.view.pinned_id

    def pinned(self) -> CommentView | None:
        pinned = self.view.pinned_id
        return None if pinned is None else self.view.by_id.get(pinned)

    @property
    def viewers(self) -> dict[str, str]:
        return self.view.viewers

    @property
    def viewer_count(self) -> int:
        return self.view.viewer_count

    @property
    def taps(self) -> int:
        return self.view.taps

    @property
    def coins(self) -> int:
        return self.view.coins

    @property
    def recent_taps(self) -> deque[tuple[int, int]]:
        return self.view.recent_taps

    def handle(self, viewer: str) -> str:
        found = self.view.viewers.get(viewer)
        if found is None:
            found = next((c.handle for c in self.view.comments if c.viewer == viewer), "?")
        return found

    def is_muted(self, viewer: str) -> bool:
        if viewer not in self.view.muted:
            return False
        until = self.view.muted[viewer]
        return until is None or until > self.now

    def is_welcomed(self, viewer: str) -> bool:
        return viewer in self.view.welcomed

    def active_gifts(self) -> list[GiftView]:
        now = self.now
        return [g for g in self.view.gifts if now - g.t < GIFT_SHOW_MS]

    def gift_name(self, gift: str, lang: str) -> str:
        return gift.replace("_", " ")  # the protocol sends no gift names

    def unthanked_gift(self) -> GiftView | None:
        return self.view.unthanked_gift()

    def unwelcomed_official(self) -> tuple[str, str] | None:
        return self.view.unwelcomed_official()

    def active_notices(self) -> list[RoomNotice]:
        now = self.now
        return [n for n in self.view.notices if now - n.t < NOTICE_SHOW_MS]

    @property
    def network_down_until(self) -> int:
        return self.view.network_down_until

    def dead_air_ms(self) -> int:
        if self.view.status != "running":
            return 0
        return max(0, self.now - self.view.last_talk - DEAD_AIR_GRACE_MS)

    @property
    def keywords(self) -> list[str]:
        return self.view.keywords

    @property
    def filter_limit(self) -> None:
        return None  # the protocol does not send the room's limit

    @property
    def moderators(self) -> dict[str, frozenset[Permission]]:
        return self.view.moderators

    def open_requests(self) -> list[tuple[str, str, str]]:
        return [(rid, v, h) for rid, (v, h) in self.view.requests.items()]

    def guests(self) -> list[tuple[str, str]]:
        return list(self.view.guests.items())

    @property
    def max_guests(self) -> None:
        return None  # the protocol does not send the room's limit

    @property
    def mute_presets(self) -> list[int | None]:
        return self.view.mute_presets

    @property
    def report_reasons(self) -> list[ReportReason]:
        return self.view.report_reasons


def _reject_code(code: str | None) -> RejectCode | DeskRefusal:
    """An ack's code as the engine's; one this app does not know (a newer server's)."""
    if code is None:
        return DeskRefusal.UNKNOWN_REASON
    try:
        return RejectCode(code)
    except ValueError:
        return DeskRefusal.UNKNOWN_REASON


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

#: What the desktop host sends.
Outgoing = Hello | ActionMsg | MediaOffer | MediaStateIn | Ping


def _decode(raw: str | bytes) -> AnyServerMessage | None:
    """One server message as its protocol type; None (and a log line) for one this
    version of the app cannot read, which it skips rather than stop the drill."""
    try:
        return SERVER_MESSAGE.validate_json(raw)
    except ValidationError as error:
        log.warning("a server message this app cannot read: %s", str(error).splitlines()[0])
        return None



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
        self._inbox: queue.SimpleQueue[AnyServerMessage] = queue.SimpleQueue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ws: ClientConnection | None = None
        self._pc: RTCPeerConnection | None = None
        self._tracks: list[MediaStreamTrack] = []
        self._token: str | None = None
        #: How many times the seat was welcomed (each connection's welcome counts one).
        self.joins = 0
        self._seq = 0
        self._ids = 0
        self._id_lock = threading.Lock()
        self._offer_id: int | None = None
        self._stopping = False
        #: When the server was last heard (monotonic s): the heartbeat's.
        self._heard = 0.0
        self._main_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

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

    def drain(self) -> list[AnyServerMessage]:
        out = []
        while True:
            try:
                out.append(self._inbox.get_nowait())
            except queue.Empty:
                return out

    def act(self, action: AnyAction, cid: str) -> int:
        """Send one action of the host's (``t`` and ``actor`` are the room's to stamp) with
        its client id; returns the message's ``id``, which its ``ack`` carries."""
        return self.send(ActionMsg(v=VERSION, type="action", action=body_of(action), cid=cid))

    def send(self, message: Outgoing) -> int:
        """Queue a message for the room; returns its ``id`` (its answer carries it)."""
        with self._id_lock:
            self._ids += 1
            ident = self._ids
        text = message.model_copy(update={"id": ident}).model_dump_json()
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

    def _spawn(self, coro: Coroutine[object, object, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _main(self) -> None:
        delay = 0.5
        while not self._stopping:
            try:
                tls = _unverified() if self.url.startswith("wss:") else None
                # Once in the room, a new connection that hangs is given up sooner.
                opening = CONNECT_S if self.joins else 10
                async with connect(self.url, open_timeout=opening, max_size=2**20, ssl=tls,
                                   close_timeout=1) as ws:
                    self._ws = ws
                    self._heard = time.monotonic()
                    beat = asyncio.get_running_loop().create_task(self._heartbeat(ws))
                    try:
                        await ws.send(self._hello().model_dump_json())
                        async for raw in ws:
                            self._heard = time.monotonic()
                            msg = _decode(raw)
                            if msg is not None and not self._receive(msg):
                                return
                            delay = 0.5
                    finally:
                        beat.cancel()
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

    async def _heartbeat(self, ws: ClientConnection) -> None:
        """A ping a second; a connection silent for SILENT_S (CONNECT_S before its welcome)
        is dropped at once, and the seat shows it is offline: the old connection may never
        answer again (a Wi-Fi blip keeps the server's side open)."""
        welcomed = self.joins
        sent = 0.0
        with contextlib.suppress(ConnectionClosed):
            while True:
                now = time.monotonic()
                if now - sent >= PING_S:
                    sent = now
                    await ws.send(Ping(v=VERSION, type="ping").model_dump_json())
                limit = SILENT_S if self.joins > welcomed else CONNECT_S
                if now - self._heard > limit:
                    if self.state is LinkState.JOINED:
                        self.state = LinkState.RECONNECTING
                    ws.transport.abort()
                    return
                await asyncio.sleep(WATCH_S)

    def _hello(self) -> Hello:
        resume = self._token is not None
        return Hello(v=VERSION, type="hello", room=self.code, role=Role.HOST,
                     name=self.name or None, lang=normalise_language(self.lang),
                     token=self._token,
                     last_seq=self._seq if resume else None)

    def _receive(self, msg: AnyServerMessage) -> bool:
        """One message from the server; False when the seat cannot go on."""
        if isinstance(msg, WelcomeOut):
            self._token, self._seq = msg.token, msg.seq
            self.joins += 1
            self.state = LinkState.JOINED
            if self.publish and (self._pc is None or self._pc.connectionState in
                                 ("failed", "closed")):
                self._spawn(self._offer())
        elif isinstance(msg, EventOut | RoomOut):
            if msg.seq <= self._seq:
                return True  # a replayed message the snapshot already holds
            if msg.seq != self._seq + 1 and self._ws is not None:
                self._spawn(self._ws.close())  # a gap: resume with the token
                return True
            self._seq = msg.seq
        elif isinstance(msg, MediaAnswerOut) and msg.id == self._offer_id:
            self._spawn(self._answered(msg.sdp))
        elif isinstance(msg, ErrorOut) and self.state is not LinkState.JOINED:
            # Not in (a wrong code, a host already) or no longer (the trainer freed the seat).
            self.state, self.problem = LinkState.FAILED, msg.message
            if msg.code is ErrorCode.BAD_TOKEN:
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
                    await ws.send(MediaStateIn(v=VERSION, type="media.state",
                                               purpose=Purpose.PUBLISH,
                                               state="stopped").model_dump_json())
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
        self._offer_id = self.send(MediaOffer(v=VERSION, type="media.offer",
                                              purpose=Purpose.PUBLISH,
                                              sdp=pc.localDescription.sdp))

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
