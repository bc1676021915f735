"""The room's moderation state and the rules for applying actions.

The room knows which comments were posted and by whom, who is muted,
blocked, a guest or a moderator, the keyword filter and whether comments are
on. :meth:`Room.apply` checks an action against those rules and either
returns the events it causes or a :class:`RejectCode`. It never raises for a
user's mistake, so a drill with sixty people clicking at once cannot crash on
a double click: the first action wins, the second is rejected with a reason.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import assert_never

from scenarios.checks import normalise_keyword
from scenarios.schema import Settings

from .actions import (
    HOST,
    TRAINER,
    AcceptGuest,
    Action,
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
)
from .events import ActionApplied, AnyEvent, CommentPosted, CommentsHidden, RejectCode, Undone
from .stream import Stream
from .timing import UNDO_MS

__all__ = ["DEFAULT_PERMISSIONS", "Room", "Undoable", "normalise_keyword"]

#: What a moderator added by the scenario may do; pinning and guests stay with
#: the host unless granted, as sources disagree whether TikTok lets moderators pin.
DEFAULT_PERMISSIONS: frozenset[Permission] = frozenset(
    {Permission.MODERATE, Permission.FILTER, Permission.COMMENTS}
)

MAX_TEXT = 500
MAX_KEYWORD = 50


@dataclass(frozen=True, slots=True)
class Undoable:
    """An actor's last block, pin, report or comments-off, which :class:`Undo` can take back."""

    action: UndoableAction
    #: When it was applied (ms).
    t: int
    #: The comment pinned before a pin: it comes back when the pin is undone.
    pinned_before: str | None = None


