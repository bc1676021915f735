"""Actions: what the host and moderators do, TikTok-shaped.

Each action names its ``actor`` ("host" or a moderator's name) and its time
``t`` in milliseconds. Actions are plain values; the room decides whether they
are allowed (see :mod:`moderation.room`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeGuard

from scenarios.taxonomy import InjectKind, ReportReason

from .values import Value, register, value

__all__ = [
    "HOST",
    "TRAINER",
    "AcceptGuest",
    "Action",
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
    "SetComments",
    "Talk",
    "Thank",
    "Unblock",
    "Undo",
    "Unmute",
    "Unpin",
    "Welcome",
    "undoable",
]

HOST = "host"
TRAINER = "trainer"


class Permission(StrEnum):
    """What a moderator may do; the host grants these (TikTok lets hosts edit them)."""

    MODERATE = "moderate"  # mute, block, delete, report
    FILTER = "filter"  # keyword filter
    COMMENTS = "comments"  # turn comments on and off
    PIN = "pin"  # pin comments (host-only unless granted)
    GUESTS = "guests"  # accept and remove guests


@value(kw_only=True)
class Action(Value):
    """Base class of every action."""

    t: int
    actor: str = HOST


@register
@value(kw_only=True)
class Mute(Action):
    """*Bisukan*: silence a viewer for ``duration`` seconds (None: the whole LIVE).

    Muting removes the viewer's comment history, as on TikTok. ``comment`` is
    the comment the moderator acted from, when there was one.
    """

    type = "mute"
    viewer: str
    duration: int | None = None
    comment: str | None = None


@register
@value(kw_only=True)
class Unmute(Action):
    type = "unmute"
    viewer: str


@register
@value(kw_only=True)
class Block(Action):
    """*Blokir*: remove the viewer from the live and hide all their comments."""

    type = "block"
    viewer: str
    comment: str | None = None


@register
@value(kw_only=True)
class Unblock(Action):
    type = "unblock"
    viewer: str


@register
@value(kw_only=True)
class Delete(Action):
    """*Hapus*: delete one comment."""

    type = "delete"
    comment: str


@register
@value(kw_only=True)
class Report(Action):
    """*Laporkan*: report a comment to the platform with a reason."""

    type = "report"
    comment: str
    reason: ReportReason


@register
@value(kw_only=True)
class Pin(Action):
    """*Sematkan*: pin a comment above the stream (replaces any pinned one)."""

    type = "pin"
    comment: str


@register
@value(kw_only=True)
class Unpin(Action):
    type = "unpin"


@register
@value(kw_only=True)
class Undo(Action):
    """Take back the actor's last block, pin, report or comments-off, within
    :data:`moderation.timing.UNDO_MS` of it (a slip of the finger, caught at once).

    The room puts that back as it was (a block lifted, the earlier pin back, the
    report withdrawn, comments on); the judge counts the state after the undo, so the
    slip is no false alarm and earns no tip (docs/scoring.md, "Undo").
    """

    type = "undo"


@register
@value(kw_only=True)
class SetComments(Action):
    """*Matikan komentar* / turn comments back on."""

    type = "comments"
    enabled: bool


@register
@value(kw_only=True)
class AddKeyword(Action):
    """*Filter kata kunci*: hide future comments containing ``keyword``."""

    type = "filter_add"
    keyword: str


@register
@value(kw_only=True)
class RemoveKeyword(Action):
    type = "filter_remove"
    keyword: str


@register
@value(kw_only=True)
class AcceptGuest(Action):
    type = "guest_accept"
    request: str


@register
@value(kw_only=True)
class DeclineGuest(Action):
    type = "guest_decline"
    request: str


@register
@value(kw_only=True)
class RemoveGuest(Action):
    type = "guest_remove"
    viewer: str


@register
@value(kw_only=True)
class AddModerator(Action):
    """Make ``name`` a moderator with the given permissions (host only)."""

    type = "moderator_add"
    name: str
    permissions: tuple[Permission, ...] = (
        Permission.MODERATE,
        Permission.FILTER,
        Permission.COMMENTS,
    )


@register
@value(kw_only=True)
class RemoveModerator(Action):
    type = "moderator_remove"
    name: str


@register
@value(kw_only=True)
class Answer(Action):
    """*Jawab*: answer a question (or rebut a hoax) aloud or in the chat."""

    type = "answer"
    comment: str
    text: str = ""


@register
@value(kw_only=True)
class Thank(Action):
    """Thank a viewer for a gift (``target`` a gift id) or a kind comment (a comment id)."""

    type = "thank"
    target: str


@register
@value(kw_only=True)
class Welcome(Action):
    """Greet a viewer by name, such as the midwife or the village head."""

    type = "welcome"
    viewer: str


@register
@value(kw_only=True)
class Talk(Action):
    """The host spoke to the viewers for ``duration`` milliseconds (keeps off dead air).

    The desktop app sends this from its voice detector; a "Bicara" key does it by hand.
    """

    type = "talk"
    duration: int = 5000


@register
@value(kw_only=True)
class Inject(Action):
    """A trainer fires a scripted happening now (troll raid, gift storm …)."""

    type = "inject"
    kind: InjectKind
    count: int = 5  # type: ignore[assignment]  # the field, not tuple.count
    over_s: int = 20
    role: str | None = None
    troll: bool = False


def undoable(action: Action) -> TypeGuard[Block | Pin | Report | SetComments]:
    """Whether an :class:`Undo` can take ``action`` back: a block, a pin, a report or
    turning comments off (the room keeps each actor's last one, moderation/room.py)."""
    return isinstance(action, Block | Pin | Report) or (
        isinstance(action, SetComments) and not action.enabled)
