"""The drill protocol: every message between a browser seat and the server.

Messages are JSON objects with a ``type`` and the protocol version ``v``.
Client messages are validated by the pydantic models below (unknown fields are
refused, so a typo is an error rather than silently ignored). Server messages
are built as plain dicts on the hot path (fan-out) and have pydantic models too,
which the tests and ``docs/protocol.md`` use as the reference.

:func:`decode` never raises for bad input: it returns a :class:`ProtocolError`
carrying a typed :class:`ErrorCode` that the server sends back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from scenarios.taxonomy import InjectKind

__all__ = [
    "MAX_MESSAGE_BYTES",
    "PROTOCOL_VERSION",
    "SEAT_ACTIONS",
    "ClientMessage",
    "ErrorCode",
    "ProtocolError",
    "Role",
    "decode",
    "encode",
    "error",
]

PROTOCOL_VERSION = 1
#: Largest client message the protocol accepts, in bytes of UTF-8. Larger ones
#: get a ``too_big`` error; the websocket layer closes only far beyond this.
MAX_MESSAGE_BYTES = 16 * 1024

#: Moderation action types a seat may send (the server adds ``t`` and ``actor``).
SEAT_ACTIONS: frozenset[str] = frozenset({
    "mute", "unmute", "block", "unblock", "delete", "report", "pin", "unpin", "comments",
    "filter_add", "filter_remove", "guest_accept", "guest_decline", "guest_remove",
    "answer", "thank", "welcome", "talk",
})


class Role(StrEnum):
    """Who a connection is; it decides what the connection may see and do."""

    TRAINER = "trainer"
    HOST = "host"
    MODERATOR = "moderator"
    OBSERVER = "observer"


class ErrorCode(StrEnum):
    """Typed errors; each has a translated message under ``serve.error.<code>``."""

    BAD_JSON = "bad_json"
    TOO_BIG = "too_big"
    BAD_VERSION = "bad_version"
    UNKNOWN_TYPE = "unknown_type"
    INVALID = "invalid"
    NOT_JOINED = "not_joined"
    ALREADY_JOINED = "already_joined"
    ROOM_NOT_FOUND = "room_not_found"
    UNAUTHORISED = "unauthorised"
    BAD_TOKEN = "bad_token"
    ROOM_FULL = "room_full"
    HOST_TAKEN = "host_taken"
    RATE_LIMITED = "rate_limited"
    BAD_STATE = "bad_state"
    BINARY = "binary"


@dataclass(frozen=True, slots=True)
class ProtocolError:
    """A client message that cannot be used, and why."""

    code: ErrorCode
    detail: str = ""
    id: int | None = None


class _Client(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1]
    id: Annotated[int, Field(ge=0, le=2**53)] | None = None


Name = Annotated[str, Field(min_length=1, max_length=40)]


class Hello(_Client):
    """First message of every connection: join a room, or resume a seat with ``token``."""

    type: Literal["hello"]
    room: Annotated[str, Field(min_length=1, max_length=12)]
    role: Role = Role.MODERATOR
    name: Name | None = None
    team: Name | None = None
    key: Annotated[str, Field(max_length=100)] | None = None
    token: Annotated[str, Field(max_length=100)] | None = None
    last_seq: Annotated[int, Field(ge=0)] | None = None
    lang: Literal["id", "en"] = "id"


class ActionMsg(_Client):
    """A moderation or hosting action, in the JSON form of ``moderation.actions`` without
    ``t`` and ``actor`` (the server stamps both)."""

    type: Literal["action"]
    action: dict[str, Any]


class Control(_Client):
    """Trainer only: drive the room."""

    type: Literal["control"]
    command: Literal["start", "pause", "resume", "reset", "end"]


class InjectMsg(_Client):
    """Trainer only: fire a happening now."""

    type: Literal["inject"]
    kind: InjectKind
    count: Annotated[int, Field(ge=1, le=50)] = 5
    over_s: Annotated[int, Field(ge=1, le=300)] = 20
    role: Literal["midwife", "village_head"] | None = None
    troll: bool = False


class Settings(_Client):
    """Trainer only: room settings (leaderboard visibility; team mode before the start)."""

    type: Literal["settings"]
    leaderboard: bool | None = None
    team_mode: bool | None = None


class Note(_Client):
    """Trainer only: a message shown on every seat."""

    type: Literal["note"]
    text: Annotated[str, Field(min_length=1, max_length=500)]


class Export(_Client):
    """Trainer only: ask for the results as CSV or the session file(s)."""

    type: Literal["export"]
    format: Literal["csv", "session"]


class Ping(_Client):
    """Application heartbeat (browsers do not send websocket pings)."""

    type: Literal["ping"]


ClientMessage = Annotated[
    Hello | ActionMsg | Control | InjectMsg | Settings | Note | Export | Ping,
    Field(discriminator="type"),
]
_CLIENT: TypeAdapter[Any] = TypeAdapter(ClientMessage)
_TYPES = frozenset({"hello", "action", "control", "inject", "settings", "note", "export", "ping"})


def decode(raw: str | bytes) -> Hello | ActionMsg | Control | InjectMsg | Settings | Note \
        | Export | Ping | ProtocolError:
    """Decode one client message; return the message or a typed error. Never raises."""
    if isinstance(raw, bytes | bytearray | memoryview):
        return ProtocolError(ErrorCode.BINARY)
    if len(raw) > MAX_MESSAGE_BYTES or len(raw.encode("utf-8", "replace")) > MAX_MESSAGE_BYTES:
        return ProtocolError(ErrorCode.TOO_BIG, f"limit {MAX_MESSAGE_BYTES} bytes")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        return ProtocolError(ErrorCode.BAD_JSON, str(exc)[:200])
    if not isinstance(data, dict):
        return ProtocolError(ErrorCode.INVALID, "a message is a JSON object")
    raw_id = data.get("id")
    msg_id = raw_id if isinstance(raw_id, int) and not isinstance(raw_id, bool) \
        and 0 <= raw_id <= 2**53 else None
    if data.get("v") != PROTOCOL_VERSION:
        return ProtocolError(ErrorCode.BAD_VERSION, f"expected v={PROTOCOL_VERSION}", msg_id)
    if data.get("type") not in _TYPES:
        return ProtocolError(ErrorCode.UNKNOWN_TYPE, str(data.get("type"))[:60], msg_id)
    try:
        return _CLIENT.validate_python(data)  # type: ignore[no-any-return]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return ProtocolError(ErrorCode.INVALID, f"{where}: {first['msg']}"[:200], msg_id)
    except RecursionError:
        return ProtocolError(ErrorCode.INVALID, "too deeply nested", msg_id)


def encode(message: dict[str, Any]) -> str:
    """Encode a server message (adds the version)."""
    message.setdefault("v", PROTOCOL_VERSION)
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


def error(code: ErrorCode, message: str, msg_id: int | None = None,
          detail: str = "") -> dict[str, Any]:
    """A typed error message for the client."""
    return {"type": "error", "v": PROTOCOL_VERSION, "code": code.value, "message": message,
            "detail": detail, "id": msg_id}


# ---------------------------------------------------------------- server messages
# Reference models of what the server sends; the tests validate real traffic against them.


class _Server(BaseModel):
    model_config = ConfigDict(extra="forbid")

    v: Literal[1]


class WelcomeOut(_Server):
    type: Literal["welcome"]
    room: str
    seat: str
    token: str
    role: Role
    name: str
    actor: str | None
    team: str | None
    epoch: int
    seq: int
    resumed: bool
    replay: int
    state: dict[str, Any]
    snapshot: dict[str, Any]


class EventOut(_Server):
    type: Literal["event"]
    seq: int
    epoch: int
    t: int
    event: dict[str, Any]
    replay: bool = False


class RoomOut(_Server):
    type: Literal["room"]
    seq: int
    epoch: int
    t: int
    kind: Literal["joined", "started", "paused", "resumed", "reset", "ended", "settings",
                  "note", "restored"]
    data: dict[str, Any]
    replay: bool = False


class AckOut(_Server):
    type: Literal["ack"]
    id: int | None
    accepted: bool
    code: str | None
    hint: str | None


class ErrorOut(_Server):
    type: Literal["error"]
    code: ErrorCode
    message: str
    detail: str
    id: int | None


class PongOut(_Server):
    type: Literal["pong"]
    id: int | None
    t: int


class SeatsOut(_Server):
    type: Literal["seats"]
    seats: list[dict[str, Any]]


class LeaderboardOut(_Server):
    type: Literal["leaderboard"]
    visible: bool
    rows: list[dict[str, Any]]


class DebriefOut(_Server):
    type: Literal["debrief"]
    scorecard: dict[str, Any]
    you: dict[str, Any] | None
    leaderboard: list[dict[str, Any]]
    truth: dict[str, Any]


class ExportOut(_Server):
    type: Literal["export"]
    id: int | None
    format: Literal["csv", "session"]
    filename: str
    content: str


ServerMessage = Annotated[
    WelcomeOut | EventOut | RoomOut | AckOut | ErrorOut | PongOut | SeatsOut | LeaderboardOut
    | DebriefOut | ExportOut,
    Field(discriminator="type"),
]
SERVER_MESSAGE: TypeAdapter[Any] = TypeAdapter(ServerMessage)
