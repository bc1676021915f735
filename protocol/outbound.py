"""The drill protocol, server side: every message the server sends, as typed models.

The room builds these models and :func:`encode` turns one into the JSON text of
one websocket frame. ``docs/protocol.md`` lists their fields (generated from
these classes by :mod:`server.protocol_doc`), and the tests validate every
message a test client receives against :data:`SERVER_MESSAGE`.

Engine events travel inside ``event`` messages in the JSON form of
:func:`moderation.values.to_json`; what each view receives of them is decided
in :mod:`server.views`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from moderation.events import AnyEvent
from moderation.scorecard import TipCode
from protocol.inbound import ErrorCode, Purpose
from protocol.roles import Role
from protocol.seat_events import from_seat_form
from protocol.status import PauseReason, Status
from scenarios.taxonomy import Response

__all__ = [
    "ROOM_DATA",
    "SERVER_MESSAGES",
    "SERVER_MESSAGE",
    "AckOut",
    "ActOut",
    "AnyServerMessage",
    "ActivityRow",
    "CoachingData",
    "CoachingLine",
    "CoachingOut",
    "HostState",
    "MediaAnswerOut",
    "MediaInfo",
    "MediaStateOut",
    "Outbound",
    "BoardRow",
    "DebriefOut",
    "ErrorOut",
    "EventOut",
    "ExportOut",
    "LeaderboardOut",
    "MineOut",
    "PongOut",
    "RejoinRow",
    "RejoinsOut",
    "SettingsData",
    "RoomData",
    "ResetData",
    "PausedData",
    "NoteData",
    "NoData",
    "JoinedData",
    "FreedData",
    "EndedData",
    "RoomKind",
    "RoomOut",
    "RoomState",
    "SavedOut",
    "SeatRow",
    "SeatsOut",
    "Snapshot",
    "StaffSnapshot",
    "TipOut",
    "StorageOut",
    "TrainerState",
    "WaitingOut",
    "WelcomeOut",
    "encode",
]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Outbound(_Shape):
    #: A message says the version that defined it: 1 for everything version 1 has (so a
    #: version-1 client reads them as before), 2 for the camera's messages and their errors.
    v: Literal[1, 2] = 1


def encode(message: Outbound) -> str:
    """The JSON text of one message (UTF-8 characters as they are, no spaces).

    Sequenced messages are sent without ``replay``: a welcome's replay re-sends the
    same text with ``"replay":true`` added (:mod:`server.views`).
    """
    if isinstance(message, EventOut | RoomOut):
        return message.model_dump_json(exclude={"replay"})
    return message.model_dump_json()


# ---------------------------------------------------------------- welcome


class LocalText(_Shape):
    """A text in both languages."""

    id: str
    en: str


class ScenarioRef(_Shape):
    id: str
    title: str


class HostState(StrEnum):
    """The host's camera as the seats see it."""

    #: Nobody publishes: seats show the test card.
    OFF = "off"
    #: The host offered; no picture yet.
    CONNECTING = "connecting"
    #: Pictures are arriving.
    LIVE = "live"
    #: The host's connection dropped; the seats keep their peers and wait.
    RECONNECTING = "reconnecting"


class MediaInfo(_Shape):
    """``welcome.state.media`` (version 2): the host's camera when the welcome was made;
    ``media.state`` messages follow. Null when the server has no video."""

    host: HostState
    viewers: int


class RoomState(_Shape):
    """``welcome.state``: the room's status and settings."""

    status: Status
    t: int
    duration_ms: int
    scenario: ScenarioRef
    leaderboard: bool
    team_mode: bool
    verdicts_live: bool
    mute_presets: list[int | None]
    report_reasons: list[str]
    #: How long after a block, pin, report or comments-off its seat may still ``undo`` it
    #: (room time, ms).
    undo_ms: int
    host: str | None
    media: MediaInfo | None = None


class TemplateKey(_Shape):
    """The answer key of one comment template (trainer only)."""

    category: str
    harmful: bool
    severity: int
    acceptable: list[str]
    explanation: str
    translation_en: str | None


class TrainerState(RoomState):
    """The trainer's ``welcome.state``: the answer key besides."""

    injects: list[str]
    templates: dict[str, TemplateKey]
    truth: dict[str, str]


class StreamComment(_Shape):
    id: str
    viewer: str
    handle: str
    text: str
    t: int


class Pinned(_Shape):
    id: str
    text: str
    handle: str


class Guest(_Shape):
    viewer: str
    handle: str


class Request(_Shape):
    id: str
    viewer: str
    handle: str


class FilteredComment(_Shape):
    id: str
    text: str
    handle: str
    t: int


