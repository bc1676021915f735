"""Actions: what the host and moderators do, TikTok-shaped; one closed set.

Each action names its ``actor`` ("host" or a moderator's name) and its time
``t`` in milliseconds. Actions are plain values; the room decides whether they
are allowed (see :mod:`moderation.room`).

The set is closed and declared here once: :data:`AnyAction` is the union of every
action class, and each class carries the facts about it that other modules read —
its wire name (``type``), who may take it (``roles``), what a moderator needs to
(``permission``), what it acts on (``targets``), whether an :class:`Undo` can take it
back (``can_undo``) and whether a drill seat may send it (``from_seat``). Every
dispatcher over actions is a ``match`` that ends in :func:`typing.assert_never`, so
mypy names each place a new action must reach (docs/architecture.md, "A new
moderation action").
"""

from __future__ import annotations

import typing
from enum import StrEnum
from typing import ClassVar, TypeGuard, final

from scenarios.taxonomy import InjectKind, ReportReason

from .values import Value, register, value

__all__ = [
    "ACTION_CLASSES",
    "HOST",
    "SEAT_ACTIONS",
    "TRAINER",
    "AcceptGuest",
    "Action",
    "AnyAction",
    "AddModerator",
    "AddKeyword",
    "Answer",
    "Block",
    "DeclineGuest",
    "Delete",
    "Inject",
    "Mute",
    "Permission",
    "Pin",
    "RemoveGuest",
    "RemoveKeyword",
    "RemoveModerator",
    "Report",
    "Role",
    "SetComments",
    "Target",
    "Talk",
    "Thank",
    "Unblock",
    "Undo",
    "UndoableAction",
    "Unmute",
    "Unpin",
    "Welcome",
    "is_action",
    "presence_ms",
    "undoable",
]

HOST = "host"
TRAINER = "trainer"


class Role(StrEnum):
    """Who someone is in a live room; it decides what they may see and do."""

    #: Runs the drill: fires injects, sees the answer key; takes no part in the live.
    TRAINER = "trainer"
    #: Goes live: answers, thanks, welcomes and moderates.
    HOST = "host"
    #: Moderates beside the host, with the permissions the host granted.
    MODERATOR = "moderator"
    #: Watches the live as a viewer would; takes no action.
    OBSERVER = "observer"


class Target(StrEnum):
    """What an action acts on: the thing a person picks before taking it."""

    #: A comment in the stream (its id in the action's ``comment`` field).
    COMMENT = "comment"
    #: A viewer (the author of a comment, a guest, a muted viewer).
    VIEWER = "viewer"
    #: A gift (its id in ``target``).
    GIFT = "gift"
    #: A viewer's request to join the live as a guest.
    REQUEST = "request"
    #: A word of the keyword filter.
    KEYWORD = "keyword"
    #: A moderator, by name.
    MODERATOR = "moderator"


_STAFF = frozenset({Role.HOST, Role.MODERATOR})
_HOST = frozenset({Role.HOST})


class Permission(StrEnum):
    """What a moderator may do; the host grants these (TikTok lets hosts edit them)."""

    MODERATE = "moderate"  # mute, block, delete, report
    FILTER = "filter"  # keyword filter
    COMMENTS = "comments"  # turn comments on and off
    PIN = "pin"  # pin comments (host-only unless granted)
    GUESTS = "guests"  # accept and remove guests


@value(kw_only=True)
class Action(Value):
    """Base class of every action; each concrete class sets the facts below."""

    #: Who may take it. A moderator also needs :attr:`permission`.
    roles: ClassVar[frozenset[Role]] = _STAFF
    #: What a moderator needs to take it (None: any moderator whose role allows it).
    permission: ClassVar[Permission | None] = None
    #: What it acts on (empty: the room itself).
    targets: ClassVar[tuple[Target, ...]] = ()
    #: Whether an :class:`Undo` can take it back (see :func:`undoable`).
    can_undo: ClassVar[bool] = False
    #: Whether a drill seat may send it (docs/protocol.md, "Actions").
    from_seat: ClassVar[bool] = True

    t: int
    actor: str = HOST


