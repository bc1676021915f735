"""Who a connection is (its role) and what it receives (its view)."""

from __future__ import annotations

from enum import StrEnum

from moderation.actions import Role

__all__ = ["Role", "View", "view_of"]


class View(StrEnum):
    """A numbered stream of room changes; each role receives one."""

    #: Every event with its ground truth, every rejection.
    TRAINER = "trainer"
    #: Host and moderators: public events, filtered comments included (greyed).
    STAFF = "staff"
    #: Observers: public events without filtered comments.
    OBSERVER = "observer"


def view_of(role: Role) -> View:
    """The view a role receives."""
    if role is Role.TRAINER:
        return View.TRAINER
    return View.OBSERVER if role is Role.OBSERVER else View.STAFF