@dataclass(slots=True)
class Room:
    """Moderation state of one live room."""

    settings: Settings
    stream: Stream
    moderators: dict[str, frozenset[Permission]] = field(default_factory=dict)
    #: Every comment posted, by id: the event itself, which holds who, when and what.
    #: The engine fills this, ``gone`` and ``by_viewer`` as it releases comments.
    comments: dict[str, CommentPosted] = field(default_factory=dict)
    #: Comments viewers cannot see: never shown (author muted, comments off, caught by
    #: the filter) or hidden by an action. Flags live in sets rather than in a record
    #: per comment, because a busy live posts a hundred comments a second.
    gone: set[str] = field(default_factory=set)
    answered: set[str] = field(default_factory=set)
    thanked: set[str] = field(default_factory=set)
    reported: set[str] = field(default_factory=set)
    handles: dict[str, str] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)
    muted: dict[str, int | None] = field(default_factory=dict)
    #: Timed mutes by end time (a heap of (until, viewer)), so that expiring them
    #: costs O(ended) a tick rather than a scan of every mute. An entry whose
    #: viewer was unmuted or muted again meanwhile is skipped when it comes up.
    mute_ends: list[tuple[int, str]] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)
    keywords: list[str] = field(default_factory=list)
    comments_enabled: bool = True
    pinned: str | None = None
    requests: dict[str, tuple[str, bool]] = field(default_factory=dict)
    guests: list[str] = field(default_factory=list)
    gifts: dict[str, str] = field(default_factory=dict)
    thanked_gifts: set[str] = field(default_factory=set)
    welcomed: set[str] = field(default_factory=set)
    by_viewer: dict[str, list[str]] = field(default_factory=dict)
    #: Who added each keyword and who last switched comments off: the judge credits them.
    keyword_by: dict[str, str] = field(default_factory=dict)
    #: Each actor's last undoable action (see :class:`Undo`).
    undoable: dict[str, Undoable] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: Settings, moderator_names: Iterable[str]) -> Room:
        """A room as the scenario's settings open it."""
        room = cls(
            settings=settings,
            stream=Stream(settings.stream_window, settings.stream_max_s * 1000, record=False),
            comments_enabled=settings.comments_enabled,
        )
        for name in moderator_names:
            room.moderators[name] = DEFAULT_PERMISSIONS
        for keyword in settings.keyword_filter:
            norm = normalise_keyword(keyword)
            if norm and norm not in room.keywords:
                room.keywords.append(norm)
                room.keyword_by[norm] = HOST
        return room

    # ------------------------------------------------------------ queries

    def is_muted(self, viewer: str, now: int) -> bool:
        """True while ``viewer``'s mute lasts (None means the whole live).

        A pure query: callers may ask while iterating over :attr:`muted`. Mutes
        that ran out leave the dict only in :meth:`expire_mutes`.
        """
        if viewer not in self.muted:
            return False
        until = self.muted[viewer]
        return until is None or until > now

    def expire_mutes(self, now: int) -> None:
        """Forget the mutes that ran out by ``now`` (the engine calls this once a tick)."""
        ends = self.mute_ends
        while ends and ends[0][0] <= now:
            until, viewer = heapq.heappop(ends)
            if self.muted.get(viewer, None) == until:
                del self.muted[viewer]

    def filter_match(self, text: str) -> str | None:
        """Return the first filter keyword found in ``text``, if any."""
        if not self.keywords:
            return None
        folded = text.casefold()
        for keyword in self.keywords:
            if keyword in folded:
                return keyword
        return None

    def is_staff(self, name: str) -> bool:
        return name == HOST or name in self.moderators

    def is_visible(self, comment: str) -> bool:
        """True if ``comment`` was posted and viewers can still see it."""
        return comment in self.comments and comment not in self.gone

    # ------------------------------------------------------------ actions

    def apply(self, action: AnyAction, now: int) -> list[AnyEvent] | RejectCode:
        """Apply ``action`` at ``now``; return the events it causes or why not."""
        refused = self.refusal_of(type(action), action.actor)
        if refused is not None:
            return refused
        result = self._rule(action, now)
        if isinstance(result, list):
            result.insert(0, ActionApplied(now, action))
        return result

    def refusal_of(self, kind: type[Action], actor: str) -> RejectCode | None:
        """Why ``actor`` may not take an action of class ``kind`` (None: they may).

        The class says which roles may take it and what a moderator needs
        (:mod:`moderation.actions`); the trainer fires injects and does nothing else.
        """
        if actor == HOST:  # the common case first: this runs for every action
            return None if Role.HOST in kind.roles else RejectCode.NOT_PERMITTED
        if actor == TRAINER:
            return None if Role.TRAINER in kind.roles else RejectCode.NOT_PERMITTED
        if Role.MODERATOR not in kind.roles:
            return RejectCode.NOT_PERMITTED
        perms = self.moderators.get(actor)
        if perms is None:
            return RejectCode.NOT_STAFF
        if kind.permission is not None and kind.permission not in perms:
            return RejectCode.NOT_PERMITTED
        return None

    def _rule(self, action: AnyAction, now: int) -> list[AnyEvent] | RejectCode:
        """The room's rule for ``action``; the commonest actions first.

        A ``type(action) is`` chain ending in ``assert_never``: every action class is
        ``@final``, so mypy narrows on it and finds a missing one as it would in a ``match``,
        and it costs less on a busy live — CPython 3.11 builds a set and a list for every
        class pattern that matches, and a failed isinstance looks up ``__class__``
        (docs/benchmarks.md, "One closed set").
        """
        if type(action) is Answer:
            return self._answer(action, now)
        elif type(action) is Thank:
            return self._thank(action, now)
        elif type(action) is Report:
            return self._report(action, now)
        elif type(action) is Block:
            return self._block(action, now)
        elif type(action) is Delete:
            return self._delete(action, now)
        elif type(action) is Mute:
            return self._mute(action, now)
        elif type(action) is Talk:
            return self._talk(action, now)
        elif type(action) is Welcome:
            return self._welcome(action, now)
        elif type(action) is Pin:
            return self._pin(action, now)
        elif type(action) is Unpin:
            return self._unpin(action, now)
        elif type(action) is Undo:
            return self._undo(action, now)
        elif type(action) is SetComments:
            return self._comments(action, now)
        elif type(action) is AddKeyword:
            return self._filter_add(action, now)
        elif type(action) is RemoveKeyword:
            return self._filter_remove(action, now)
        elif type(action) is Unmute:
            return self._unmute(action, now)
        elif type(action) is Unblock:
            return self._unblock(action, now)
        elif type(action) is AcceptGuest:
            return self._guest_accept(action, now)
        elif type(action) is DeclineGuest:
            return self._guest_decline(action, now)
        elif type(action) is RemoveGuest:
            return self._guest_remove(action, now)
        elif type(action) is AddModerator:
            return self._moderator_add(action, now)
        elif type(action) is RemoveModerator:
            return self._moderator_remove(action, now)
        elif type(action) is Inject:
            return []  # the engine carries injects out; the room only checks who
        else:
            assert_never(action)

    def _hide(self, comments: Iterable[str], now: int, reason: str, by: str) -> list[AnyEvent]:
        hidden = []
        gone = self.gone
        for cid in comments:
            if cid not in gone:
                gone.add(cid)
                self.stream.hide(cid, now)
                if self.pinned == cid:
                    self.pinned = None
                hidden.append(cid)
        return [CommentsHidden(now, tuple(hidden), reason, by)] if hidden else []

    def _visible_by(self, viewer: str) -> list[str]:
        ids = self.by_viewer.pop(viewer, [])
        return [c for c in ids if c not in self.gone]

    def _target_viewer(self, viewer: str) -> RejectCode | None:
        if viewer not in self.handles:
            return RejectCode.UNKNOWN_VIEWER
        if viewer == HOST or viewer in self.moderators:
            return RejectCode.STAFF_TARGET
        return None

    def _mute(self, action: Mute, now: int) -> list[AnyEvent] | RejectCode:
        problem = self._target_viewer(action.viewer)
        if problem:
            return problem
        if action.duration not in self.settings.mute_presets_s:
            return RejectCode.INVALID_DURATION
        if action.viewer in self.blocked:
            return RejectCode.ALREADY_BLOCKED
        if self.is_muted(action.viewer, now):
            return RejectCode.ALREADY_MUTED
        until = action.ends(now)
        self.muted[action.viewer] = until
        if until is not None:
            heapq.heappush(self.mute_ends, (until, action.viewer))
        # TikTok removes a muted viewer's whole comment history.
        return self._hide(self._visible_by(action.viewer), now, "muted", action.actor)

    def _unmute(self, action: Unmute, now: int) -> list[AnyEvent] | RejectCode:
        if action.viewer not in self.handles:
            return RejectCode.UNKNOWN_VIEWER
        if not self.is_muted(action.viewer, now):
            return RejectCode.NOT_MUTED
        del self.muted[action.viewer]
        return []

    def _block(self, action: Block, now: int) -> list[AnyEvent] | RejectCode:
        problem = self._target_viewer(action.viewer)
        if problem:
            return problem
        if action.viewer in self.blocked:
            return RejectCode.ALREADY_BLOCKED
        self.blocked.add(action.viewer)
        self.muted.pop(action.viewer, None)
        events = self._hide(self._visible_by(action.viewer), now, "blocked", action.actor)
        if action.viewer in self.guests:
            self.guests.remove(action.viewer)
        self.undoable[action.actor] = Undoable(action, now)
        # The engine takes the blocked viewer out of the audience.
        return events

    def _unblock(self, action: Unblock, now: int) -> list[AnyEvent] | RejectCode:
        if action.viewer not in self.handles:
            return RejectCode.UNKNOWN_VIEWER
        if action.viewer not in self.blocked:
            return RejectCode.NOT_BLOCKED
        self.blocked.discard(action.viewer)
        return []

    def _delete(self, action: Delete, now: int) -> list[AnyEvent] | RejectCode:
        if action.comment not in self.comments:
            return RejectCode.UNKNOWN_COMMENT
        if action.comment in self.gone:
            return RejectCode.COMMENT_GONE
        return self._hide((action.comment,), now, "deleted", action.actor)

    def _report(self, action: Report, now: int) -> list[AnyEvent] | RejectCode:
        # Reporting a comment already hidden is still useful: the platform acts on the account.
        if action.comment not in self.comments:
            return RejectCode.UNKNOWN_COMMENT
        if action.comment in self.reported:
            return RejectCode.ALREADY_REPORTED
        self.reported.add(action.comment)
        self.undoable[action.actor] = Undoable(action, now)
        return []

    def _pin(self, action: Pin, now: int) -> list[AnyEvent] | RejectCode:
        if action.comment not in self.comments:
            return RejectCode.UNKNOWN_COMMENT
        if action.comment in self.gone:
            return RejectCode.COMMENT_GONE
        if self.pinned == action.comment:
            return RejectCode.ALREADY_PINNED
        self.undoable[action.actor] = Undoable(action, now, self.pinned)
        self.pinned = action.comment
        return []

    def _unpin(self, action: Unpin, now: int) -> list[AnyEvent] | RejectCode:
        if self.pinned is None:
            return RejectCode.NOTHING_PINNED
        self.pinned = None
        return []

    def _comments(self, action: SetComments, now: int) -> list[AnyEvent] | RejectCode:
        if self.comments_enabled == action.enabled:
            return RejectCode.COMMENTS_ALREADY
        self.comments_enabled = action.enabled
        if not action.enabled:
            self.undoable[action.actor] = Undoable(action, now)
        return []

    def _undo(self, action: Undo, now: int) -> list[AnyEvent] | RejectCode:
        last = self.undoable.get(action.actor)
        if last is None or now - last.t > UNDO_MS or not self._in_force(last):
            return RejectCode.NOTHING_TO_UNDO
        del self.undoable[action.actor]
        done = last.action
        if isinstance(done, Block):
            # The viewer may come back; comments the block hid stay hidden, as on TikTok.
            self.blocked.discard(done.viewer)
        elif isinstance(done, Pin):
            before = last.pinned_before
            self.pinned = before if before is not None and before not in self.gone else None
            return [Undone(now, done, self.pinned)]
        elif isinstance(done, Report):
            self.reported.discard(done.comment)
        else:
            self.comments_enabled = True
        return [Undone(now, done)]

    def _in_force(self, last: Undoable) -> bool:
        """Whether ``last`` still holds (nobody lifted the block, unpinned, switched on …)."""
        done = last.action
        if isinstance(done, Block):
            return done.viewer in self.blocked
        if isinstance(done, Pin):
            return self.pinned == done.comment
        if isinstance(done, Report):
            return done.comment in self.reported
        return not self.comments_enabled

    def _filter_add(self, action: AddKeyword, now: int) -> list[AnyEvent] | RejectCode:
        keyword = normalise_keyword(action.keyword)
        if not keyword or len(keyword) > MAX_KEYWORD:
            return RejectCode.KEYWORD_INVALID
        if keyword in self.keywords:
            return RejectCode.KEYWORD_EXISTS
        if len(self.keywords) >= self.settings.filter_limit:
            return RejectCode.FILTER_FULL
        self.keywords.append(keyword)
        self.keyword_by[keyword] = action.actor
        return []

    def _filter_remove(self, action: RemoveKeyword, now: int) -> list[AnyEvent] | RejectCode:
        keyword = normalise_keyword(action.keyword)
        if keyword not in self.keywords:
            return RejectCode.KEYWORD_MISSING
        self.keywords.remove(keyword)
        return []

    def _request(self, request: str) -> str | RejectCode:
        entry = self.requests.get(request)
        if entry is None:
            return RejectCode.UNKNOWN_REQUEST
        viewer, open_ = entry
        if not open_ or viewer not in self.present:
            return RejectCode.REQUEST_CLOSED
        return viewer

    def _guest_accept(self, action: AcceptGuest, now: int) -> list[AnyEvent] | RejectCode:
        viewer = self._request(action.request)
        if isinstance(viewer, RejectCode):
            return viewer
        if len(self.guests) >= self.settings.max_guests:
            return RejectCode.GUESTS_FULL
        self.requests[action.request] = (viewer, False)
        self.guests.append(viewer)
        return []

    def _guest_decline(self, action: DeclineGuest, now: int) -> list[AnyEvent] | RejectCode:
        viewer = self._request(action.request)
        if isinstance(viewer, RejectCode):
            return viewer
        self.requests[action.request] = (viewer, False)
        return []

    def _guest_remove(self, action: RemoveGuest, now: int) -> list[AnyEvent] | RejectCode:
        if action.viewer not in self.guests:
            return RejectCode.NOT_A_GUEST
        self.guests.remove(action.viewer)
        return []

    def _moderator_add(self, action: AddModerator, now: int) -> list[AnyEvent] | RejectCode:
        name = action.name.strip()
        if not name or len(name) > 40 or name in (HOST, TRAINER):
            return RejectCode.NAME_INVALID
        if name in self.moderators:
            return RejectCode.MODERATOR_EXISTS
        if len(self.moderators) >= self.settings.max_moderators:
            return RejectCode.MODERATORS_FULL
        self.moderators[name] = frozenset(action.permissions)
        return []

    def _moderator_remove(self, action: RemoveModerator, now: int) -> list[AnyEvent] | RejectCode:
        if action.name not in self.moderators:
            return RejectCode.UNKNOWN_MODERATOR
        del self.moderators[action.name]
        return []

    def _answer(self, action: Answer, now: int) -> list[AnyEvent] | RejectCode:
        if action.comment not in self.comments:
            return RejectCode.UNKNOWN_COMMENT
        if len(action.text) > MAX_TEXT:
            return RejectCode.TEXT_TOO_LONG
        if action.comment in self.answered:
            return RejectCode.ALREADY_ANSWERED
        self.answered.add(action.comment)
        return []

    def _thank(self, action: Thank, now: int) -> list[AnyEvent] | RejectCode:
        if action.target in self.gifts:
            if action.target in self.thanked_gifts:
                return RejectCode.ALREADY_THANKED
            self.thanked_gifts.add(action.target)
            return []
        if action.target not in self.comments:
            return RejectCode.UNKNOWN_TARGET
        if action.target in self.thanked:
            return RejectCode.ALREADY_THANKED
        self.thanked.add(action.target)
        return []

    def _welcome(self, action: Welcome, now: int) -> list[AnyEvent] | RejectCode:
        if action.viewer not in self.handles:
            return RejectCode.UNKNOWN_VIEWER
        if action.viewer not in self.present:
            return RejectCode.VIEWER_GONE
        if action.viewer in self.welcomed:
            return RejectCode.ALREADY_WELCOMED
        self.welcomed.add(action.viewer)
        return []

    def _talk(self, action: Talk, now: int) -> list[AnyEvent] | RejectCode:
        if not 0 < action.duration <= 600_000:
            return RejectCode.INVALID_DURATION
        return []