@register
@value(kw_only=True)
@final
class Mute(Action):
    """*Bisukan*: silence a viewer for ``duration`` **seconds**, one of the scenario's
    mute presets (``state.mute_presets`` in a drill; null: the whole LIVE).

    Muting removes the viewer's comment history, as on TikTok. ``comment`` is
    the comment the moderator acted from, when there was one.
    """

    type = "mute"
    permission = Permission.MODERATE
    targets = (Target.VIEWER, Target.COMMENT)
    viewer: str
    duration: int | None = None
    comment: str | None = None

    def ends(self, now: int) -> int | None:
        """When a mute taken at ``now`` ends (ms; None: the whole live)."""
        return None if self.duration is None else now + self.duration * 1000


@register
@value(kw_only=True)
@final
class Unmute(Action):
    """Lift a mute."""

    type = "unmute"
    permission = Permission.MODERATE
    targets = (Target.VIEWER,)
    viewer: str


@register
@value(kw_only=True)
@final
class Block(Action):
    """*Blokir*: remove the viewer from the live and hide all their comments."""

    type = "block"
    permission = Permission.MODERATE
    targets = (Target.VIEWER, Target.COMMENT)
    can_undo = True
    viewer: str
    comment: str | None = None


@register
@value(kw_only=True)
@final
class Unblock(Action):
    """Lift a block."""

    type = "unblock"
    permission = Permission.MODERATE
    targets = (Target.VIEWER,)
    viewer: str


@register
@value(kw_only=True)
@final
class Delete(Action):
    """*Hapus*: delete one comment."""

    type = "delete"
    permission = Permission.MODERATE
    targets = (Target.COMMENT,)
    comment: str


@register
@value(kw_only=True)
@final
class Report(Action):
    """*Laporkan*: report a comment to the platform with a reason (one of
    ``state.report_reasons`` in a drill)."""

    type = "report"
    permission = Permission.MODERATE
    targets = (Target.COMMENT,)
    can_undo = True
    comment: str
    reason: ReportReason


@register
@value(kw_only=True)
@final
class Pin(Action):
    """*Sematkan*: pin a comment above the stream (replaces any pinned one)."""

    type = "pin"
    permission = Permission.PIN
    targets = (Target.COMMENT,)
    can_undo = True
    comment: str


@register
@value(kw_only=True)
@final
class Unpin(Action):
    """Unpin the pinned comment."""

    type = "unpin"
    permission = Permission.PIN


@register
@value(kw_only=True)
@final
class Undo(Action):
    """*Urungkan*: take back the actor's own last block, pin, report or comments-off,
    within ``state.undo_ms`` (5000 ms; moderation/timing.py) of it and
    while it still holds; otherwise refused with ``nothing_to_undo``.

    The room puts that back as it was (a block lifted, the earlier pin back, the
    report withdrawn, comments on); the judge counts the state after the undo, so the
    slip is no false alarm and earns no tip (docs/scoring.md, "Undo").
    """

    type = "undo"


@register
@value(kw_only=True)
@final
class SetComments(Action):
    """*Matikan komentar* (``enabled`` false) or turn comments back on."""

    type = "comments"
    permission = Permission.COMMENTS
    can_undo = True  # turning comments off only (undoable)
    enabled: bool


@register
@value(kw_only=True)
@final
class AddKeyword(Action):
    """*Filter kata kunci*: hide future comments containing ``keyword``
    (1–50 characters)."""

    type = "filter_add"
    permission = Permission.FILTER
    targets = (Target.KEYWORD,)
    keyword: str


@register
@value(kw_only=True)
@final
class RemoveKeyword(Action):
    """Remove a filter keyword."""

    type = "filter_remove"
    permission = Permission.FILTER
    targets = (Target.KEYWORD,)
    keyword: str


@register
@value(kw_only=True)
@final
class AcceptGuest(Action):
    """Accept a viewer's request to join the live as a guest."""

    type = "guest_accept"
    permission = Permission.GUESTS
    targets = (Target.REQUEST,)
    request: str


@register
@value(kw_only=True)
@final
class DeclineGuest(Action):
    """Decline a guest request."""

    type = "guest_decline"
    permission = Permission.GUESTS
    targets = (Target.REQUEST,)
    request: str


@register
@value(kw_only=True)
@final
class RemoveGuest(Action):
    """Take a guest off the live."""

    type = "guest_remove"
    permission = Permission.GUESTS
    targets = (Target.VIEWER,)
    viewer: str


