"""The action table, tested as a table: exactly the documented roles may send each action."""

from __future__ import annotations

import typing
from typing import Any

import pytest

from moderation.values import fields
from server.roles import Role
from server.seat_actions import ACTION_CLASSES, ACTION_ROLES, SeatAction
from server.seats import Seat

from .harness import KEY, Harness

#: A well-formed body of every action (the ids need not exist: roles are checked first).
BODIES: dict[str, dict[str, Any]] = {
    "delete": {"comment": "c1"}, "mute": {"viewer": "v1", "duration": 5},
    "unmute": {"viewer": "v1"}, "block": {"viewer": "v1"}, "unblock": {"viewer": "v1"},
    "report": {"comment": "c1", "reason": "spam"}, "pin": {"comment": "c1"}, "unpin": {},
    "comments": {"enabled": False}, "filter_add": {"keyword": "judi"},
    "filter_remove": {"keyword": "judi"}, "guest_accept": {"request": "r1"},
    "guest_decline": {"request": "r1"}, "guest_remove": {"viewer": "v1"},
    "answer": {"comment": "c1", "text": "Betul, Bu."}, "thank": {"target": "g1"},
    "welcome": {"viewer": "v1"}, "talk": {"duration": 5000}, "undo": {},
}


@pytest.fixture(scope="module")
def room() -> tuple[Harness, dict[Role, Seat]]:
    h = Harness()
    seats = {Role.TRAINER: h.join("trainer", role="trainer", key=KEY),
             Role.HOST: h.join("host", role="host"), Role.MODERATOR: h.join("mod", name="Ani"),
             Role.OBSERVER: h.join("obs", role="observer")}
    h.control(seats[Role.TRAINER], "start")
    h.run(2_000, step=1000)
    return h, seats


def test_every_action_has_a_body_and_roles() -> None:
    assert set(BODIES) == set(ACTION_ROLES) == set(ACTION_CLASSES)
    assert all(roles <= {Role.HOST, Role.MODERATOR} for roles in ACTION_ROLES.values())


@pytest.mark.parametrize("action", sorted(ACTION_ROLES))
@pytest.mark.parametrize("role", list(Role))
def test_exactly_the_documented_roles_may_send(room: tuple[Harness, dict[Role, Seat]],
                                               action: str, role: Role) -> None:
    h, seats = room
    answer = h.act(seats[role], role.value, type=action, **BODIES[action])
    if role in ACTION_ROLES[action]:
        assert answer["type"] == "ack", answer  # accepted, or refused by the room's rules
    else:
        assert answer["type"] == "error" and answer["code"] == "unauthorised", answer


@pytest.mark.parametrize("name", sorted(ACTION_CLASSES))
def test_each_model_has_the_fields_of_its_action(name: str) -> None:
    model = _model(name)
    assert set(model.model_fields) - {"type"} == set(fields(ACTION_CLASSES[name])) - {"t",
                                                                                        "actor"}


def _model(name: str) -> type[SeatAction]:
    for model in SeatAction.__subclasses__():
        if typing.get_args(model.model_fields["type"].annotation) == (name,):
            return model
    raise AssertionError(f"no model for {name}")
