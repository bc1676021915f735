"""Seat actions on the wire: one pydantic adapter over the engine's own action classes.

A seat sends an action as the JSON form of :mod:`moderation.actions` without
``t`` and ``actor`` (the server stamps both). The wire form of each action is
derived here from its class — its fields, their defaults, whether they may be
null — so there is no second list of actions to keep in step. What the wire adds
is strictness: each field's type by its name (:data:`WIRE_TYPES`: ``"5"`` is not a
number, ``1`` is not ``true``, strings follow :mod:`protocol.text`), so a malformed
action gets a typed ``invalid`` error and never reaches the room. Who may send each
action is its class's ``roles``; the role check comes before the engine sees it.

``docs/protocol.md`` has the table generated from these models
(:mod:`server.protocol_doc`).
"""

from __future__ import annotations

import functools
import operator
import typing
from typing import Annotated, Any, Literal, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    TypeAdapter,
    create_model,
)
from pydantic_core import CoreSchema

from moderation.actions import SEAT_ACTIONS, AnyAction
from moderation.values import to_json
from protocol.text import Ident, Keyword, Phrase
from scenarios.taxonomy import ReportReason

__all__ = ["ActionBody", "SEAT_BODIES", "SeatAction", "WIRE_TYPES", "body_of"]

#: Mute durations and talk lengths above this are refused as malformed (seconds or ms).
_MAX_DURATION = 2**31 - 1
Duration = Annotated[int, Field(ge=0, le=_MAX_DURATION)]

#: The wire type of an action field, by the field's name. A new action whose field is
#: not named here fails ``tests/server/test_action_table.py`` until it is.
WIRE_TYPES: dict[str, Any] = {
    "comment": Ident,
    "viewer": Ident,
    "request": Ident,
    "target": Ident,
    "keyword": Keyword,
    "text": Phrase,
    "duration": Duration,
    "enabled": bool,
    "reason": Annotated[ReportReason, Field(strict=False)],
}


class SeatAction(BaseModel):
    """Base of the action models: strict types, no unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    type: str

    def to_action(self, t: int, actor: str) -> AnyAction:
        """The engine's action, stamped with the room time and the seat's actor."""
        fields = {name: getattr(self, name) for name in type(self).model_fields
                  if name != "type"}
        return SEAT_ACTIONS[self.type](t=t, actor=actor, **fields)


def _body(cls: type[AnyAction]) -> type[SeatAction]:
    """The wire model of ``cls``: its fields but ``t`` and ``actor``, typed for the wire."""
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {"type": (cast(Any, Literal)[cls.type], ...)}
    for name in cls._fields:
        if name in ("t", "actor"):
            continue
        wire = WIRE_TYPES[name]
        if type(None) in typing.get_args(hints[name]):
            wire = wire | None
        fields[name] = (wire, cls._defaults.get(name, ...))
    return create_model(f"{cls.__name__}Body", __base__=SeatAction, __doc__=cls.__doc__,
                        __module__=__name__, **fields)


#: The wire model of every action a seat may send, in the order of ``AnyAction``.
SEAT_BODIES: tuple[type[SeatAction], ...] = tuple(_body(cls) for cls in SEAT_ACTIONS.values())

_UNION: Any = Annotated[functools.reduce(operator.or_, SEAT_BODIES),
                        Field(discriminator="type")]


class _Tagged:
    """Validates a seat action as the tagged union of :data:`SEAT_BODIES`."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: object,
                                     handler: GetCoreSchemaHandler) -> CoreSchema:
        return handler.generate_schema(_UNION)


#: The ``action`` of an ``action`` message: one of :data:`SEAT_BODIES`, by its ``type``.
ActionBody = Annotated[SeatAction, _Tagged]

_ADAPTER: TypeAdapter[SeatAction] = TypeAdapter(ActionBody)


def body_of(action: AnyAction) -> SeatAction:
    """What a client sends for ``action``: its wire form, ``t`` and ``actor`` left out.

    Raises:
        pydantic.ValidationError: not a seat action, or a field the wire refuses.
    """
    data = {k: v for k, v in to_json(action).items() if k not in ("t", "actor")}
    return _ADAPTER.validate_python(data)
