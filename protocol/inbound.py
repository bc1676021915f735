"""The drill protocol, client side: every message a client sends, and how it is decoded.

Messages are JSON objects with a ``type`` and the protocol version ``v``.
Client messages are validated by the pydantic models below: strict about
types (``"5"`` is not a number, ``1`` is not ``true``), strict about strings
(:mod:`protocol.text`: well-formed Unicode, no control characters, trimmed
names), and unknown fields are refused, so a typo is an error rather than
silently ignored. What the server sends is in :mod:`protocol.outbound`; both are
documented in ``docs/protocol.md``.

:func:`decode` never raises for bad input: it returns a :class:`ProtocolError`
carrying a typed :class:`ErrorCode` that the server sends back.

Version 2 adds the host's camera: the ``media.*`` signalling messages (WebRTC
offer, answer, ICE candidates, state), which :mod:`server.app` hands to the
room's :class:`server.video.room_video.RoomVideo` rather than to the room. A
connection speaks the version its ``hello`` names; version-1 clients keep
working, without video.
"""

from __future__ import annotations

import json
import typing
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from i18n import Lang
from protocol.roles import Role
from protocol.seat_actions import ActionBody
from protocol.text import ClientRef, Ident, Name, NoteText, RoomCode, Secret, first_bad_string
from scenarios.taxonomy import InjectKind

__all__ = [
    "CLIENT_MESSAGES",
    "ERROR_MEANINGS",
    "MAX_MESSAGE_BYTES",
    "PROTOCOL_VERSION",
    "ActionMsg",
    "ClientMessage",
    "Command",
    "Control",
    "ErrorCode",
    "Export",
    "FreeSeat",
    "Hello",
    "InjectMsg",
    "MEDIA_MESSAGES",
    "MEDIA_TYPES",
    "MEDIA_VERSION",
    "MediaCandidate",
    "MediaMessage",
    "MediaOffer",
    "MediaStateIn",
    "Note",
    "Ping",
    "ProtocolError",
    "Purpose",
    "RejoinMsg",
    "SettingsMsg",
    "VERSIONS",
    "decode",
    "message_id",
    "parse_frame",
]

#: The newest protocol version; a client may speak any of :data:`VERSIONS`.
PROTOCOL_VERSION = 2
VERSIONS = (1, 2)
#: The version that carries the host's camera (the ``media.*`` messages).
MEDIA_VERSION = 2
#: Longest SDP accepted. Browsers' offers for one audio and one video line are
#: 3-7 kB, well under the message limit.
MAX_SDP_CHARS = 12_000
MAX_CANDIDATE_CHARS = 512
#: Largest client message the protocol accepts, in bytes of UTF-8. Larger ones
#: get a ``too_big`` error; the websocket layer closes only far beyond this.
MAX_MESSAGE_BYTES = 16 * 1024
#: Largest message id (JavaScript's largest exact integer).
MAX_ID = 2**53


class ErrorCode(StrEnum):
    """Typed errors; each has a translated message under ``serve.error.<code>``."""

    BAD_JSON = "bad_json"
    TOO_BIG = "too_big"
    BINARY = "binary"
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
    UNKNOWN_SEAT = "unknown_seat"
    NOT_SAVED = "not_saved"
    UNKNOWN_REQUEST = "unknown_request"
    # The host's camera (version 2): raised as server.video.errors.MediaError.
    BAD_SDP = "bad_sdp"
    SDP_TOO_BIG = "sdp_too_big"
    NO_CODEC = "no_codec"
    BAD_CANDIDATE = "bad_candidate"
    NO_PEER = "no_peer"
    NOT_HOST = "not_host"
    PUBLISHER_TAKEN = "publisher_taken"
    TOO_MANY_PEERS = "too_many_peers"
    CLOSED = "closed"


