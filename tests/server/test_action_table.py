"""The action table, tested as a table: exactly the documented roles may send each action."""

from __future__ import annotations

import typing
from typing import Any

import pytest

from moderation.actions import ACTION_CLASSES, SEAT_ACTIONS, Role
from moderation.values import fields
from protocol.seat_actions import SEAT_BODIES, WIRE_TYPES, SeatAction
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


def test_every_seat_action_has_a_sample_body_and_staff_roles() -> None:
    assert set(BODIES) == set(SEAT_ACTIONS)
    assert all(cls.roles <= {Role.HOST, Role.MODERATOR} for cls in SEAT_ACTIONS.values())
    # The seat may send exactly the actions whose class says so.
    assert {name for name, cls in ACTION_CLASSES.items() if cls.from_seat} == set(SEAT_ACTIONS)


@pytest.mark.parametrize("action", sorted(SEAT_ACTIONS))
@pytest.mark.parametrize("role", list(Role))
def test_exactly_the_documented_roles_may_send(room: tuple[Harness, dict[Role, Seat]],
                                               action: str, role: Role) -> None:
    h, seats = room
    answer = h.act(seats[role], role.value, type=action, **BODIES[action])
    if role in SEAT_ACTIONS[action].roles:
        assert answer["type"] == "ack", answer  # accepted, or refused by the room's rules
    else:
        assert answer["type"] == "error" and answer["code"] == "unauthorised", answer


@pytest.mark.parametrize("name", sorted(SEAT_ACTIONS))
def test_each_model_has_the_fields_of_its_action(name: str) -> None:
    model = _model(name)
    assert set(model.model_fields) - {"type"} == set(fields(ACTION_CLASSES[name])) - {"t",
                                                                                        "actor"}
    # Each field has a wire type: a new field name needs a row in WIRE_TYPES.
    assert set(model.model_fields) - {"type"} <= set(WIRE_TYPES)


@pytest.mark.parametrize("name", sorted(SEAT_ACTIONS))
def test_a_sample_body_becomes_the_engine_action(name: str) -> None:
    body = _model(name).model_validate({"type": name, **BODIES[name]})
    action = body.to_action(7, "host")
    assert type(action) is ACTION_CLASSES[name]
    assert (action.t, action.actor) == (7, "host")
    for field, value in BODIES[name].items():
        assert getattr(action, field) == value


def _model(name: str) -> type[SeatAction]:
    for model in SEAT_BODIES:
        if typing.get_args(model.model_fields["type"].annotation) == (name,):
            return model
    raise AssertionError(f"no model for {name}")
