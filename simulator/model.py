"""What the trainee sees of a live session, and what their clicks do to it.

:class:`LiveModel` wraps an engine :class:`~moderation.engine.Session`. It
feeds the session the live time the app reads from its clock, keeps only the
*public* form of each event (``moderation.events.public``: no ground truth
during the run), and turns panel clicks into actions. It imports no pygame,
so the screens stay thin and the logic is tested without a window.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from moderation.actions import (
    HOST,
    Answer,
    AnyAction,
    Permission,
    Report,
    Role,
    Talk,
    Undo,
    UndoableAction,
    presence_ms,
    undoable,
)
from moderation.engine import Session
from moderation.events import (
    AudienceChanged,
    CommentPosted,
    CommentsHidden,
    Event,
    Followed,
    GiftSent,
    GuestRequested,
    Hidden,
    NetworkDropped,
    OfficialJoined,
    RejectCode,
    Tapped,
    Undone,
    public,
)
from moderation.timing import DEAD_AIR_GRACE_MS, UNDO_MS
from scenarios.taxonomy import ReportReason
from simulator.desk import (
    REPORT_REASONS,
    Applied,
    CommentView,
    DeskRefusal,
    GiftView,
    Marker,
    Refused,
    Reply,
    RoomNotice,
    Settled,
)

__all__ = ["CommentView", "GiftView", "LiveModel", "Marker", "RoomNotice"]

#: Comments kept for the panel; older ones have scrolled far away on TikTok too.
RING = 300
#: How long a gift banner or a notice stays up (ms of live time).
GIFT_SHOW_MS = 4000
NOTICE_SHOW_MS = 5000


@dataclass(slots=True)
class LiveModel:
    """The live room from the host's chair."""

    session: Session
    comments: deque[CommentView] = field(default_factory=lambda: deque(maxlen=RING))
    by_id: dict[str, CommentView] = field(default_factory=dict)
    #: Named viewers present now (id → handle), in order of arrival.
    viewers: dict[str, str] = field(default_factory=dict)
    officials: list[tuple[str, str]] = field(default_factory=list)
    gifts: deque[GiftView] = field(default_factory=lambda: deque(maxlen=20))
    notices: deque[RoomNotice] = field(default_factory=lambda: deque(maxlen=6))
    viewer_count: int = 0
    recent_taps: deque[tuple[int, int]] = field(default_factory=lambda: deque(maxlen=64))
    #: Until when the host was last active (spoke or acted), in live ms.
    last_talk: int = 0
    network_down_until: int = 0
    #: Comments posted since the start (public ones), for the benchmark.
    posted: int = 0
    #: Marker lines added by a replay (see :meth:`mark`).
    marked: int = 0
    #: The host's last block, pin, report or comments-off, while it can still be undone.
    undoable: UndoableAction | None = None

    # ------------------------------------------------------------ time

    @property
    def now(self) -> int:
        return self.session.now

    @property
    def ended(self) -> bool:
        return self.session.ended

    def advance(self, now_ms: int) -> None:
        """Run the live to ``now_ms`` (never backwards) and take in what happened."""
        if now_ms > self.session.now and not self.session.ended:
            self._take(self.session.advance(now_ms))

    def end(self, now_ms: int) -> None:
        if not self.session.ended:
            self._take(self.session.end(max(now_ms, self.session.now)))

    def _take(self, events: Sequence[Event]) -> None:
        for raw in events:
            event = public(raw)
            if event is None:
                continue
            if isinstance(event, CommentPosted):
                self.posted += 1
                view = CommentView(event.id, event.viewer, event.handle, event.text, event.t,
                                   filtered=event.hidden is Hidden.FILTER, seq=self.posted)
                if len(self.comments) == self.comments.maxlen:
                    self.by_id.pop(self.comments[0].id, None)
                self.comments.append(view)
                self.by_id[view.id] = view
                self.viewers.setdefault(event.viewer, event.handle)
            elif isinstance(event, CommentsHidden):
                for cid in event.comments:
                    found = self.by_id.get(cid)
                    if found is not None:
                        found.hidden = event.reason
            elif isinstance(event, AudienceChanged):
                for viewer in event.joined:
                    self.viewers[viewer.id] = viewer.handle
                for vid in event.left:
                    self.viewers.pop(vid, None)
                self.viewer_count = event.viewers
            elif isinstance(event, GiftSent):
                self.gifts.append(GiftView(event.id, event.handle, event.gift, event.coins,
                                           event.count, event.t))
                self.viewers.setdefault(event.viewer, event.handle)
            elif isinstance(event, Tapped):
                self.recent_taps.append((event.t, event.count))
            elif isinstance(event, OfficialJoined):
                self.officials.append((event.viewer, event.handle))
                self.note("desktop.notice_official", event.t, name=event.handle)
            elif isinstance(event, GuestRequested):
                self.note("desktop.notice_guest", event.t, name=event.handle)
            elif isinstance(event, Followed):
                self.viewers.setdefault(event.viewer, event.handle)
            elif isinstance(event, NetworkDropped):
                self.network_down_until = event.t + event.duration
                self.note("desktop.notice_network", event.t, bad=True)
            elif isinstance(event, Undone) and isinstance(event.action, Report):
                withdrawn = self.by_id.get(event.action.comment)
                if withdrawn is not None:
                    withdrawn.reported = False

    def mark(self, t: int, head: str, text: str, refused: bool = False) -> CommentView:
        """Add a replay's marker row ("3:14 · tindakanmu" / "Blokir @handle") to the list."""
        self.marked += 1
        view = CommentView(f"mark{self.marked}", "", head, text, t, seq=self.posted,
                           marker=Marker.REFUSED if refused else Marker.DONE)
        if len(self.comments) == self.comments.maxlen:
            self.by_id.pop(self.comments[0].id, None)
        self.comments.append(view)
        return view

    def note(self, key: str, t: int, bad: bool = False, **params: str) -> None:
        self.notices.append(RoomNotice(key, t, tuple(sorted(params.items())), bad))

    # ------------------------------------------------------------ views

    def visible_comments(self) -> list[CommentView]:
        """What the host's comment list shows: not deleted, newest last."""
        return [c for c in self.comments if c.hidden is None]

    def stage_comments(self, n: int) -> list[CommentView]:
        """The newest ``n`` comments the viewers see (no filtered ones)."""
        out: list[CommentView] = []
        for c in reversed(self.comments):
            if c.hidden is None and not c.filtered and c.marker is None:
                out.append(c)
                if len(out) == n:
                    break
        out.reverse()
        return out

    def active_gifts(self) -> list[GiftView]:
        now = self.now
        return [g for g in self.gifts if now - g.t < GIFT_SHOW_MS]

    def active_notices(self) -> list[RoomNotice]:
        now = self.now
        return [n for n in self.notices if now - n.t < NOTICE_SHOW_MS]

    def pinned(self) -> CommentView | None:
        cid = self.session.room.pinned
        return None if cid is None else self.by_id.get(cid)

    def open_requests(self) -> list[tuple[str, str, str]]:
        """(request id, viewer, handle) of guest requests waiting for the host."""
        room = self.session.room
        handles = self.session.audience.handles
        return [(rid, v, handles[v]) for rid, (v, open_) in room.requests.items()
                if open_ and v in room.present]

    def guests(self) -> list[tuple[str, str]]:
        handles = self.session.audience.handles
        return [(v, handles[v]) for v in self.session.room.guests]

    def unwelcomed_official(self) -> tuple[str, str] | None:
        room = self.session.room
        for vid, handle in reversed(self.officials):
            if vid not in room.welcomed and vid in room.present:
                return vid, handle
        return None

    def unthanked_gift(self) -> GiftView | None:
        thanked = self.session.room.thanked_gifts
        for gift in reversed(self.gifts):
            if gift.id not in thanked:
                return gift
        return None

    def dead_air_ms(self) -> int:
        """How long the host has been silent beyond the grace period (0 if not)."""
        return max(0, self.now - self.last_talk - DEAD_AIR_GRACE_MS)

    @property
    def taps(self) -> int:
        return self.session.taps

    @property
    def coins(self) -> int:
        return self.session.coins

    # ------------------------------------------------------------ the room, for the desk

    @property
    def duration(self) -> int:
        return self.session.duration

    def title(self, lang: str) -> str:
        return self.session.scenario.title.get(lang)

    @property
    def comments_enabled(self) -> bool:
        return self.session.room.comments_enabled

    @property
    def pinned_id(self) -> str | None:
        return self.session.room.pinned

    def handle(self, viewer: str) -> str:
        return self.session.room.handles.get(viewer, "?")

    def is_muted(self, viewer: str) -> bool:
        return self.session.room.is_muted(viewer, self.now)

    def is_welcomed(self, viewer: str) -> bool:
        return viewer in self.session.room.welcomed

    def gift_name(self, gift: str, lang: str) -> str:
        name = next((g.name for g in self.session.economy.gifts if g.id == gift), None)
        return name.get(lang) if name is not None else gift.replace("_", " ")

    @property
    def keywords(self) -> list[str]:
        return self.session.room.keywords

    @property
    def filter_limit(self) -> int:
        return self.session.room.settings.filter_limit

    @property
    def moderators(self) -> dict[str, frozenset[Permission]]:
        return self.session.room.moderators

    @property
    def max_guests(self) -> int:
        return self.session.scenario.settings.max_guests

    @property
    def mute_presets(self) -> tuple[int | None, ...]:
        return self.session.scenario.settings.mute_presets_s

    @property
    def report_reasons(self) -> tuple[ReportReason, ...]:
        return REPORT_REASONS

    # ------------------------------------------------------------ actions

    def act(self, action: AnyAction) -> RejectCode | None:
        """Apply a host action; return why it was refused, if it was."""
        result = self.session.apply(action)
        self._take(result.events)
        if result.rejected is None:
            # The same rule as the engine's: any host action counts as being there,
            # talking counts until the talk ends.
            until = action.t + presence_ms(action)
            self.last_talk = max(self.last_talk, until)
            self._mark(action)
            if undoable(action):
                self.undoable = action
            elif isinstance(action, Undo):
                self.undoable = None
        return result.rejected

    def take(self, action: AnyAction) -> Reply:
        """The host desk's one way to act (:class:`~simulator.desk.HostDesk`): the local
        engine answers at once."""
        if not self.offers(type(action)):
            return Refused(DeskRefusal.NOT_OFFERED)
        code = self.act(action)
        return Applied() if code is None else Refused(code)

    def offers(self, kind: type[AnyAction]) -> bool:
        """A rehearsal's host may take every action a host may take."""
        return Role.HOST in kind.roles

    def settled(self) -> list[Settled]:
        """Nothing waits: the engine answers every action at once."""
        return []

    @property
    def offline(self) -> bool:
        """A rehearsal's room is on this machine: never out of reach."""
        return False

    def undo_left_ms(self) -> int:
        """How long the host can still undo :attr:`undoable` (0: no longer)."""
        if self.undoable is None:
            return 0
        return max(0, self.undoable.t + UNDO_MS - self.now)

    def _mark(self, action: AnyAction) -> None:
        if isinstance(action, Answer):
            view = self.by_id.get(action.comment)
            if view is not None:
                view.answered = True
        elif isinstance(action, Report):
            view = self.by_id.get(action.comment)
            if view is not None:
                view.reported = True

    # The talk the voice detector (and the benchmark) sends; the panel builds its own.

    def talk(self, t: int, duration: int = 5000) -> RejectCode | None:
        return self.act(Talk(t=t, actor=HOST, duration=duration))

