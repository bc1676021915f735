"""The training-day overview's messages, on their own endpoint ``ws://HOST:PORT/ws/day``.

The overview is the organiser's console for every room of one server (or of a
cluster of workers sharing Redis): make rooms, drive them one by one or all at
once, see each at a glance, and fetch the day's results. It is not a seat in
any room, so it speaks its own small set of messages; the frame rules (text,
size, version 1 or 2, well-formed strings, ``id``) are those of :mod:`protocol.inbound`
and the answers ``error`` and ``pong`` are the drill protocol's. Documented in
``docs/protocol.md`` ("Training day"), its reference generated from these classes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from i18n import Lang
from protocol.inbound import (
    MAX_ID,
    VERSIONS,
    Command,
    ErrorCode,
    ProtocolError,
    message_id,
    parse_frame,
)
from protocol.outbound import Outbound, ScenarioRef
from protocol.status import Status
from protocol.text import Name, RoomCode, Secret

__all__ = [
    "DAY_CLIENT_MESSAGES",
    "DAY_SERVER_MESSAGES",
    "DAY_SERVER_MESSAGE",
    "DayControl",
    "DayControlled",
    "DayCreate",
    "DayCreated",
    "DayExport",
    "DayFile",
    "DayFormat",
    "DayHello",
    "DayPing",
    "DayRoom",
    "DayRooms",
    "DayWelcome",
    "decode_day",
]

#: Rooms one server (or one cluster) holds at most: twenty groups of thirty fit with room.
MAX_ROOMS = 60


class DayFormat(StrEnum):
    """What ``day_export`` fetches."""

    #: A zip: the combined CSV, each room's CSV and session file, the day report.
    ZIP = "zip"
    #: The combined CSV alone (one row per seat of every room).
    CSV = "csv"
    #: The day report alone (HTML comparing the groups).
    REPORT = "report"


class _DayClient(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    v: Literal[1, 2]
    id: Annotated[int, Field(ge=0, le=MAX_ID)] | None = None


class DayHello(_DayClient):
    """First message: open the overview with the organiser's key (printed by ``gladi serve``)."""

    type: Literal["day_hello"]
    key: Secret
    lang: Annotated[Lang, Field(strict=False)] = Lang.ID


class DayCreate(_DayClient):
    """Make a room: its scenario (a built-in id, or the scenario ``gladi serve`` was given),
    the group's name, team mode and the language its join link opens in."""

    type: Literal["day_create"]
    scenario: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
    name: Name | None = None
    team_mode: bool = False
    lang: Annotated[Lang, Field(strict=False)] = Lang.ID
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 1


class DayControl(_DayClient):
    """Give a trainer's command to the rooms named (or to every room when ``rooms`` is null);
    rooms whose state does not fit the command are skipped."""

    type: Literal["day_control"]
    command: Annotated[Command, Field(strict=False)]
    rooms: Annotated[list[RoomCode], Field(max_length=MAX_ROOMS)] | None = None


class DayExport(_DayClient):
    """Ask for the day's results; the answer names a one-time download address."""

    type: Literal["day_export"]
    format: Annotated[DayFormat, Field(strict=False)]


class DayPing(_DayClient):
    """Heartbeat, as in the drill protocol."""

    type: Literal["ping"]


#: Every overview client message, in the order ``docs/protocol.md`` lists them.
DAY_CLIENT_MESSAGES: tuple[type[_DayClient], ...] = (
    DayHello, DayCreate, DayControl, DayExport, DayPing)
_DAY_CLIENT: TypeAdapter[DayHello | DayCreate | DayControl | DayExport | DayPing] = TypeAdapter(
    Annotated[DayHello | DayCreate | DayControl | DayExport | DayPing,
              Field(discriminator="type")])
_DAY_TYPES = frozenset({"day_hello", "day_create", "day_control", "day_export", "ping"})


def decode_day(raw: str | bytes) -> DayHello | DayCreate | DayControl | DayExport | DayPing \
        | ProtocolError:
    """Decode one overview message; the message or a typed error. Never raises."""
    data = parse_frame(raw, _DAY_TYPES, VERSIONS)
    if isinstance(data, ProtocolError):
        return data
    try:
        return _DAY_CLIENT.validate_python(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        return ProtocolError(ErrorCode.INVALID, f"{where}: {first['msg']}"[:200],
                             message_id(data))
    except RecursionError:
        return ProtocolError(ErrorCode.INVALID, "too deeply nested", message_id(data))


# ---------------------------------------------------------------- server → overview


class DayRoom(BaseModel):
    """One room at a glance. Its join page is ``/?room=<code>&lang=<lang>``, its QR code
    ``/qr/<code>.svg`` and its full console ``/trainer?room=<code>#key=<trainer_key>``."""

    model_config = ConfigDict(extra="forbid")

    code: str
    name: str
    scenario: ScenarioRef
    lang: Lang
    trainer_key: str
    status: Status
    epoch: int
    t: int
    duration_ms: int
    team_mode: bool
    #: Seats taken (host, moderators, observers; not the trainer).
    seats: int
    #: Seats with a connection open.
    online: int
    #: Harmful comments the viewers can see now.
    harm: int
    #: The room's score so far (as if the drill ended now; the final one once ended).
    score: float | None
    passed: bool | None
    #: The worker holding the room (Redis mode), else null.
    worker: str | None = None


class DayWelcome(Outbound):
    type: Literal["day_welcome"] = "day_welcome"
    rooms: list[DayRoom]
    scenarios: list[ScenarioRef]
    #: The address phones use to join (the QR codes hold it), e.g. ``http://192.168.1.5:8765``.
    join_base: str | None


class DayRooms(Outbound):
    """Every room now; sent every 2 s while something changed."""

    type: Literal["day_rooms"] = "day_rooms"
    rooms: list[DayRoom]


class DayCreated(Outbound):
    type: Literal["day_created"] = "day_created"
    id: int | None
    room: DayRoom


class DayControlled(Outbound):
    type: Literal["day_controlled"] = "day_controlled"
    id: int | None
    command: Command
    #: Rooms that took the command.
    done: list[str]
    #: Rooms whose state did not fit it (or that are held by a worker that did not answer).
    skipped: list[str]


class DayFile(Outbound):
    type: Literal["day_file"] = "day_file"
    id: int | None
    format: DayFormat
    filename: str
    #: A one-time address (valid 60 s) to download the file from, e.g. ``/day/file/…``.
    url: str


#: Every server message of the overview, in the order ``docs/protocol.md`` lists them.
DAY_SERVER_MESSAGES: tuple[type[Outbound], ...] = (
    DayWelcome, DayRooms, DayCreated, DayControlled, DayFile)
DAY_SERVER_MESSAGE: TypeAdapter[Any] = TypeAdapter(Annotated[
    DayWelcome | DayRooms | DayCreated | DayControlled | DayFile, Field(discriminator="type")])