class Snapshot(_Shape):
    """``welcome.snapshot``: the live as it is at ``welcome.seq`` (no ground truth)."""

    t: int
    ended: bool
    viewers: int
    taps: int
    coins: int
    follows: int
    shares: int
    comments_enabled: bool
    pinned: Pinned | None
    stream: list[StreamComment]
    guests: list[Guest]
    requests: list[Request]
    moderators: dict[str, list[str]]
    phase: LocalText


class StaffSnapshot(Snapshot):
    """The snapshot of host, moderators and trainer: moderation state besides."""

    keywords: list[str]
    muted: dict[str, int | None]
    blocked: list[str]
    filtered: list[FilteredComment]


class WelcomeOut(Outbound):
    type: Literal["welcome"] = "welcome"
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
    state: TrainerState | RoomState
    snapshot: StaffSnapshot | Snapshot
    actions: list[str] = Field(
        default_factory=list,
        description="the action types this seat may send and holds the permission for, in "
                    "the order of the action table (empty for the trainer and observers): "
                    "a client offers these and no others")


# ---------------------------------------------------------------- sequenced


class EventOut(Outbound):
    type: Literal["event"] = "event"
    seq: int
    epoch: int
    t: int
    event: dict[str, Any] = Field(description="an engine event (see Events), in the form "
                                              "the view receives")
    replay: bool = False

    def engine_event(self) -> AnyEvent | None:
        """The event as the engine's value (None: a kind this end cannot read)."""
        return from_seat_form(self.event)


class JoinedData(_Shape):
    seat: str
    name: str
    role: Role
    team: str | None
    actor: str | None


class FreedData(_Shape):
    seat: str
    name: str
    role: Role


class PausedData(_Shape):
    reason: PauseReason


class ResetData(_Shape):
    epoch: int


class EndedData(_Shape):
    score: float
    passed: bool


class SettingsData(_Shape):
    leaderboard: bool
    team_mode: bool
    verdicts_live: bool


class NoteData(_Shape):
    text: str


class NoData(_Shape):
    pass


class CoachingData(_Shape):
    """A live warning about the host's camera or voice raised or cleared (trainer's view
    only): the check, its level, its message key in the `check` catalogue with its
    parameters, and since when (room ms) the problem was seen."""

    change: Literal["raised", "cleared"]
    check: str
    level: Literal["warn", "fail"]
    hint_key: str
    params: dict[str, float | int | str]
    since_ms: int


RoomData = JoinedData | FreedData | PausedData | ResetData | EndedData | SettingsData \
    | NoteData | CoachingData | NoData
RoomKind = Literal["joined", "freed", "started", "paused", "resumed", "reset", "ended",
                   "settings", "note", "coaching"]
#: The shape of ``data`` for each kind of ``room`` message.
ROOM_DATA: dict[str, type[_Shape]] = {
    "joined": JoinedData, "freed": FreedData, "started": NoData, "paused": PausedData,
    "resumed": NoData, "reset": ResetData, "ended": EndedData, "settings": SettingsData,
    "note": NoteData, "coaching": CoachingData,
}


class RoomOut(Outbound):
    type: Literal["room"] = "room"
    seq: int
    epoch: int
    t: int
    kind: RoomKind
    data: RoomData = Field(description="an object whose fields depend on `kind` (table below)")
    replay: bool = False

    @model_validator(mode="after")
    def _data_fits_kind(self) -> RoomOut:
        if type(self.data) is not ROOM_DATA[self.kind]:
            raise ValueError(f"{self.kind}: data must be {ROOM_DATA[self.kind].__name__}")
        return self


# ---------------------------------------------------------------- answers


class AckOut(Outbound):
    type: Literal["ack"] = "ack"
    id: int | None
    accepted: bool
    code: str | None = Field(None, description="null when accepted; else why: a code of "
                                               "`moderation.events.RejectCode`")
    hint: str | None = Field(None, description="null when accepted; else a translated "
                                               "sentence saying what to do")
    undoable: bool = Field(False, description="true when the accepted action can be taken "
                                              "back with `undo` within `state.undo_ms`")
    cid: str | None = Field(None, description="the `cid` of the action answered (null: it "
                                              "had none, or the answer is not an action's)")
    repeat: bool = Field(False, description="true when the seat had sent this `cid` before: "
                                            "the action was not applied again, and "
                                            "`accepted`, `code` and `hint` are the first "
                                            "answer's")


class ErrorOut(Outbound):
    type: Literal["error"] = "error"
    code: ErrorCode
    message: str
    detail: str = ""
    id: int | None = None


class PongOut(Outbound):
    type: Literal["pong"] = "pong"
    id: int | None
    t: int


