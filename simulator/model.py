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
from enum import Enum

from moderation.actions import (
    HOST,
    AcceptGuest,
    AddKeyword,
    AddModerator,
    Answer,
    AnyAction,
    Block,
    DeclineGuest,
    Delete,
    Mute,
    Pin,
    RemoveGuest,
    RemoveKeyword,
    RemoveModerator,
    Report,
    SetComments,
    Talk,
    Thank,
    Undo,
    Unmute,
    Unpin,
    Welcome,
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
    public,
)
from moderation.timing import DEAD_AIR_GRACE_MS, UNDO_MS
from scenarios.taxonomy import ReportReason

__all__ = ["CommentView", "GiftView", "LiveModel", "Marker", "RoomNotice", "Undoable"]

#: The host's actions an :class:`~moderation.actions.Undo` can take back.
Undoable = Block | Pin | Report | SetComments

#: Comments kept for the panel; older ones have scrolled far away on TikTok too.
RING = 300
#: How long a gift banner or a notice stays up (ms of live time).
GIFT_SHOW_MS = 4000
NOTICE_SHOW_MS = 5000


class Marker(Enum):
    """A replay's line in the host's list: the trainee's action, and whether it was refused."""

    DONE = "done"
    REFUSED = "refused"


@dataclass(slots=True)
class CommentView:
    """One comment as the host sees it."""

    id: str
    viewer: str
    handle: str
    text: str
    t: int
    filtered: bool = False  # caught by the keyword filter: staff see it greyed
    hidden: str | None = None  # deleted / muted / blocked
    answered: bool = False
    reported: bool = False
    #: Order of arrival (1, 2, …), so a frozen list can hold back newer comments.
    seq: int = 0
    #: Not a comment: a line a replay adds to the host's list to mark the trainee's
    #: action; never shown on the stage.
    marker: Marker | None = None


@dataclass(frozen=True, slots=True)
class GiftView:
    id: str
    handle: str
    gift: str
    coins: int
    count: int
    t: int


@dataclass(frozen=True, slots=True)
class RoomNotice:
    """A line about the room on the stage (an official joined, a guest asks to join, the
    network dropped): a translation key and its parameters. Not a camera or microphone
    ``media.sources.Notice``."""

    key: str
    t: int
    params: tuple[tuple[str, str], ...] = ()
    bad: bool = False


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
    undoable: Undoable | None = None

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

    # ------------------------------------------------------------ actions

    def act(self, action: AnyAction) -> RejectCode | None:
        """Apply a host action; return why it was refused, if it was."""
        result = self.session.apply(action)
        self._take(result.events)
        if result.rejected is None:
            # The same rule as the engine's: any host action counts as being there,
            # talking counts until the talk ends.
            until = action.t + action.duration if isinstance(action, Talk) else action.t
            self.last_talk = max(self.last_talk, until)
            self._mark(action)
            if undoable(action):
                self.undoable = action
        return result.rejected

    def undo_left_ms(self) -> int:
        """How long the host can still undo :attr:`undoable` (0: no longer)."""
        if self.undoable is None:
            return 0
        return max(0, self.undoable.t + UNDO_MS - self.now)

    def undo(self, t: int) -> tuple[Undoable | None, RejectCode | None]:
        """Take back the host's last block, pin, report or comments-off: what was undone
        (None if nothing could be), and why not."""
        done = self.undoable
        code = self.act(Undo(t=t, actor=HOST))
        if code is not None:
            return None, code
        self.undoable = None
        if isinstance(done, Report):
            view = self.by_id.get(done.comment)
            if view is not None:
                view.reported = False
        return done, None

    def _mark(self, action: AnyAction) -> None:
        if isinstance(action, Answer):
            view = self.by_id.get(action.comment)
            if view is not None:
                view.answered = True
        elif isinstance(action, Report):
            view = self.by_id.get(action.comment)
            if view is not None:
                view.reported = True

    # Helpers the panel calls; each builds one TikTok-shaped action as the host.

    def mute(self, t: int, comment: CommentView, duration: int | None) -> RejectCode | None:
        return self.act(Mute(t=t, actor=HOST, viewer=comment.viewer, duration=duration,
                             comment=comment.id))

    def mute_viewer(self, t: int, viewer: str, duration: int | None) -> RejectCode | None:
        return self.act(Mute(t=t, actor=HOST, viewer=viewer, duration=duration))

    def unmute(self, t: int, viewer: str) -> RejectCode | None:
        return self.act(Unmute(t=t, actor=HOST, viewer=viewer))

    def block(self, t: int, comment: CommentView) -> RejectCode | None:
        return self.act(Block(t=t, actor=HOST, viewer=comment.viewer, comment=comment.id))

    def block_viewer(self, t: int, viewer: str) -> RejectCode | None:
        return self.act(Block(t=t, actor=HOST, viewer=viewer))

    def delete(self, t: int, comment: CommentView) -> RejectCode | None:
        return self.act(Delete(t=t, actor=HOST, comment=comment.id))

    def report(self, t: int, comment: CommentView, reason: ReportReason) -> RejectCode | None:
        return self.act(Report(t=t, actor=HOST, comment=comment.id, reason=reason))

    def pin(self, t: int, comment: CommentView) -> RejectCode | None:
        if self.session.room.pinned == comment.id:
            return self.act(Unpin(t=t, actor=HOST))
        return self.act(Pin(t=t, actor=HOST, comment=comment.id))

    def answer(self, t: int, comment: CommentView) -> RejectCode | None:
        return self.act(Answer(t=t, actor=HOST, comment=comment.id, text=""))

    def thank(self, t: int, target: str) -> RejectCode | None:
        return self.act(Thank(t=t, actor=HOST, target=target))

    def welcome(self, t: int, viewer: str) -> RejectCode | None:
        return self.act(Welcome(t=t, actor=HOST, viewer=viewer))

    def talk(self, t: int, duration: int = 5000) -> RejectCode | None:
        return self.act(Talk(t=t, actor=HOST, duration=duration))

    def set_comments(self, t: int, enabled: bool) -> RejectCode | None:
        return self.act(SetComments(t=t, actor=HOST, enabled=enabled))

    def add_keyword(self, t: int, keyword: str) -> RejectCode | None:
        return self.act(AddKeyword(t=t, actor=HOST, keyword=keyword))

    def remove_keyword(self, t: int, keyword: str) -> RejectCode | None:
        return self.act(RemoveKeyword(t=t, actor=HOST, keyword=keyword))

    def accept(self, t: int, request: str) -> RejectCode | None:
        return self.act(AcceptGuest(t=t, actor=HOST, request=request))

    def decline(self, t: int, request: str) -> RejectCode | None:
        return self.act(DeclineGuest(t=t, actor=HOST, request=request))

    def remove_guest(self, t: int, viewer: str) -> RejectCode | None:
        return self.act(RemoveGuest(t=t, actor=HOST, viewer=viewer))

    def add_moderator(self, t: int, name: str) -> RejectCode | None:
        return self.act(AddModerator(t=t, actor=HOST, name=name))

    def remove_moderator(self, t: int, name: str) -> RejectCode | None:
        return self.act(RemoveModerator(t=t, actor=HOST, name=name))
