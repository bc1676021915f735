"""A participant's seat in a drill room, and which view each role receives."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .protocol import Role

__all__ = ["Seat", "hash_token", "view_of"]


def hash_token(token: str) -> str:
    """Tokens are stored hashed: the data folder never holds a usable token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def view_of(role: Role) -> str:
    """The view a role receives."""
    if role is Role.TRAINER:
        return "trainer"
    return "observer" if role is Role.OBSERVER else "staff"


@dataclass(slots=True)
class Seat:
    """A participant's place in the room; it survives disconnects (the token resumes it)."""

    id: str
    token_hash: str
    role: Role
    name: str
    team: str | None
    actor: str | None
    lang: str = "id"
    online: int = 0
    actions: int = 0
    rejected: int = 0
    last_action: str | None = None
    last_t: int | None = None

    @property
    def view(self) -> str:
        return view_of(self.role)
