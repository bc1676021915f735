"""What one call into a room produced: messages to send, and to whom.

The room is sans-I/O: it never touches a connection. It puts encoded messages
into an :class:`Outbox` with a typed :data:`Target`, and the asyncio layer
(:mod:`server.app`) delivers each :class:`Outcome`. While a room replays its
journal the outbox is muted: a restart sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from protocol.outbound import Outbound, encode
from protocol.roles import View

from .seats import Seat

__all__ = ["CONN", "Outbox", "Outcome", "Target", "ToConn", "ToPending", "ToSeat", "ToView"]


@dataclass(frozen=True, slots=True)
class ToConn:
    """The connection whose message is being handled (answers, welcomes)."""


@dataclass(frozen=True, slots=True)
class ToView:
    """Every connection of one view."""

    view: View


@dataclass(frozen=True, slots=True)
class ToSeat:
    """Every connection of one seat."""

    seat: str


@dataclass(frozen=True, slots=True)
class ToPending:
    """The connection whose ``hello`` waits for the trainer (``request``)."""

    request: str


Target = ToConn | ToView | ToSeat | ToPending
CONN = ToConn()


@dataclass(slots=True)
class Outcome:
    """Messages in the order they must go out, plus what the connection layer must do."""

    sends: list[tuple[Target, str]] = field(default_factory=list)
    #: The seat a ``hello`` joined or resumed.
    seat: Seat | None = None
    #: Seats freed: close their connections.
    close: list[str] = field(default_factory=list)
    #: Seats taken back on another device: close their (old) connections.
    moved: list[str] = field(default_factory=list)
    #: The ``hello`` of the connection being handled now waits for the trainer (its request).
    pending: str | None = None
    #: Waiting connections the trainer decided about: (request, the seat it now holds).
    admitted: list[tuple[str, Seat]] = field(default_factory=list)


class Outbox:
    """Collects an :class:`Outcome`; :meth:`take` hands it over and starts a new one."""

    def __init__(self) -> None:
        self._out = Outcome()
        self.muted = False

    def send(self, target: Target, message: Outbound) -> None:
        if not self.muted:
            self._out.sends.append((target, encode(message)))

    def send_text(self, target: Target, payload: str) -> None:
        if not self.muted:
            self._out.sends.append((target, payload))

    def reply(self, message: Outbound) -> None:
        """Answer the connection that sent the message being handled."""
        self.send(CONN, message)

    def joined(self, seat: Seat) -> None:
        if not self.muted:
            self._out.seat = seat

    def close(self, seat_id: str) -> None:
        if not self.muted:
            self._out.close.append(seat_id)

    def moved(self, seat_id: str) -> None:
        if not self.muted:
            self._out.moved.append(seat_id)

    def pending(self, request: str) -> None:
        if not self.muted:
            self._out.pending = request

    def admitted(self, request: str, seat: Seat) -> None:
        if not self.muted:
            self._out.admitted.append((request, seat))

    def take(self) -> Outcome:
        out, self._out = self._out, Outcome()
        return out