class ExportOut(Outbound):
    type: Literal["export"] = "export"
    id: int | None
    format: Literal["csv", "session"]
    filename: str
    content: str


# ---------------------------------------------------------------- results


class SeatRow(_Shape):
    """One seat in the trainer's ``seats`` message."""

    seat: str
    name: str
    role: Role
    team: str | None
    actor: str | None
    online: bool
    actions: int
    rejected: int
    last_action: str | None
    last_t: int | None
    hits: int
    seat_hits: int
    false_alarms: int
    connections: int = Field(0, description="integer: connections open now (the trainer's "
                                            "consoles share one seat)")
    harm: int | None = Field(None, description="integer: harmful comments on screen now that "
                                               "this seat may still act on (its role may "
                                               "delete, mute or block, and it has not acted "
                                               "on them); null for the trainer and observers")


class SeatsOut(Outbound):
    type: Literal["seats"] = "seats"
    seats: list[SeatRow]


class SavedOut(Outbound):
    """Trainer only: where the results of the run that ended (``epoch``) were written on
    the server; sent when they are written and to a console that connects afterwards."""

    type: Literal["saved"] = "saved"
    epoch: int
    files: list[str] = Field(description="list of text: the absolute paths of the results "
                                         "CSV and the session file; empty when they could "
                                         "not be written")
    error: str | None = Field(description="null; else why the files could not be written")


class StorageOut(Outbound):
    """Every connection of a room: whether the server can save what happens in it. Sent
    when that changes (a cluster's Redis became unreachable, or came back); not numbered,
    not replayed. While ``saved`` is false the room and its connections go on, but inputs
    that must be journalled are refused with ``not_saved``: show the person a notice
    ("penyimpanan terputus") until a ``storage`` with ``saved`` true comes."""

    type: Literal["storage"] = "storage"
    saved: bool


# ---------------------------------------------------------------- taking a seat back


class WaitingOut(Outbound):
    """The answer to a ``hello`` whose name is a seat's: the trainer is asked whether it is
    the same person; a ``welcome`` (or an ``error``) follows once the trainer decided."""

    type: Literal["waiting"] = "waiting"
    id: int | None
    reason: Literal["rejoin"]
    request: str
    message: str


class RejoinRow(_Shape):
    """One participant waiting for the trainer: who asks, and the seat of that name."""

    request: str
    name: str
    role: Role
    seat: str
    online: bool = Field(description="bool: the seat has a connection open (another device "
                                     "still holds it)")


class RejoinsOut(Outbound):
    """Trainer only: every participant waiting for a decision (``rejoin``), oldest first;
    sent when it changes and after a trainer's ``welcome``."""

    type: Literal["rejoins"] = "rejoins"
    waiting: list[RejoinRow]


class BoardRow(_Shape):
    """A leaderboard row with the judge's verdicts (one actor: a seat, or a team)."""

    rank: int
    name: str
    actor: str
    seats: list[str]
    points: int
    hits: int
    answers: int
    thanks: int
    welcomes: int
    false_alarms: int


class ActivityRow(_Shape):
    """A leaderboard row without verdicts: what a moderator could see on TikTok."""

    name: str
    actor: str
    seats: list[str]
    actions: int


class LeaderboardOut(Outbound):
    type: Literal["leaderboard"] = "leaderboard"
    visible: bool
    verdicts: bool
    rows: list[BoardRow] | list[ActivityRow]


class YouOut(_Shape):
    """``debrief.you``: the seat's actor's credit and the seat's own counts."""

    hits: int
    false_alarms: int
    answers: int
    thanks: int
    welcomes: int
    actions: int
    rejected: int
    actions_sent: int
    rejected_sent: int
    seat_hits: int
    rank: int | None


class TruthOut(_Shape):
    explanation: str
    answer: str | None
    source: str | None


class CoachingLine(_Shape):
    """``debrief.coaching``: one warning the host got on camera, from when the problem
    began (`t`, room ms) until it was fixed (`cleared_t`; null: never), in words."""

    t: int
    check: str
    level: Literal["warn", "fail"]
    hint_key: str
    params: dict[str, float | int | str]
    cleared_t: int | None
    text: str


class ActOut(_Shape):
    """``debrief.mine.fastest`` and ``slowest``: one of the seat's own acts on a harmful
    comment: when (`t`, room ms), what it did, on which comment, and how long after the
    comment appeared (`reaction_ms`); `late`: after the response window (a miss)."""

    t: int
    response: Response
    comment: str
    handle: str
    text: str
    reaction_ms: int
    late: bool


