"""Engine events as a seat receives them, and back: one module for both ends.

Seats (host, moderators, observers) get public events only
(:func:`moderation.events.public`): ground-truth fields are *absent* from the
JSON, not blanked; rejections and the trainer's injects never reach a seat.
The server writes a seat's form with :func:`seat_form`; a client reads one back
into the engine's own event value with :func:`from_seat_form`, the absent
fields standing at the blanks :func:`~moderation.events.public` gives them.
"""

from __future__ import annotations

from collections.abc import Mapping

from moderation.actions import Inject
from moderation.events import (
    ActionApplied,
    ActionRejected,
    AnyEvent,
    CommentPosted,
    Event,
    GuestRequested,
    InjectFired,
    is_event,
    public,
)
from moderation.values import from_json, to_json

__all__ = ["GROUND_TRUTH", "TRAINER_ONLY", "from_seat_form", "seat_form"]

#: Fields of events that only the trainer (and the debrief) may see, each with the
#: blank a seat's copy of the event stands for (what ``public`` puts there).
GROUND_TRUTH: dict[type[Event], dict[str, object]] = {
    CommentPosted: {"template": "", "slots": []},
    GuestRequested: {"troll": False},
}
#: Events only the trainer's view gets (besides ``applied`` events of an ``inject``).
TRAINER_ONLY: tuple[type[Event], ...] = (ActionRejected, InjectFired)
_BLANKS = {cls.type: blanks for cls, blanks in GROUND_TRUTH.items()}


def seat_form(event: Event) -> dict[str, object] | None:
    """The JSON a seat receives of ``event``, or None when seats do not see it."""
    if isinstance(event, TRAINER_ONLY):
        return None
    if isinstance(event, ActionApplied) and isinstance(event.action, Inject):
        return None
    seen = public(event)
    if seen is None:
        return None
    data = to_json(seen)
    for name in GROUND_TRUTH.get(type(event), ()):
        del data[name]
    return data


def from_seat_form(data: Mapping[str, object]) -> AnyEvent | None:
    """The engine's event from a seat's JSON of it; None for one this end cannot read
    (a newer kind, a malformed one)."""
    kind = data.get("type")
    blanks = _BLANKS.get(kind) if isinstance(kind, str) else None
    try:
        item = from_json({**blanks, **data} if blanks else data)
    except ValueError:
        return None
    return item if is_event(item) else None