#: What each error means, for ``docs/protocol.md``.
ERROR_MEANINGS: dict[ErrorCode, str] = {
    ErrorCode.BAD_JSON: "not JSON",
    ErrorCode.TOO_BIG: "over 16 KiB",
    ErrorCode.BINARY: "a binary frame",
    ErrorCode.BAD_VERSION: "`v` is not the number 1 or 2; or a `media.*` message with `v` 1 "
                           "or on a connection whose `hello` had `v` 1",
    ErrorCode.UNKNOWN_TYPE: "no such message type",
    ErrorCode.INVALID: "a field is missing, unknown, of the wrong type or out of range, or a "
                       "string breaks the text rules (`detail` names the field)",
    ErrorCode.NOT_JOINED: "send `hello` first",
    ErrorCode.ALREADY_JOINED: "a second `hello` on a joined connection",
    ErrorCode.ROOM_NOT_FOUND: "wrong join code",
    ErrorCode.UNAUTHORISED: "wrong trainer key, or the role may not send this message or "
                            "action",
    ErrorCode.BAD_TOKEN: "the resume token is unknown (or its seat was freed): join again",
    ErrorCode.ROOM_FULL: "100 moderator actors already (`settings.max_moderators` in a drill); "
                         "use team mode",
    ErrorCode.HOST_TAKEN: "the room has a host (the trainer can free the seat)",
    ErrorCode.RATE_LIMITED: "too many messages",
    ErrorCode.BAD_STATE: "not possible in the room's status (or a `hello` while this "
                         "connection's earlier `hello` waits for the trainer)",
    ErrorCode.UNKNOWN_SEAT: "`free_seat` names no seat of the room",
    ErrorCode.NOT_SAVED: "the server could not write the message to its journal; nothing "
                         "changed, try again",
    ErrorCode.UNKNOWN_REQUEST: "`rejoin` names no waiting request (the participant left, or "
                               "another console decided already)",
    ErrorCode.BAD_SDP: "`media.offer`: the SDP cannot be parsed or used (no audio or video "
                       "line going the way `purpose` needs, no ICE or DTLS lines)",
    ErrorCode.SDP_TOO_BIG: f"`media.offer`: the SDP is over {MAX_SDP_CHARS} characters",
    ErrorCode.NO_CODEC: "`media.offer`: no codec the server sends or reads (it sends VP8 and "
                        "Opus; it reads VP8, H.264 and Opus)",
    ErrorCode.BAD_CANDIDATE: "`media.candidate`: not an ICE candidate line, or one that cannot "
                             "be used",
    ErrorCode.NO_PEER: "`media.candidate` or `media.state` for a peer this seat does not have "
                       "(offer first)",
    ErrorCode.NOT_HOST: "`purpose` `publish` from a seat that is not the host",
    ErrorCode.PUBLISHER_TAKEN: "another connection is publishing the host's camera",
    ErrorCode.TOO_MANY_PEERS: "the room has 120 video peers already; the drill goes on without "
                              "video",
    ErrorCode.CLOSED: "the server is shutting the room's video down",
}


class Command(StrEnum):
    """What the trainer's ``control`` does."""

    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    END = "end"
    RESET = "reset"


@dataclass(frozen=True, slots=True)
class ProtocolError:
    """A client message that cannot be used, and why."""

    code: ErrorCode
    detail: str = ""
    id: int | None = None


