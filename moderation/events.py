"""Events: what happened in a live session.

Every event carries ``t``, the simulated time in milliseconds since the live
started. Fields marked *ground truth* are never shown to trainees during a run
and never sent to a seat; :func:`public` strips them.
"""

from __future__ import annotations

import typing
from enum import StrEnum
from typing import TypeGuard, final

from scenarios.taxonomy import InjectKind, Persona

from .actions import AnyAction
from .values import Value, register, replace, value

__all__ = [
    "ActionApplied",
    "ActionRejected",
    "AnyEvent",
    "AudienceChanged",
    "CommentPosted",
    "CommentsHidden",
    "Event",
    "Followed",
    "GiftSent",
    "GuestRequested",
    "Hidden",
    "InjectFired",
    "NetworkDropped",
    "OfficialJoined",
    "RejectCode",
    "SessionEnded",
    "Shared",
    "Tapped",
    "Undone",
    "Viewer",
    "is_event",
    "public",
]


@value
class Event(Value):
    """Base class: ``t`` is milliseconds since the start of the live."""

    t: int


@register
@value
@final
class Viewer(Value):
    """A viewer as announced when they join. ``persona`` is ground truth."""

    type = "viewer"
    id: str
    handle: str
    persona: Persona


class Hidden(StrEnum):
    """Why a posted comment never reached the viewers' stream."""

    FILTER = "filter"  # the keyword filter caught it; staff see it greyed out
    COMMENTS_OFF = "comments_off"  # comments were off; only the judge sees it
    MUTED = "muted"  # the author is muted and could not post


@register
@value
@final
class AudienceChanged(Event):
    """Viewers joined or left; ``viewers`` is the count afterwards.

    ``joined`` lists viewers as they become known by name: trolls and officials
    when they arrive, ordinary viewers when they first comment, tap, gift or
    follow. Silent viewers only show in the count.
    """

    type = "audience"
    joined: tuple[Viewer, ...]
    left: tuple[str, ...]
    viewers: int


@register
@value
@final
class CommentPosted(Event):
    """A viewer wrote a comment. ``template`` is ground truth."""

    type = "comment"
    id: str
    viewer: str
    handle: str
    text: str
    template: str
    slots: tuple[tuple[str, str], ...] = ()
    hidden: Hidden | None = None


@register
@value
@final
class Tapped(Event):
    """Viewers tapped the screen ``count`` times; ``viewer`` is the most eager tapper."""

    type = "taps"
    viewer: str
    handle: str
    count: int  # type: ignore[assignment]  # the field, not tuple.count


@register
@value
@final
class GiftSent(Event):
    """A viewer sent ``count`` gifts of one kind."""

    type = "gift"
    id: str
    viewer: str
    handle: str
    gift: str
    coins: int
    count: int = 1  # type: ignore[assignment]  # the field, not tuple.count


@register
@value
@final
class Followed(Event):
    type = "follow"
    viewer: str
    handle: str


@register
@value
@final
class Shared(Event):
    type = "share"
    viewer: str
    handle: str


@register
@value
@final
class GuestRequested(Event):
    """A viewer asks to join the live as a guest. ``troll`` is ground truth."""

    type = "guest_request"
    id: str
    viewer: str
    handle: str
    troll: bool = False


@register
@value
@final
class OfficialJoined(Event):
    """The midwife or the village head joined and should be welcomed."""

    type = "official"
    viewer: str
    handle: str
    role: Persona


@register
@value
@final
class NetworkDropped(Event):
    """The host's connection dropped for ``duration`` milliseconds."""

    type = "network_drop"
    duration: int


@register
@value
@final
class InjectFired(Event):
    """A scripted or trainer-triggered happening began."""

    type = "injected"
    kind: InjectKind
    by: str


@register
@value
@final
class CommentsHidden(Event):
    """Comments left the stream because of a moderation action."""

    type = "hidden"
    comments: tuple[str, ...]
    reason: str
    by: str


@register
@value
@final
class ActionApplied(Event):
    """An action was accepted and took effect."""

    type = "applied"
    action: AnyAction


@register
@value
@final
class Undone(Event):
    """An ``undo`` took ``action`` back: a block lifted, a report withdrawn, comments on
    again, or a pin replaced by ``pinned`` (the comment pinned before it; null: none).
    It follows the ``applied`` event of the undo."""

    type = "undone"
    action: AnyAction
    pinned: str | None = None


