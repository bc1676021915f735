"""The action table: every action a seat may send, its fields, and who may send it.

A seat sends an action as the JSON form of :mod:`moderation.actions` without
``t`` and ``actor`` (the server stamps both). Each action has a pydantic model
here, strict about types (``"5"`` is not a number, ``1`` is not ``true``) and
about strings (:mod:`server.text`), so a malformed action gets a typed
``invalid`` error and never reaches the room. :data:`ACTION_ROLES` says which
roles may send each action; the role check comes before the engine sees the
action, so a moderator cannot answer, thank or welcome in the host's place.

``docs/protocol.md`` has the table generated from these models
(:mod:`server.protocol_doc`), and a test checks every model's fields against
the action's value class.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from moderation.actions import (
    AcceptGuest,
    Action,
    AddKeyword,
    Answer,
    Block,
    DeclineGuest,
    Delete,
    Mute,
    Pin,
    RemoveGuest,
    RemoveKeyword,
    Report,
    SetComments,
    Talk,
    Thank,
    Unblock,
    Undo,
    Unmute,
    Unpin,
    Welcome,
)
from scenarios.taxonomy import ReportReason

from .roles import Role
from .text import Ident, Keyword, Phrase

__all__ = ["ACTION_CLASSES", "ACTION_ROLES", "ActionBody", "SEAT_ACTIONS", "SeatAction"]

#: Mute durations and talk lengths above this are refused as malformed (seconds or ms).
_MAX_DURATION = 2**31 - 1
Duration = Annotated[int, Field(ge=0, le=_MAX_DURATION)]


class SeatAction(BaseModel):
    """Base of the action models: strict types, no unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    type: str

    def to_action(self, t: int, actor: str) -> Action:
        """The engine's action, stamped with the room time and the seat's actor."""
        fields = {name: getattr(self, name) for name in type(self).model_fields
                  if name != "type"}
        return ACTION_CLASSES[self.type](t=t, actor=actor, **fields)


class DeleteBody(SeatAction):
    """*Hapus*: delete one comment."""

    type: Literal["delete"]
    comment: Ident


class MuteBody(SeatAction):
    """*Bisukan*: silence a viewer for ``duration`` **seconds** (one of
    ``state.mute_presets``; ``null``: the whole LIVE). ``comment``: the comment acted from."""

    type: Literal["mute"]
    viewer: Ident
    duration: Duration | None = None
    comment: Ident | None = None


class UnmuteBody(SeatAction):
    """Lift a mute."""

    type: Literal["unmute"]
    viewer: Ident


class BlockBody(SeatAction):
    """*Blokir*: remove the viewer from the live and hide all their comments."""

    type: Literal["block"]
    viewer: Ident
    comment: Ident | None = None


class UnblockBody(SeatAction):
    """Lift a block."""

    type: Literal["unblock"]
    viewer: Ident


class ReportBody(SeatAction):
    """*Laporkan*: report a comment with a reason (one of ``state.report_reasons``)."""

    type: Literal["report"]
    comment: Ident
    reason: Annotated[ReportReason, Field(strict=False)]


class PinBody(SeatAction):
    """*Sematkan*: pin a comment above the stream."""

    type: Literal["pin"]
    comment: Ident


class UnpinBody(SeatAction):
    """Unpin the pinned comment."""

    type: Literal["unpin"]


class CommentsBody(SeatAction):
    """*Matikan komentar* (``enabled`` false) or turn comments back on."""

    type: Literal["comments"]
    enabled: bool


class FilterAddBody(SeatAction):
    """*Filter kata kunci*: hide future comments containing ``keyword`` (1–50 characters)."""

    type: Literal["filter_add"]
    keyword: Keyword


class FilterRemoveBody(SeatAction):
    """Remove a filter keyword."""

    type: Literal["filter_remove"]
    keyword: Keyword


class GuestAcceptBody(SeatAction):
    """Accept a viewer's request to join the live as a guest."""

    type: Literal["guest_accept"]
    request: Ident


class GuestDeclineBody(SeatAction):
    """Decline a guest request."""

    type: Literal["guest_decline"]
    request: Ident


class GuestRemoveBody(SeatAction):
    """Take a guest off the live."""

    type: Literal["guest_remove"]
    viewer: Ident


class AnswerBody(SeatAction):
    """*Jawab*: answer a question (or rebut a hoax); ``text`` up to 500 characters."""

    type: Literal["answer"]
    comment: Ident
    text: Phrase = ""


class ThankBody(SeatAction):
    """Thank a viewer for a gift (``target`` a gift id) or a kind comment (a comment id)."""

    type: Literal["thank"]
    target: Ident


class WelcomeBody(SeatAction):
    """*Sambut*: greet a viewer by name, such as the midwife or the village head."""

    type: Literal["welcome"]
    viewer: Ident


class UndoBody(SeatAction):
    """*Urungkan*: take back the seat's own last block, pin, report or comments-off,
    within ``state.undo_ms`` of it (refused with ``nothing_to_undo`` after that)."""

    type: Literal["undo"]


class TalkBody(SeatAction):
    """The host spoke for ``duration`` **milliseconds** (1–600000; keeps off dead air)."""

    type: Literal["talk"]
    duration: Duration = 5000


ActionBody = Annotated[
    DeleteBody | MuteBody | UnmuteBody | BlockBody | UnblockBody | ReportBody | PinBody
    | UnpinBody | CommentsBody | FilterAddBody | FilterRemoveBody | GuestAcceptBody
    | GuestDeclineBody | GuestRemoveBody | AnswerBody | ThankBody | WelcomeBody | TalkBody
    | UndoBody,
    Field(discriminator="type"),
]

#: The engine's value class of each seat action.
ACTION_CLASSES: dict[str, type[Action]] = {cls.type: cls for cls in (
    Delete, Mute, Unmute, Block, Unblock, Report, Pin, Unpin, SetComments, AddKeyword,
    RemoveKeyword, AcceptGuest, DeclineGuest, RemoveGuest, Answer, Thank, Welcome, Talk, Undo)}

_STAFF = frozenset({Role.HOST, Role.MODERATOR})
_HOST = frozenset({Role.HOST})

#: Who may send each action. Moderators moderate (TikTok's moderator permissions plus
#: pinning); hosting (guests, answers, thanks, welcomes, talking) is the host's.
ACTION_ROLES: dict[str, frozenset[Role]] = {
    "delete": _STAFF, "mute": _STAFF, "unmute": _STAFF, "block": _STAFF, "unblock": _STAFF,
    "report": _STAFF, "pin": _STAFF, "unpin": _STAFF, "comments": _STAFF,
    "filter_add": _STAFF, "filter_remove": _STAFF, "undo": _STAFF,
    "guest_accept": _HOST, "guest_decline": _HOST, "guest_remove": _HOST,
    "answer": _HOST, "thank": _HOST, "welcome": _HOST, "talk": _HOST,
}

#: Every action type a seat may send.
SEAT_ACTIONS: frozenset[str] = frozenset(ACTION_ROLES)
