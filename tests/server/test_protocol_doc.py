"""docs/protocol.md documents every message, error code and field a client needs."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

from server import protocol
from server.protocol import SEAT_ACTIONS, ErrorCode

DOC = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text(encoding="utf-8")


def _models(union: object) -> list[Any]:
    args = typing.get_args(union)
    inner = typing.get_args(args[0]) if args else ()
    return list(inner)


def test_every_message_type_is_documented() -> None:
    for union in (protocol.ClientMessage, protocol.ServerMessage):
        for model in _models(union):
            kind = typing.get_args(model.model_fields["type"].annotation)[0]
            assert f"`{kind}`" in DOC, kind
            for name in model.model_fields:
                assert f"`{name}`" in DOC or name in ("v", "type"), (kind, name)


def test_every_error_code_and_seat_action_is_documented() -> None:
    for code in ErrorCode:
        assert f"| `{code.value}` |" in DOC, code
    for action in SEAT_ACTIONS:
        assert f"`{action}`" in DOC, action


def test_room_event_kinds_are_documented() -> None:
    kinds = typing.get_args(protocol.RoomOut.model_fields["kind"].annotation)
    for kind in kinds:
        assert f"`{kind}`" in DOC, kind
