"""The room's journal: every input, written before it takes effect, replayed on restart.

The engine is deterministic, so a room is fully described by how it was made
(scenario, seed, code, trainer key) and the ordered inputs it received. Each
input is a typed :data:`Record`; the room appends it to its :class:`Journal`
*and only then* applies it, so an input the journal could not store never
changed the room (write-ahead in one step). A restarted server applies the
same records in order and gets the same room.

The JSON form of each record (``"k"`` names the kind) is what
``<data>/gladi-server.sqlite3`` holds, one row per record; it is the form
journals of earlier versions used too, so they still replay.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, TypeAdapter
from pydantic_core import CoreSchema, PydanticSerializationError, core_schema

from i18n.errors import GladiError
from moderation.actions import AnyAction, Inject, is_action
from moderation.values import from_json, to_json
from protocol.inbound import Command
from protocol.roles import Role

from .clock import PauseReason

__all__ = [
    "ActionRec",
    "AnyRecord",
    "ClockRec",
    "CoachRec",
    "ControlRec",
    "FreeRec",
    "InjectRec",
    "JoinRec",
    "Journal",
    "JournalError",
    "MemoryJournal",
    "NoteRec",
    "Record",
    "SettingsRec",
    "SpeechRec",
    "TokenRec",
    "dumps_record",
    "loads_record",
]


class JournalError(GladiError):
    """The journal could not store a record; the input must not take effect."""


def _action(raw: object) -> AnyAction:
    if is_action(raw):
        return raw
    if not isinstance(raw, dict):
        raise ValueError("an action is a JSON object")
    action = from_json(raw)
    if not is_action(action):
        raise ValueError(f"not an action: {raw.get('type')!r}")
    return action


class _AsJson:
    """Pydantic schema of an engine action: validated and stored as its JSON form
    (:func:`moderation.values.to_json`); the value class is not a pydantic type."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: object,
                                     handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _action, serialization=core_schema.plain_serializer_function_ser_schema(to_json))


#: An engine action in a record.
ActionValue = Annotated[AnyAction, _AsJson]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Room time of the input (ms).
    t: int


class JoinRec(_Record):
    """A seat was taken."""

    k: Literal["join"] = "join"
    seat: str
    token_hash: str
    role: Role
    name: str
    team: str | None
    actor: str | None
    lang: str = "id"


class ActionRec(_Record):
    """A seat's action (stamped with the room time and the seat's actor)."""

    k: Literal["action"] = "action"
    seat: str
    action: ActionValue
    #: The id the seat's client gave the action (``action.cid``): a restart remembers it,
    #: so the action is not applied again when the client sends it once more.
    cid: str | None = None


class ControlRec(_Record):
    """A trainer's command (or the pause of a restored room)."""

    k: Literal["control"] = "control"
    command: Command
    #: The wall time it was given (informative: replay does not use it).
    wall: int | None = None
    reason: PauseReason = PauseReason.TRAINER


class InjectRec(_Record):
    """A trainer's inject."""

    k: Literal["inject"] = "inject"
    action: ActionValue

    @property
    def inject(self) -> Inject:
        assert isinstance(self.action, Inject)
        return self.action


class SettingsRec(_Record):
    """A change of the room's settings; None keeps a setting."""

    k: Literal["settings"] = "settings"
    leaderboard: bool | None = None
    team_mode: bool | None = None
    verdicts_live: bool | None = None


class NoteRec(_Record):
    """A trainer's note to every seat."""

    k: Literal["note"] = "note"
    text: str


class ClockRec(_Record):
    """A checkpoint of the running clock."""

    k: Literal["clock"] = "clock"


class FreeRec(_Record):
    """The trainer freed a seat."""

    k: Literal["free"] = "free"
    seat: str


#: Any record (a plain union, for annotations).
class CoachRec(_Record):
    """A live warning about the host's camera or voice was raised or cleared (the server's
    checks on what the host sends, :mod:`server.video.coaching`): the check, its level, its
    message key in the ``check`` catalogue with parameters, and since when (room ms)."""

    k: Literal["coach"] = "coach"
    change: Literal["raised", "cleared"]
    check: str
    level: Literal["warn", "fail"]
    hint_key: str
    params: dict[str, float | int | str]
    since: int


class SpeechRec(_Record):
    """The host on camera was heard speaking (the server's voice detector): the engine
    gets a ``talk`` of ``duration`` ms by the host, which keeps dead air away."""

    k: Literal["speech"] = "speech"
    duration: int


class TokenRec(_Record):
    """A seat got another token: the trainer's seat for one more console (``replace``
    false), or a seat its participant took back on another device (``replace`` true: the
    old tokens stop working)."""

    k: Literal["token"] = "token"
    seat: str
    token_hash: str
    replace: bool
    lang: str = "id"


AnyRecord = JoinRec | ActionRec | ControlRec | InjectRec | SettingsRec | NoteRec | ClockRec \
    | FreeRec | CoachRec | SpeechRec | TokenRec
#: Any record, told apart by ``k`` (for validation).
Record = Annotated[AnyRecord, Field(discriminator="k")]
_RECORD: TypeAdapter[AnyRecord] = TypeAdapter(Record)


def dumps_record(record: _Record) -> str:
    """The JSON text of a record, storable as UTF-8.

    Raises:
        JournalError: the record holds text that is not well-formed Unicode.
    """
    try:
        text = record.model_dump_json()
        text.encode("utf-8")
    except (PydanticSerializationError, UnicodeError) as exc:
        raise JournalError(str(exc)) from None
    return text


def loads_record(text: str | dict[str, Any]) -> AnyRecord:
    """A record from its JSON text (or the decoded object)."""
    if isinstance(text, str):
        return _RECORD.validate_json(text)
    return _RECORD.validate_python(text)


class Journal(Protocol):
    """Where a room writes its inputs."""

    def append(self, record: AnyRecord) -> None:
        """Store ``record`` durably; raise :class:`JournalError` if it cannot be stored."""


class MemoryJournal:
    """A journal in memory (tests, and rooms that need no restart). Stores the JSON text,
    refusing what could not be stored as UTF-8, like the SQLite journal."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        #: Fail the next appends (tests of write-ahead).
        self.fail = 0

    def append(self, record: AnyRecord) -> None:
        if self.fail:
            self.fail -= 1
            raise JournalError("refused on purpose")
        self.texts.append(dumps_record(record))

    def records(self) -> list[AnyRecord]:
        return [loads_record(text) for text in self.texts]
