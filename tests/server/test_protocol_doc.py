"""docs/protocol.md documents every message, action, event, field and error a client meets."""

from __future__ import annotations

import re
import typing

from moderation.actions import SEAT_ACTIONS
from moderation.values import fields
from protocol import outbound
from protocol.inbound import CLIENT_MESSAGES, ErrorCode
from server import protocol_doc

DOC = protocol_doc.DOC.read_text(encoding="utf-8")


def test_the_reference_is_generated_from_the_classes() -> None:
    """Regenerate the reference part and compare (fix: python -m server.protocol_doc --write)."""
    assert DOC.count(protocol_doc.BEGIN) == 1 and DOC.count(protocol_doc.END) == 1
    assert protocol_doc.splice(DOC, protocol_doc.render()) == DOC


def _reference() -> str:
    return DOC[DOC.index(protocol_doc.BEGIN):]


def test_every_message_and_field_is_in_the_reference() -> None:
    reference = _reference()
    for model in (*CLIENT_MESSAGES, *outbound.SERVER_MESSAGES):
        kind = typing.get_args(model.model_fields["type"].annotation)[0]
        assert f"#### `{kind}`" in reference, kind
        for name in model.model_fields:
            assert f"| `{name}` |" in reference or name in ("v", "type", "id"), (kind, name)


def test_each_action_row_names_exactly_its_roles() -> None:
    for action, cls in SEAT_ACTIONS.items():
        row = next(line for line in _reference().splitlines()
                   if line.startswith(f"| `{action}` |"))
        assert row.split(" | ")[2] == ", ".join(sorted(r.value for r in cls.roles)), row


def test_every_event_error_and_room_kind_is_documented() -> None:
    reference = _reference()
    for event in protocol_doc.event_classes():
        row = next(line for line in reference.splitlines()
                   if line.startswith(f"| `{event.type}` |"))
        for name in fields(event):
            assert name == "t" or f"`{name}`" in row, (event.type, name)
    for code in ErrorCode:
        assert f"| `{code.value}` |" in reference, code
    for kind in outbound.ROOM_DATA:
        assert f"| `{kind}` |" in reference and f"`{kind}`" in DOC[:DOC.index("## Reference")]


def test_the_prose_links_to_headings_that_exist() -> None:
    anchors = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-")
               for h in re.findall(r"^#+ (.+)$", DOC, flags=re.M)}
    for link in re.findall(r"\]\(#([^)]+)\)", DOC):
        assert link in anchors, link
