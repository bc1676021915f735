"""Taking a seat: joining, tokens, taking a seat back, joining again under one's name.

:mod:`server.seats` is the register (seats by id and by token hash);
:class:`Seating` holds the rules around it, sans-I/O like the room: a ``hello``
goes in, a decision comes out (:data:`JoinPlan`), and :class:`server.room.DrillRoom`
carries it out (journals it, welcomes the connection). What a decision changes
in the register happens when its journal record is applied
(:meth:`Seating.seated`, :meth:`Seating.token_given`), live or after a restart.

A seat survives disconnects: its token resumes it. The trainer has one seat,
however many consoles (each gets a token of its own). A participant who joins
again under the name of a host or moderator seat, without its token, waits
while a trainer console is open: the trainer gives her that seat back (a new
token that replaces the old ones; her other device is closed) or a new seat
(docs/protocol.md, "Taking a seat back"). The waiting list is not journalled:
its entries are connections, which a restart closes anyway.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass

from i18n import translate
from moderation.actions import HOST
from protocol.inbound import ErrorCode, Hello
from protocol.outbound import RejoinRow, RejoinsOut
from protocol.roles import Role

from .journal import JoinRec, TokenRec
from .seats import Seat, Seats, hash_token

__all__ = ["Admission", "AnotherToken", "JoinPlan", "Places", "Refusal", "Rejoin", "Resume",
           "Seating", "TakeBack", "new_token"]


def new_token() -> tuple[str, str]:
    """A new seat token and its hash (only the hash is journalled)."""
    token = secrets.token_urlsafe(24)
    return token, hash_token(token)


@dataclass(frozen=True, slots=True)
class Places:
    """The moderator places as the engine's room has them, for an admission."""

    #: Actors who are moderators of the engine's room now.
    moderators: Collection[str]
    #: How many moderators the room takes.
    limit: int
    team_mode: bool


@dataclass(frozen=True, slots=True)
class Admission:
    """A ``hello`` that may take a new seat: who it will be."""

    role: Role
    name: str
    team: str | None
    actor: str | None


@dataclass(frozen=True, slots=True)
class Refusal:
    """A ``hello`` that may not, and why."""

    code: ErrorCode
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class Resume:
    """A ``hello`` with a seat's token: that seat, resumed."""

    seat: Seat
    token: str


@dataclass(frozen=True, slots=True)
class AnotherToken:
    """Another trainer console: the trainer's seat, with a token of its own."""

    seat: Seat


@dataclass(frozen=True, slots=True)
class Rejoin:
    """A ``hello`` with the name of a seat, waiting for the trainer: is it her again?"""

    request: str
    hello: Hello
    seat: str


@dataclass(frozen=True, slots=True)
class TakeBack:
    """The trainer gave ``rejoin`` her seat back: a token that replaces its old ones."""

    rejoin: Rejoin
    seat: Seat


#: What becomes of a ``hello``.
JoinPlan = Resume | AnotherToken | Rejoin | Admission | Refusal


class Seating:
    """Who may take which seat, and who waits for the trainer."""

    def __init__(self, seats: Seats, trainer_key: str) -> None:
        self.seats = seats
        self.trainer_key = trainer_key
        #: Participants waiting for the trainer to give them their seat back, by request.
        self.waiting: dict[str, Rejoin] = {}
        self._requests = 0

    # ------------------------------------------------------------ a hello

    def join(self, hello: Hello, places: Places) -> JoinPlan:
        """What becomes of a connection's ``hello``. A :class:`Rejoin` is on the waiting list
        when it is returned; nothing else is changed (but a resumed seat's language)."""
        if hello.token is not None:
            seat = self.seats.by_token(hello.token)
            if seat is None:
                return Refusal(ErrorCode.BAD_TOKEN)
            seat.lang = hello.lang
            return Resume(seat, hello.token)
        trainer = self.seats.trainer()
        if hello.role is Role.TRAINER and trainer is not None:
            # One trainer seat, however many consoles: another console gets another token.
            if not self._trainer_key(hello):
                return Refusal(ErrorCode.UNAUTHORISED)
            return AnotherToken(trainer)
        named = self.seats.named(hello.name, hello.role)
        if named is not None and trainer is not None and trainer.online > 0:
            return self._hold(hello, named)
        return self.admit(hello, places)

    def admit(self, hello: Hello, places: Places) -> Admission | Refusal:
        """Whether ``hello`` may take a new seat, and as whom. Changes nothing."""
        role = hello.role
        if role is Role.TRAINER and not self._trainer_key(hello):
            return Refusal(ErrorCode.UNAUTHORISED)
        name = hello.name or translate(f"serve.role.{role.value}", hello.lang)
        actor: str | None = None
        if role is Role.HOST:
            if self.seats.host() is not None:
                return Refusal(ErrorCode.HOST_TAKEN)
            actor = HOST
        elif role is Role.MODERATOR:
            actor = self.seats.actor_for(name, hello.team, places.team_mode, places.moderators)
            if actor not in places.moderators and len(places.moderators) >= places.limit:
                return Refusal(ErrorCode.ROOM_FULL, places.limit)
        return Admission(role, name, hello.team, actor)

    def _trainer_key(self, hello: Hello) -> bool:
        return hello.key is not None and secrets.compare_digest(hello.key, self.trainer_key)

    # ------------------------------------------------------------ taking a seat back

    def _hold(self, hello: Hello, seat: Seat) -> Rejoin:
        self._requests += 1
        rejoin = Rejoin(f"j{self._requests}", hello, seat.id)
        self.waiting[rejoin.request] = rejoin
        return rejoin

    def answer(self, request: str, give_seat: bool) -> TakeBack | Rejoin | None:
        """The trainer's answer to ``request``: her seat back (:class:`TakeBack`), or the
        waiting ``hello`` to seat as any other (:class:`Rejoin`); None for no such request.
        The request leaves the waiting list."""
        rejoin = self.waiting.pop(request, None)
        if rejoin is None:
            return None
        old = self.seats.get(rejoin.seat)
        if give_seat and old is not None and old.role is rejoin.hello.role:
            return TakeBack(rejoin, old)
        return rejoin

    def withdraw(self, request: str) -> bool:
        """The waiting connection of ``request`` closed: whether it was still waiting."""
        return self.waiting.pop(request, None) is not None

    def is_waiting(self, request: str) -> bool:
        return request in self.waiting

    def waiting_message(self) -> RejoinsOut:
        """The waiting list, as the trainer's consoles show it."""
        rows = []
        for rejoin in self.waiting.values():
            seat = self.seats.get(rejoin.seat)
            rows.append(RejoinRow(request=rejoin.request, name=rejoin.hello.name or "",
                                  role=rejoin.hello.role, seat=rejoin.seat,
                                  online=seat is not None and seat.online > 0))
        return RejoinsOut(waiting=rows)

    # ------------------------------------------------------------ journalled

    def seated(self, record: JoinRec) -> Seat:
        """A new seat, as its journal record says."""
        seat = Seat(record.seat, record.token_hash, record.role, record.name, record.team,
                    record.actor, record.lang)
        self.seats.add(seat)
        return seat

    def token_given(self, record: TokenRec) -> Seat:
        """A seat's new token, as its journal record says; a replacing token ends the seat's
        other connections (they are no longer counted online)."""
        seat = self.seats.give_token(record.seat, record.token_hash, record.replace)
        seat.lang = record.lang
        if record.replace:
            seat.online = 0
        return seat