class TipOut(_Shape):
    """``debrief.mine.tips``: a coaching tip for this seat, in the seat's language: `text`
    says what happened at `t` (room ms) and what to do; `detail` the comment, why, and
    the right answer with its source (each a line; may be empty)."""

    t: int
    code: TipCode
    comment: str | None
    text: str
    detail: list[str]


class MineOut(_Shape):
    """``debrief.mine``: what this seat did, shown first: its own hits (`seat_hits`),
    the harmful comments nobody handled in time (`misses`, the room's), its own false
    alarms, the questions never answered (`unanswered`: the host's to answer; null for
    moderators), its fastest and slowest act, and up to three tips that are its own."""

    hits: int
    misses: int
    false_alarms: int
    unanswered: int | None
    fastest: ActOut | None
    slowest: ActOut | None = Field(description="`ActOut`, or null when the seat acted on "
                                               "one harmful comment or none")
    tips: list[TipOut]


class DebriefOut(Outbound):
    type: Literal["debrief"] = "debrief"
    epoch: int = Field(description="integer: the run it is the result of; after a `reset` "
                                   "a seat still gets its last run's debrief (an earlier "
                                   "epoch) until the next `started`")
    scorecard: dict[str, Any] = Field(description="the judge's scorecard "
                                                   "(`moderation.scorecard.Scorecard.to_json`)"
                                                   "; a seat gets its own actor's detail only")
    you: YouOut | None
    leaderboard: list[BoardRow]
    truth: dict[str, TruthOut]
    coaching: list[CoachingLine] | None = Field(
        None, description="list of `CoachingLine` (version 2): the camera and voice warnings "
                          "of the host, for the host and the trainer; null for the others")
    mine: MineOut | None = Field(description="`MineOut`: the seat's own result; null for "
                                             "the trainer and observers")
    answered: list[str] = Field(description="list of text: the ids of the scorecard's "
                                            "questions the host answered; a question not "
                                            "listed went unanswered")

    def verdict(self) -> tuple[float, bool]:
        """The room's score and whether it passed, from the scorecard."""
        score, passed = self.scorecard.get("score"), self.scorecard.get("passed")
        return (float(score) if isinstance(score, int | float) else 0.0,
                passed is True)


# ---------------------------------------------------------------- the host's camera (v2)


class CoachingOut(_Shape):
    """One live warning in ``media.state``: check, level, message key and parameters,
    since when (room ms), and the message in the connection's language (numbers written
    that language's way; a peak in dBFS is never above 0)."""

    check: str
    level: Literal["warn", "fail"]
    hint_key: str
    params: dict[str, float | int | str]
    since_ms: int
    text: str


class MediaAnswerOut(Outbound):
    v: Literal[2] = 2
    type: Literal["media.answer"] = "media.answer"
    id: int | None
    purpose: Purpose
    sdp: str = Field(description="the server's SDP answer, with every server candidate in it "
                                 "(the server never trickles)")


class MediaStateOut(Outbound):
    v: Literal[2] = 2
    type: Literal["media.state"] = "media.state"
    host: HostState
    viewers: int = Field(description="integer: peers watching the host")
    coaching: list[CoachingOut] | None = Field(
        description="list of `CoachingOut`: the warnings in force, oldest first, at most "
                    "one about the picture and one about the voice, for the trainer and the "
                    "host; null for the others")


#: Every server message model, in the order ``docs/protocol.md`` lists them.
SERVER_MESSAGES: tuple[type[Outbound], ...] = (
    WelcomeOut, EventOut, RoomOut, AckOut, ErrorOut, PongOut, LeaderboardOut, SeatsOut,
    WaitingOut, RejoinsOut, DebriefOut, SavedOut, StorageOut, ExportOut, MediaAnswerOut,
    MediaStateOut)

ServerMessage = Annotated[
    WelcomeOut | EventOut | RoomOut | AckOut | ErrorOut | PongOut | SeatsOut | LeaderboardOut
    | WaitingOut | RejoinsOut | DebriefOut | SavedOut | StorageOut | ExportOut
    | MediaAnswerOut | MediaStateOut,
    Field(discriminator="type"),
]
#: Any one server message, as its model.
AnyServerMessage = (
    WelcomeOut | EventOut | RoomOut | AckOut | ErrorOut | PongOut | SeatsOut | LeaderboardOut
    | WaitingOut | RejoinsOut | DebriefOut | SavedOut | StorageOut | ExportOut
    | MediaAnswerOut | MediaStateOut
)
#: Decodes one server message (a client's side; the tests check what the server sends).
SERVER_MESSAGE: TypeAdapter[AnyServerMessage] = TypeAdapter(ServerMessage)
