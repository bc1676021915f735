"""The ``media.*`` messages of the drill protocol (version 2) and what the server does with them.

Client → server:

* ``media.offer`` {``purpose``: ``publish`` | ``watch``, ``sdp``}: the client's
  offer, with its ICE candidates or followed by ``media.candidate``. Only the
  host seat may publish; any seat (and the trainer) may watch.
* ``media.candidate`` {``purpose``, ``candidate``, ``sdpMid``, ``sdpMLineIndex``}:
  a trickled ICE candidate line (``""``: no more candidates).
* ``media.state`` {``purpose``, ``state``: ``stopped``}: the client closes its peer.

Server → client:

* ``media.answer`` {``id``, ``purpose``, ``sdp``}: the answer to an offer, with
  every server candidate in it (the server never trickles).
* ``media.state`` {``host``, ``viewers``, ``coaching``}: sent to every
  connection of the room when it changes; ``coaching`` (the live warnings) only
  to the trainer and the host, ``null`` for the others.
* ``error`` with a :class:`protocol.inbound.ErrorCode` (or the
  protocol's own ``invalid`` / ``bad_version``) and the request's ``id``.

The messages are models of :mod:`protocol.inbound` (client) and
:mod:`protocol.outbound` (server), documented in ``docs/protocol.md``; the drill
server decodes them with the rest of the protocol. :func:`decode_media`
validates a raw media message on its own (a page that talks only video),
:func:`handle_media` runs one against a room's
:class:`server.video.peer.MediaHub`; neither raises for bad input. A version-1
client never sends these and keeps working without video.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, ValidationError

from i18n import translate
from media.text import hint_text
from protocol.inbound import (
    MEDIA_TYPES,
    MEDIA_VERSION,
    ErrorCode,
    MediaCandidate,
    MediaOffer,
    MediaStateIn,
    media_problem,
)
from protocol.outbound import CoachingOut, MediaAnswerOut, MediaStateOut

from .coaching import CoachingWarning
from .errors import MediaError
from .peer import HostState, MediaHub, MediaStatus, Purpose, parse_candidate

__all__ = [
    "MEDIA_TYPES",
    "MEDIA_VERSION",
    "SERVER_MEDIA_MESSAGE",
    "CoachingOut",
    "MediaAnswerOut",
    "MediaCandidate",
    "MediaClientMessage",
    "MediaOffer",
    "MediaParty",
    "MediaProblem",
    "MediaStateIn",
    "MediaStateOut",
    "decode_media",
    "error_message",
    "handle_media",
    "state_message",
]

MediaClientMessage = Annotated[MediaOffer | MediaCandidate | MediaStateIn,
                               Field(discriminator="type")]
_CLIENT: TypeAdapter[MediaOffer | MediaCandidate | MediaStateIn] = TypeAdapter(
    MediaClientMessage)


@dataclass(frozen=True, slots=True)
class MediaProblem:
    """A media message that cannot be used: the code to answer and the request's id."""

    code: ErrorCode
    detail: str = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class MediaParty:
    """Who sent a media message: the seat (or trainer connection) and its role."""

    owner: str
    #: Only the host seat may publish.
    may_publish: bool
    #: Trainer and host get the coaching warnings in ``media.state``.
    coached: bool
    lang: str


def decode_media(raw: str | dict[str, Any]) -> MediaOffer | MediaCandidate | MediaStateIn \
        | MediaProblem:
    """Validate one ``media.*`` client message (text, or JSON already parsed). Never raises."""
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
    except (ValueError, RecursionError):
        return MediaProblem(ErrorCode.INVALID, "not JSON")
    if not isinstance(data, dict):
        return MediaProblem(ErrorCode.INVALID, "a message is a JSON object")
    raw_id = data.get("id")
    msg_id = raw_id if isinstance(raw_id, int) and not isinstance(raw_id, bool) \
        and 0 <= raw_id <= 2**53 else None
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError, RecursionError):
        # A lone surrogate could not be put back on the websocket (e.g. in an error's detail).
        return MediaProblem(ErrorCode.INVALID, "not well-formed Unicode", msg_id)
    if data.get("type") not in MEDIA_TYPES:
        return MediaProblem(ErrorCode.INVALID, "type: not a media.* message", msg_id)
    problem = media_problem(data)
    if problem is not None:
        return MediaProblem(ErrorCode.BAD_VERSION if problem.code is ErrorCode.BAD_VERSION
                            else ErrorCode.SDP_TOO_BIG, problem.detail, msg_id)
    try:
        return _CLIENT.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return MediaProblem(ErrorCode.INVALID, f"{where}: {first['msg']}"[:200], msg_id)


def error_message(problem: MediaProblem, lang: str) -> dict[str, Any]:
    """The protocol's ``error`` message for ``problem``, in ``lang``."""
    code = str(problem.code)
    return {"type": "error", "v": MEDIA_VERSION, "code": code,
            "message": translate(f"serve.error.{code}", lang), "detail": problem.detail,
            "id": problem.id}


async def handle_media(hub: MediaHub, party: MediaParty,
                       message: MediaOffer | MediaCandidate | MediaStateIn | MediaProblem
                       ) -> list[dict[str, Any]]:
    """Run one media message for ``party``; the messages to send back to it. Never raises."""
    if isinstance(message, MediaProblem):
        return [error_message(message, party.lang)]
    try:
        if message.purpose is Purpose.PUBLISH and not party.may_publish:
            raise MediaError(ErrorCode.NOT_HOST)
        if isinstance(message, MediaOffer):
            sdp = await hub.offer(party.owner, message.purpose, message.sdp)
            answer = MediaAnswerOut(id=message.id, purpose=message.purpose, sdp=sdp)
            return [answer.model_dump(mode="json")]
        if isinstance(message, MediaCandidate):
            candidate = parse_candidate(message.candidate, message.sdpMid,
                                         message.sdpMLineIndex)
            await hub.candidate(party.owner, message.purpose, candidate)
            return []
        await hub.hang_up(party.owner, message.purpose)
        return []
    except MediaError as exc:
        return [error_message(MediaProblem(exc.code, exc.detail, message.id), party.lang)]


def coaching_out(warning: CoachingWarning, lang: str) -> CoachingOut:
    """One warning as ``media.state`` carries it, with its message in ``lang``."""
    level: Literal["warn", "fail"] = "fail" if warning.level.value == "fail" else "warn"
    return CoachingOut(check=warning.check, level=level, hint_key=warning.hint_key,
                       params=dict(warning.params), since_ms=warning.since_ms,
                       text=hint_text(warning.hint_key, dict(warning.params), lang))


def state_message(status: MediaStatus, *, coached: bool, lang: str) -> dict[str, Any]:
    """``media.state`` for one connection: with the coaching warnings for trainer and host."""
    coaching = [coaching_out(w, lang) for w in status.coaching] if coached else None
    return MediaStateOut(host=HostState(status.host), viewers=status.viewers,
                         coaching=coaching).model_dump(mode="json")


#: The media messages the server sends (models of :mod:`protocol.outbound`), for tests.
SERVER_MEDIA_MESSAGE: TypeAdapter[MediaAnswerOut | MediaStateOut] = TypeAdapter(
    Annotated[MediaAnswerOut | MediaStateOut, Field(discriminator="type")])
