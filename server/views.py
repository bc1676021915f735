"""Per-view fan-out: who sees what of each change, numbered without gaps per view.

What each role sees is decided here, with the seats' form of an event from
:mod:`protocol.seat_events` (both ends read it). The trainer's view gets
every event with its ground truth. Seats (host, moderators, observers) get
public events only: ground-truth fields are *absent*, not blanked; rejections
reach only the trainer (and the acting seat, as its ``ack``); and the trainer's
injects show only through their effects (the comments, the guests, the
official) — neither the ``injected`` event nor the ``applied`` inject action
reaches a seat. Observers do not see filtered comments, which TikTok shows
greyed to the host and moderators only.

Each view has its own sequence 1, 2, 3 … and keeps the text it sent, so a seat
that resumes with ``last_seq`` gets exactly the messages it missed.
"""

from __future__ import annotations

from moderation.events import CommentPosted, Event, Hidden
from moderation.values import to_json
from protocol.outbound import EventOut, NoData, RoomData, RoomKind, RoomOut, encode
from protocol.roles import View
from protocol.seat_events import seat_form

from .outbox import Outbox, ToView

__all__ = ["MAX_REPLAY", "ViewLogs"]

#: A seat resuming further back than this gets a snapshot only, not a replay.
MAX_REPLAY = 5000
_SEAT_VIEWS = (View.STAFF, View.OBSERVER)


def _observer_sees(event: Event) -> bool:
    return not (isinstance(event, CommentPosted) and event.hidden is Hidden.FILTER)


class ViewLogs:
    """The numbered messages of each view, as sent."""

    def __init__(self, out: Outbox) -> None:
        self._out = out
        self._logs: dict[View, list[str]] = {view: [] for view in View}

    def seq(self, view: View) -> int:
        """The number of the last message of ``view``."""
        return len(self._logs[view])

    def log(self, view: View) -> list[str]:
        """The messages of ``view`` as sent, oldest first (a copy)."""
        return list(self._logs[view])

    def missed(self, view: View, last_seq: int | None) -> list[str]:
        """What a seat that processed up to ``last_seq`` missed, marked as replayed; nothing
        when ``last_seq`` is absent, ahead of the log or too far back."""
        log = self._logs[view]
        if last_seq is None or last_seq > len(log) or len(log) - last_seq > MAX_REPLAY:
            return []
        # Same text as first sent, marked so a client can tell them from live ones.
        return [payload[:-1] + ',"replay":true}' for payload in log[last_seq:]]

    def event(self, event: Event, epoch: int) -> None:
        """Fan one engine event out to the views that may see it."""
        self._emit(View.TRAINER, EventOut(seq=0, epoch=epoch, t=event.t, event=to_json(event)))
        body = seat_form(event)
        if body is None:
            return
        views = _SEAT_VIEWS if _observer_sees(event) else (View.STAFF,)
        for view in views:
            self._emit(view, EventOut(seq=0, epoch=epoch, t=event.t, event=body))

    def room(self, kind: RoomKind, t: int, epoch: int, data: RoomData | None = None,
             views: tuple[View, ...] = tuple(View)) -> None:
        """A change of the room itself (joins, status, settings, notes), to every view (or to
        ``views``: the host's coaching goes to the trainer's only)."""
        payload = NoData() if data is None else data
        for view in views:
            self._emit(view, RoomOut(seq=0, epoch=epoch, t=t, kind=kind, data=payload))

    def _emit(self, view: View, message: EventOut | RoomOut) -> None:
        log = self._logs[view]
        message.seq = len(log) + 1
        payload = encode(message)
        log.append(payload)
        self._out.send_text(ToView(view), payload)
