"""The room's register of seats: by id and by token hash, and the actors they moderate as.

A seat is a participant's place in the room. It survives disconnects (its token
resumes it) until the trainer frees it. Tokens are stored hashed only. A seat
may hold several tokens (the trainer's one seat, a token per console); a
participant who took her seat back on another device gets a new token that
replaces the old ones. Who may take which seat is :mod:`server.seating`'s.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from moderation.actions import HOST, TRAINER
from moderation.events import RejectCode
from protocol.roles import Role, View, view_of

__all__ = ["ANSWERS_KEPT", "Answer", "Answers", "Seat", "Seats", "hash_token"]

#: How many of a seat's latest actions with a client id (``cid``) the room remembers with
#: their answer. A page keeps at most ``MAX_PENDING`` (100, server/web/common.js) actions
#: waiting and sends them again before anything newer, so a repeat is always found.
ANSWERS_KEPT = 256


def hash_token(token: str) -> str:
    """Tokens are stored hashed: the data folder never holds a usable token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Answer:
    """How the room answered an action the first time: applied (``rejected`` None) or
    refused with the engine's reason."""

    rejected: RejectCode | None


class Answers:
    """The answers to a seat's latest actions, by the id its client gave each (``cid``), so
    that an action sent again after a dropped connection is applied once
    (docs/protocol.md, "Sent again"). Bounded: the oldest is forgotten first."""

    def __init__(self, kept: int = ANSWERS_KEPT) -> None:
        self._kept = kept
        self._by_cid: OrderedDict[str, Answer] = OrderedDict()

    def __len__(self) -> int:
        return len(self._by_cid)

    def get(self, cid: str) -> Answer | None:
        """The first answer to ``cid``; None if the room never applied it (or forgot it)."""
        return self._by_cid.get(cid)

    def remember(self, cid: str, rejected: RejectCode | None) -> None:
        self._by_cid[cid] = Answer(rejected)
        self._by_cid.move_to_end(cid)
        while len(self._by_cid) > self._kept:
            self._by_cid.popitem(last=False)


@dataclass(slots=True)
class Seat:
    """A participant's place in the room."""

    id: str
    token_hash: str
    role: Role
    name: str
    team: str | None
    actor: str | None
    lang: str = "id"
    #: Open connections (after their welcome).
    online: int = 0
    actions: int = 0
    rejected: int = 0
    last_action: str | None = None
    last_t: int | None = None
    #: Its latest actions' answers by client id; kept over a reset (ids are never reused).
    answers: Answers = field(default_factory=Answers)

    @property
    def view(self) -> View:
        return view_of(self.role)

    def clear_counts(self) -> None:
        self.actions = self.rejected = 0
        self.last_action = self.last_t = None


class Seats:
    """The room's seats, by id and by token hash."""

    def __init__(self) -> None:
        self._by_id: dict[str, Seat] = {}
        self._by_token: dict[str, str] = {}
        self._made = 0
        #: Actors of freed seats: not given again this epoch, so nobody inherits credit.
        self.retired: set[str] = set()

    def __iter__(self) -> Iterator[Seat]:
        return iter(list(self._by_id.values()))

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, seat_id: object) -> bool:
        return seat_id in self._by_id

    def __getitem__(self, seat_id: str) -> Seat:
        return self._by_id[seat_id]

    def get(self, seat_id: str) -> Seat | None:
        return self._by_id.get(seat_id)

    def next_id(self) -> str:
        """The id the next seat gets (ids are never reused, freed seats included)."""
        return f"s{self._made + 1}"

    def add(self, seat: Seat) -> None:
        self._by_id[seat.id] = seat
        self._by_token[seat.token_hash] = seat.id
        self._made += 1

    def free(self, seat_id: str) -> Seat:
        seat = self._by_id.pop(seat_id)
        self._drop_tokens(seat_id)
        if seat.actor is not None and seat.role is Role.MODERATOR \
                and not self.with_actor(seat.actor):
            self.retired.add(seat.actor)
        return seat

    def _drop_tokens(self, seat_id: str) -> None:
        for token_hash in [h for h, sid in self._by_token.items() if sid == seat_id]:
            del self._by_token[token_hash]

    def give_token(self, seat_id: str, token_hash: str, replace: bool) -> Seat:
        """Another token for ``seat_id``; with ``replace`` its earlier tokens stop working."""
        seat = self._by_id[seat_id]
        if replace:
            self._drop_tokens(seat_id)
            seat.token_hash = token_hash
        self._by_token[token_hash] = seat_id
        return seat

    def trainer(self) -> Seat | None:
        """The trainer's seat (every console of the room shares it)."""
        return next((s for s in self._by_id.values() if s.role is Role.TRAINER), None)

    def named(self, name: str | None, role: Role) -> Seat | None:
        """The host or moderator seat called ``name`` (case aside): whom a participant who
        joins again under her name, without her token, may be."""
        if name is None or role not in (Role.HOST, Role.MODERATOR):
            return None
        folded = name.casefold()
        return next((s for s in self._by_id.values()
                     if s.role is role and s.name.casefold() == folded), None)

    def by_token(self, token: str) -> Seat | None:
        seat_id = self._by_token.get(hash_token(token))
        return None if seat_id is None else self._by_id[seat_id]

    def host(self) -> Seat | None:
        return next((s for s in self._by_id.values() if s.role is Role.HOST), None)

    def with_actor(self, actor: str) -> list[Seat]:
        return [s for s in self._by_id.values() if s.actor == actor]

    def has_moderators(self) -> bool:
        return any(s.role is Role.MODERATOR for s in self._by_id.values())

    def actor_for(self, name: str, team: str | None, team_mode: bool,
                  moderators: Collection[str]) -> str:
        """A moderator's actor: the team's (``tim <team>``) in team mode, else the name made
        unique with ``-2``, ``-3`` … (never ``host`` or ``trainer``, never a freed seat's)."""
        if team_mode and team:
            return f"tim {team}"[:40]
        taken = {*moderators, *self.retired, HOST, TRAINER}
        taken.update(s.actor for s in self._by_id.values() if s.actor is not None)
        actor, n = name, 1
        while actor in taken:
            n += 1
            actor = f"{name[:36]}-{n}"
        return actor
