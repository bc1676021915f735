"""The host's desk: what the live screen shows of a room, and the one way it acts in it.

The desktop host's live screen (:mod:`simulator.screens.live`, the panel and its tabs) is
the same whether the room is a local rehearsal or a group drill. Both rooms are a
:class:`HostDesk`:

* :class:`~simulator.model.LiveModel`, a rehearsal: a local engine session answers an
  action at once, applied or refused;
* :class:`~simulator.drill.DrillDesk`, a drill: the room is a ``gladi serve`` room, an
  action goes out as a protocol ``action`` message and its ``ack`` comes back later
  (docs/protocol.md, "action"). :meth:`HostDesk.take` then says :class:`Pending`, and
  :meth:`HostDesk.settled` hands the answer over when it came, applied or refused.

A refusal carries a code, never words: an engine :class:`~moderation.events.RejectCode`
(``reject.<code>``), a protocol :class:`~protocol.inbound.ErrorCode`
(``serve.error.<code>``) or a :class:`DeskRefusal` (``drill.refused_<code>``);
:func:`refusal_text` words it at the edge in the language passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Protocol, assert_never

from moderation.actions import AnyAction, Permission, UndoableAction
from moderation.events import RejectCode
from protocol.inbound import ErrorCode
from scenarios.taxonomy import ReportReason

__all__ = ["REPORT_REASONS", "Applied", "CommentView", "DeskRefusal", "GiftView", "HostDesk",
           "Marker", "Reply", "Pending", "Reason", "Refused", "RoomNotice", "Settled",
           "refusal_text"]

#: The reasons a report may give, in the order the panel offers them.
REPORT_REASONS = tuple(ReportReason)


# ---------------------------------------------------------------- what the desk shows


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


# ---------------------------------------------------------------- what an action comes to


class DeskRefusal(StrEnum):
    """Why a desk refused an action before any room saw it (``drill.refused_<value>``)."""

    #: The drill's seat is gone (the link failed or was closed) before the room answered:
    #: the room did not take it from this desk.
    NOT_CONNECTED = "not_connected"
    #: This desk does not offer the action (a drill's host seat cannot add moderators:
    #: they join from their phones).
    NOT_OFFERED = "not_offered"
    #: The drill room refused with a code this version of the app does not know.
    UNKNOWN_REASON = "unknown_reason"
    #: The trainer restarted the drill while the action waited for the link: it belonged
    #: to the run before, whose comments and viewers are gone.
    RESTARTED = "restarted"


#: Why an action was refused: the engine's rule, the drill protocol's error, or the desk's.
Reason = RejectCode | ErrorCode | DeskRefusal


@dataclass(frozen=True, slots=True)
class Applied:
    """The room took the action."""


@dataclass(frozen=True, slots=True)
class Refused:
    """The room (or the desk) refused the action; nothing changed."""

    reason: Reason


@dataclass(frozen=True, slots=True)
class Pending:
    """The action went to the room; its answer comes later from :meth:`HostDesk.settled`
    under this ``ticket``."""

    ticket: int


#: What :meth:`HostDesk.take` says at once.
Reply = Applied | Refused | Pending


@dataclass(frozen=True, slots=True)
class Settled:
    """The answer to a :class:`Pending` action: every pending ticket ends in exactly one."""

    ticket: int
    reply: Applied | Refused


def refusal_text(reason: Reason, tr: Callable[..., str]) -> str:
    """A refusal in words, through the catalogue ``tr`` reads (the language is its own)."""
    match reason:
        case RejectCode():
            return tr(f"reject.{reason.value}")
        case ErrorCode():
            return tr(f"serve.error.{reason.value}")
        case DeskRefusal():
            return tr(f"drill.refused_{reason.value}")
        case _:
            assert_never(reason)


class HostDesk(Protocol):
    """The room from the host's chair: everything the live screen, the moderation panel
    and its tabs show, and :meth:`take`, the one way they act.

    Times are the room's live milliseconds (:attr:`now`). Only public event data is here
    (no ground truth).
    """

    # ------------------------------------------------------------ time

    @property
    def now(self) -> int:
        """The room's live time (ms)."""

    @property
    def ended(self) -> bool:
        """The live is over."""

    @property
    def duration(self) -> int:
        """How long the live runs (ms)."""

    def title(self, lang: str) -> str:
        """The scenario's title."""

    # ------------------------------------------------------------ the stream

    @property
    def comments(self) -> Sequence[CommentView]:
        """The comments kept, oldest first (hidden ones too, marked)."""

    @property
    def by_id(self) -> Mapping[str, CommentView]:
        """The kept comments by id."""

    @property
    def posted(self) -> int:
        """Comments posted so far (a comment's ``seq`` counts up to it)."""

    def visible_comments(self) -> list[CommentView]:
        """What the host's comment list shows: not hidden, newest last."""

    def stage_comments(self, n: int) -> list[CommentView]:
        """The newest ``n`` comments the viewers see (no filtered or hidden ones)."""

    @property
    def comments_enabled(self) -> bool:
        """Comments are on."""

    @property
    def pinned_id(self) -> str | None:
        """The pinned comment's id."""

    def pinned(self) -> CommentView | None:
        """The pinned comment, if the desk still holds it."""

    # ------------------------------------------------------------ the audience

    @property
    def viewers(self) -> Mapping[str, str]:
        """Named viewers present now (id → handle), in order of arrival."""

    @property
    def viewer_count(self) -> int: ...

    @property
    def taps(self) -> int: ...

    @property
    def coins(self) -> int: ...

    @property
    def recent_taps(self) -> Sequence[tuple[int, int]]:
        """(time, count) of the latest taps, for the hearts on the stage."""

    def handle(self, viewer: str) -> str:
        """A viewer's handle ("?" if unknown)."""

    def is_muted(self, viewer: str) -> bool: ...

    def is_welcomed(self, viewer: str) -> bool: ...

    def active_gifts(self) -> list[GiftView]:
        """Gifts whose banner is up now."""

    def gift_name(self, gift: str, lang: str) -> str:
        """A gift kind's name (never its id, when the desk knows the name)."""

    def unthanked_gift(self) -> GiftView | None: ...

    def unwelcomed_official(self) -> tuple[str, str] | None:
        """(viewer, handle) of the latest official not welcomed yet."""

    def active_notices(self) -> list[RoomNotice]:
        """Room notices shown now (an official joined, a guest asks, the network)."""

    @property
    def network_down_until(self) -> int:
        """Until when (ms) the host's network is down (a scripted drop)."""

    def dead_air_ms(self) -> int:
        """How long the host has been silent beyond the grace period (0 if not)."""

    # ------------------------------------------------------------ the room's settings

    @property
    def keywords(self) -> Sequence[str]: ...

    @property
    def filter_limit(self) -> int | None:
        """At most this many keywords (None: the desk is not told)."""

    @property
    def moderators(self) -> Mapping[str, frozenset[Permission]]:
        """The room's moderators and what each may do."""

    def open_requests(self) -> list[tuple[str, str, str]]:
        """(request id, viewer, handle) of guest requests waiting for the host."""

    def guests(self) -> list[tuple[str, str]]:
        """(viewer, handle) of the guests on the live."""

    @property
    def max_guests(self) -> int | None:
        """At most this many guests (None: the desk is not told)."""

    @property
    def mute_presets(self) -> Sequence[int | None]:
        """The mute durations offered (seconds; None: the whole LIVE)."""

    @property
    def report_reasons(self) -> Sequence[ReportReason]: ...

    # ------------------------------------------------------------ acting

    def offers(self, kind: type[AnyAction]) -> bool:
        """Whether the host may take this kind of action at this desk."""

    def take(self, action: AnyAction) -> Reply:
        """Take a host action: applied or refused now, or pending its answer."""

    @property
    def offline(self) -> bool:
        """The room cannot be reached now (a drill's link dropped): actions taken are kept
        and go when it is back (a rehearsal is never offline)."""

    def settled(self) -> list[Settled]:
        """The answers that came since the last call, to actions :meth:`take` left
        pending (a rehearsal has none)."""

    @property
    def undoable(self) -> UndoableAction | None:
        """The host's last accepted block, pin, report or comments-off, while an undo
        can still take it back."""

    def undo_left_ms(self) -> int:
        """How long :attr:`undoable` can still be undone (0: no longer)."""