@register
@value(kw_only=True)
@final
class AddModerator(Action):
    """Make ``name`` a moderator with the given permissions (host only)."""

    type = "moderator_add"
    roles = _HOST
    targets = (Target.MODERATOR,)
    from_seat = False
    name: str
    permissions: tuple[Permission, ...] = (
        Permission.MODERATE,
        Permission.FILTER,
        Permission.COMMENTS,
    )


@register
@value(kw_only=True)
@final
class RemoveModerator(Action):
    """Take ``name``'s moderator role away (host only)."""

    type = "moderator_remove"
    roles = _HOST
    targets = (Target.MODERATOR,)
    from_seat = False
    name: str


@register
@value(kw_only=True)
@final
class Answer(Action):
    """*Jawab*: answer a question (or rebut a hoax) aloud or in the chat; ``text`` up
    to 500 characters."""

    type = "answer"
    roles = _HOST
    targets = (Target.COMMENT,)
    comment: str
    text: str = ""


@register
@value(kw_only=True)
@final
class Thank(Action):
    """Thank a viewer for a gift (``target`` a gift id) or a kind comment (a comment id)."""

    type = "thank"
    roles = _HOST
    targets = (Target.GIFT, Target.COMMENT)
    target: str


@register
@value(kw_only=True)
@final
class Welcome(Action):
    """*Sambut*: greet a viewer by name, such as the midwife or the village head."""

    type = "welcome"
    roles = _HOST
    targets = (Target.VIEWER,)
    viewer: str


@register
@value(kw_only=True)
@final
class Talk(Action):
    """The host spoke to the viewers for ``duration`` **milliseconds** (1–600000;
    keeps off dead air).

    The desktop app sends this from its voice detector; a "Bicara" key does it by hand.
    """

    type = "talk"
    roles = _HOST
    duration: int = 5000


@register
@value(kw_only=True)
@final
class Inject(Action):
    """A trainer fires a scripted happening now (troll raid, gift storm …)."""

    type = "inject"
    roles = frozenset({Role.TRAINER})
    from_seat = False
    kind: InjectKind
    count: int = 5  # type: ignore[assignment]  # the field, not tuple.count
    over_s: int = 20
    role: str | None = None
    troll: bool = False


#: Every action, one closed set: each dispatcher over it is a ``match`` ending in
#: :func:`typing.assert_never`, so mypy names each one a new action has not reached.
AnyAction = (
    Mute | Unmute | Block | Unblock | Delete | Report | Pin | Unpin | Undo | SetComments
    | AddKeyword | RemoveKeyword | AcceptGuest | DeclineGuest | RemoveGuest | AddModerator
    | RemoveModerator | Answer | Thank | Welcome | Talk | Inject
)

#: Every action class by its wire name, in the order of :data:`AnyAction`.
ACTION_CLASSES: dict[str, type[AnyAction]] = {
    cls.type: cls for cls in typing.get_args(AnyAction)}

_CLASSES = frozenset(ACTION_CLASSES.values())

#: The actions a drill seat may send, by wire name (docs/protocol.md, "Actions").
SEAT_ACTIONS: dict[str, type[AnyAction]] = {
    name: cls for name, cls in ACTION_CLASSES.items() if cls.from_seat}


def is_action(item: object) -> TypeGuard[AnyAction]:
    """Whether ``item`` is an action of the closed set (decoded JSON, say)."""
    return type(item) in _CLASSES


def presence_ms(action: Action) -> int:
    """How long after it ``action`` keeps the host present: a talk's length, nothing for
    any other action (the host acting is there at that moment). The dead-air rule of the
    engine, the judge and the host's desks (docs/scoring.md)."""
    return action.duration if type(action) is Talk else 0


#: The actions an :class:`Undo` can take back (turning comments *off* only, see
#: :func:`undoable`).
UndoableAction = Block | Pin | Report | SetComments


def undoable(action: Action) -> TypeGuard[UndoableAction]:
    """Whether an :class:`Undo` can take ``action`` back: its class says so
    (``can_undo``: a block, a pin, a report) and, for comments, it turned them off
    (the room keeps each actor's last one, moderation/room.py)."""
    return type(action).can_undo and not (isinstance(action, SetComments) and action.enabled)