class RejectCode(StrEnum):
    """Why an action was refused. Each has a translated hint for the user."""

    SESSION_ENDED = "session_ended"
    TIME_IN_PAST = "time_in_past"
    NOT_STAFF = "not_staff"
    NOT_PERMITTED = "not_permitted"
    UNKNOWN_COMMENT = "unknown_comment"
    COMMENT_GONE = "comment_gone"
    UNKNOWN_VIEWER = "unknown_viewer"
    VIEWER_GONE = "viewer_gone"
    STAFF_TARGET = "staff_target"
    ALREADY_MUTED = "already_muted"
    NOT_MUTED = "not_muted"
    ALREADY_BLOCKED = "already_blocked"
    NOT_BLOCKED = "not_blocked"
    INVALID_DURATION = "invalid_duration"
    ALREADY_REPORTED = "already_reported"
    ALREADY_PINNED = "already_pinned"
    NOTHING_PINNED = "nothing_pinned"
    COMMENTS_ALREADY = "comments_already"
    KEYWORD_INVALID = "keyword_invalid"
    KEYWORD_EXISTS = "keyword_exists"
    KEYWORD_MISSING = "keyword_missing"
    FILTER_FULL = "filter_full"
    UNKNOWN_REQUEST = "unknown_request"
    REQUEST_CLOSED = "request_closed"
    GUESTS_FULL = "guests_full"
    NOT_A_GUEST = "not_a_guest"
    NAME_INVALID = "name_invalid"
    MODERATOR_EXISTS = "moderator_exists"
    UNKNOWN_MODERATOR = "unknown_moderator"
    MODERATORS_FULL = "moderators_full"
    ALREADY_ANSWERED = "already_answered"
    ALREADY_THANKED = "already_thanked"
    UNKNOWN_TARGET = "unknown_target"
    ALREADY_WELCOMED = "already_welcomed"
    TEXT_TOO_LONG = "text_too_long"
    NOTHING_TO_UNDO = "nothing_to_undo"


@register
@value
@final
class ActionRejected(Event):
    """An action was refused; nothing changed."""

    type = "rejected"
    action: AnyAction
    code: RejectCode


@register
@value
@final
class SessionEnded(Event):
    type = "end"


#: Every event of a session, one closed set (see :data:`moderation.actions.AnyAction`).
AnyEvent = (
    AudienceChanged | CommentPosted | Tapped | GiftSent | Followed | Shared | GuestRequested
    | OfficialJoined | NetworkDropped | InjectFired | CommentsHidden | ActionApplied | Undone
    | ActionRejected | SessionEnded
)


_EVENT_CLASSES = frozenset(typing.get_args(AnyEvent))


def is_event(item: object) -> TypeGuard[AnyEvent]:
    """Whether ``item`` is an event of the closed set (decoded JSON, say)."""
    return type(item) in _EVENT_CLASSES


#: Fields removed from events before they reach a trainee or a seat.
_GROUND_TRUTH: dict[type[Event], frozenset[str]] = {
    CommentPosted: frozenset({"template", "slots"}),
    GuestRequested: frozenset({"troll"}),
}


def public(event: Event) -> Event | None:
    """Return ``event`` as a trainee may see it, or None if they may not see it.

    Ground-truth fields are blanked; comments that never reached the stream
    (comments off, author muted) disappear; filtered comments stay, because
    TikTok shows them greyed to the host and moderators.
    """
    if isinstance(event, CommentPosted):
        if event.hidden in (Hidden.COMMENTS_OFF, Hidden.MUTED):
            return None
        return replace(event, template="", slots=())
    if isinstance(event, GuestRequested):
        return replace(event, troll=False)
    if isinstance(event, AudienceChanged):
        return replace(
            event,
            joined=tuple(
                replace(v, persona=_public_persona(v.persona)) for v in event.joined
            ),
        )
    return event


def _public_persona(persona: Persona) -> Persona:
    # Officials announce themselves; everyone else looks like a viewer.
    return persona if persona in (Persona.MIDWIFE, Persona.VILLAGE_HEAD) else Persona.LURKER