class _Client(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    v: Literal[1, 2]
    id: Annotated[int, Field(ge=0, le=MAX_ID)] | None = None


class Hello(_Client):
    """First message of every connection: join a room, or resume a seat with ``token``. Its
    ``v`` is the version the connection speaks: 2 to see and send the host's camera."""

    type: Literal["hello"]
    room: RoomCode
    role: Annotated[Role, Field(strict=False)] = Role.MODERATOR
    name: Name | None = None
    team: Name | None = None
    key: Secret | None = None
    token: Secret | None = None
    last_seq: Annotated[int, Field(ge=0, le=MAX_ID)] | None = None
    lang: Annotated[Lang, Field(strict=False)] = Lang.ID


class ActionMsg(_Client):
    """A moderation or hosting action, in the JSON form of ``moderation.actions`` without
    ``t`` and ``actor`` (the server stamps both). `cid`: an id the client chose for this
    action, the same every time it sends it again (after a dropped connection or a reload);
    the room applies a seat's `cid` once and answers a repeat with the first answer."""

    type: Literal["action"]
    action: ActionBody
    cid: ClientRef | None = None


class Control(_Client):
    """Trainer only: drive the room."""

    type: Literal["control"]
    command: Annotated[Command, Field(strict=False)]


class InjectMsg(_Client):
    """Trainer only: fire a happening now."""

    type: Literal["inject"]
    kind: Annotated[InjectKind, Field(strict=False)]
    count: Annotated[int, Field(ge=1, le=50)] = 5
    over_s: Annotated[int, Field(ge=1, le=300)] = 20
    role: Literal["midwife", "village_head"] | None = None
    troll: bool = False


class SettingsMsg(_Client):
    """Trainer only: room settings; a field left out keeps its value."""

    type: Literal["settings"]
    leaderboard: bool | None = None
    team_mode: bool | None = None
    verdicts_live: bool | None = None


class Note(_Client):
    """Trainer only: a message shown on every seat."""

    type: Literal["note"]
    text: NoteText


class Export(_Client):
    """Trainer only: ask for the results as CSV or the session file."""

    type: Literal["export"]
    format: Literal["csv", "session"]


class FreeSeat(_Client):
    """Trainer only: free a seat (the host's too): its token stops working, its place
    (host, moderator) is free again and its connections are closed."""

    type: Literal["free_seat"]
    seat: Ident


class RejoinMsg(_Client):
    """Trainer only: answer a waiting participant who joined again with a seat's name
    (``rejoins``): ``give_seat`` true gives her that seat back (its old token stops
    working), false makes her a new seat as any other ``hello``."""

    type: Literal["rejoin"]
    request: Ident
    give_seat: bool


class Ping(_Client):
    """Application heartbeat (browsers do not send websocket pings)."""

    type: Literal["ping"]


class Purpose(StrEnum):
    """What a media peer connection is for."""

    #: The host's camera and microphone, in.
    PUBLISH = "publish"
    #: The host's picture and voice, out to a seat.
    WATCH = "watch"


class _Media(_Client):
    v: Literal[2]
    purpose: Annotated[Purpose, Field(strict=False)] = Purpose.WATCH


class MediaOffer(_Media):
    """Version 2: a WebRTC offer, to publish the camera (`purpose` `publish`, the host seat
    only) or to watch the host (any seat, the trainer too). Its SDP should hold the ICE
    candidates (or they follow as `media.candidate`). Answer: `media.answer`."""

    type: Literal["media.offer"]
    sdp: Annotated[str, Field(min_length=1, max_length=MAX_SDP_CHARS)]


class MediaCandidate(_Media):
    """Version 2: a trickled ICE candidate of the sender's peer, in the browser's
    `RTCIceCandidate` fields (`candidate` `""`: no more candidates). No answer."""

    type: Literal["media.candidate"]
    candidate: Annotated[str, Field(max_length=MAX_CANDIDATE_CHARS)]
    sdpMid: Annotated[str, Field(max_length=32)] | None = None  # the browser's field names
    sdpMLineIndex: Annotated[int, Field(ge=0, le=15)] | None = None


class MediaStateIn(_Media):
    """Version 2: the sender closes its peer (stops publishing or watching). No answer."""

    type: Literal["media.state"]
    state: Literal["stopped"]


#: The messages the connection layer hands to the room's video rather than to the room.
MediaMessage = MediaOffer | MediaCandidate | MediaStateIn
MEDIA_MESSAGES: tuple[type[_Client], ...] = (MediaOffer, MediaCandidate, MediaStateIn)
MEDIA_TYPES = frozenset({"media.offer", "media.candidate", "media.state"})

#: Every client message model, in the order ``docs/protocol.md`` lists them.
CLIENT_MESSAGES: tuple[type[_Client], ...] = (
    Hello, ActionMsg, Control, InjectMsg, SettingsMsg, Note, Export, FreeSeat, RejoinMsg, Ping,
    *MEDIA_MESSAGES)

ClientMessage = Annotated[
    Hello | ActionMsg | Control | InjectMsg | SettingsMsg | Note | Export | FreeSeat
    | RejoinMsg | Ping | MediaOffer | MediaCandidate | MediaStateIn,
    Field(discriminator="type"),
]
_CLIENT: TypeAdapter[Hello | ActionMsg | Control | InjectMsg | SettingsMsg | Note | Export
                     | FreeSeat | RejoinMsg | Ping | MediaMessage] = TypeAdapter(ClientMessage)
_TYPES = frozenset(typing.get_args(model.model_fields["type"].annotation)[0]
                   for model in CLIENT_MESSAGES)


def decode(raw: str | bytes) -> Hello | ActionMsg | Control | InjectMsg | SettingsMsg | Note \
        | Export | FreeSeat | RejoinMsg | Ping | MediaMessage | ProtocolError:
    """Decode one client message; return the message or a typed error. Never raises."""
    data = parse_frame(raw, _TYPES, VERSIONS)
    if isinstance(data, ProtocolError):
        return data
    problem = media_problem(data)
    if problem is not None:
        return problem
    return _validate(data, message_id(data))


def media_problem(data: dict[str, Any]) -> ProtocolError | None:
    """What a ``media.*`` message is refused for before its fields are validated: a version
    before 2, an SDP over the limit. None for every other message."""
    if data.get("type") not in MEDIA_TYPES:
        return None
    if data.get("v") != MEDIA_VERSION:
        return ProtocolError(ErrorCode.BAD_VERSION, f"media messages need v={MEDIA_VERSION}",
                             message_id(data))
    sdp = data.get("sdp")
    if isinstance(sdp, str) and len(sdp) > MAX_SDP_CHARS:
        return ProtocolError(ErrorCode.SDP_TOO_BIG, f"limit {MAX_SDP_CHARS}", message_id(data))
    return None


def message_id(data: dict[str, Any]) -> int | None:
    """A message's ``id`` if it is a valid one (errors about the message carry it)."""
    raw_id = data.get("id")
    return raw_id if type(raw_id) is int and 0 <= raw_id <= MAX_ID else None


def parse_frame(raw: str | bytes, types: frozenset[str],
                versions: tuple[int, ...] = (1,)) -> dict[str, Any] | ProtocolError:
    """The checks every client frame passes before its fields are validated: text, size,
    JSON object, well-formed strings, a version among ``versions``, and a ``type`` among
    ``types``."""
    if not isinstance(raw, str):
        return ProtocolError(ErrorCode.BINARY)
    if len(raw) > MAX_MESSAGE_BYTES or len(raw.encode("utf-8", "replace")) > MAX_MESSAGE_BYTES:
        return ProtocolError(ErrorCode.TOO_BIG, f"limit {MAX_MESSAGE_BYTES} bytes")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        return ProtocolError(ErrorCode.BAD_JSON, str(exc)[:200])
    if not isinstance(data, dict):
        return ProtocolError(ErrorCode.INVALID, "a message is a JSON object")
    msg_id = message_id(data)
    bad = first_bad_string(data)
    if bad is not None:
        # Nothing that the journal or a websocket text frame cannot carry gets further.
        return ProtocolError(ErrorCode.INVALID, f"{bad[:100]}: not well-formed Unicode "
                                                "(a lone surrogate)", msg_id)
    version = data.get("v")
    if type(version) is not int or version not in versions:
        return ProtocolError(ErrorCode.BAD_VERSION,
                             "expected v=" + " or v=".join(map(str, versions)), msg_id)
    kind = data.get("type")
    if not isinstance(kind, str):
        return ProtocolError(ErrorCode.INVALID, "type: expected text", msg_id)
    if kind not in types:
        return ProtocolError(ErrorCode.UNKNOWN_TYPE, kind[:60], msg_id)
    return data


def _validate(data: dict[str, Any], msg_id: int | None) -> Hello | ActionMsg | Control \
        | InjectMsg | SettingsMsg | Note | Export | FreeSeat | RejoinMsg | Ping | MediaMessage \
        | ProtocolError:
    try:
        return _CLIENT.validate_python(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        return ProtocolError(ErrorCode.INVALID, f"{where}: {first['msg']}"[:200], msg_id)
    except RecursionError:
        return ProtocolError(ErrorCode.INVALID, "too deeply nested", msg_id)
