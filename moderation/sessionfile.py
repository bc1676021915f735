"""The replayable session file: one JSON document per finished session.

It holds the scenario and economy as played, the seed, a fingerprint of the
content packs, every input (actions, accepted or not, and trainer injects)
and every event. Scenario + seed + inputs replay to the identical events;
:func:`replay` does that and :func:`check_replay` says whether they match.
Everything here works on strings and dicts; reading and writing files is the
caller's job.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from i18n.errors import GladiError
from moderation.actions import AnyAction, is_action
from moderation.judge import Scorecard, judge
from moderation.values import from_json, to_json
from scenarios.schema import ContentPack, Economy, Scenario

from .content import ContentIndex
from .engine import Session

__all__ = [
    "FORMAT",
    "VERSION",
    "SessionFileError",
    "SessionRecord",
    "check_replay",
    "dumps",
    "parse",
    "document",
    "replay",
    "scorecard_of",
]

FORMAT = "gladi-session"
VERSION = 1


class SessionFileError(GladiError, ValueError):
    """The session file is not one Gladi can read; the message says why."""


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A parsed session file."""

    scenario: Scenario
    economy: Economy
    seed: int
    content: tuple[str, ...]
    content_digest: str
    end_t: int
    inputs: tuple[AnyAction, ...]
    events: tuple[dict[str, Any], ...]
    meta: dict[str, Any]


def document(session: Session, **meta: Any) -> dict[str, Any]:
    """The session file's content for a finished (or stopped) ``session``."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "meta": meta,
        "seed": session.seed,
        "scenario": session.scenario.model_dump(mode="json"),
        "economy": session.economy.model_dump(mode="json"),
        "content": [pack.id for pack in session.content.packs],
        "content_digest": session.content.digest,
        "end_t": session.now,
        "inputs": [to_json(action) for action in session.inputs],
        "events": [to_json(event) for event in session.events],
    }


def dumps(data: Mapping[str, Any]) -> str:
    """Serialise to the canonical text form (stable, compact, UTF-8 friendly)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def parse(text: str) -> SessionRecord:
    """Parse and validate a session file.

    Raises:
        SessionFileError: not JSON, not a Gladi session, a newer format, or a
            broken field; the message names the problem.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SessionFileError(f"not JSON (line {error.lineno}): {error.msg}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SessionFileError("not a Gladi session file")
    version = data.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise SessionFileError(f"session format version {version!r} is newer than this Gladi")
    try:
        scenario = Scenario.model_validate(data["scenario"])
        economy = Economy.model_validate(data["economy"])
        inputs = tuple(from_json(a) for a in data["inputs"])
        seed, end_t = data["seed"], data["end_t"]
        if not isinstance(seed, int) or not isinstance(end_t, int):
            raise SessionFileError("seed and end_t must be whole numbers")
        events = tuple(data["events"])
        content = tuple(str(c) for c in data["content"])
        digest = str(data["content_digest"])
    except KeyError as error:
        raise SessionFileError(f"missing field {error.args[0]!r}") from None
    except (ValidationError, ValueError, TypeError) as error:
        if isinstance(error, SessionFileError):
            raise
        raise SessionFileError(str(error).splitlines()[0]) from None
    actions = tuple(a for a in inputs if is_action(a))
    if len(actions) != len(inputs):
        raise SessionFileError("inputs must be actions")
    return SessionRecord(scenario, economy, seed, content, digest, end_t, actions, events,
                         dict(data.get("meta") or {}))


def replay(rec: SessionRecord, packs: Sequence[ContentPack]) -> Session:
    """Play the inputs of ``rec`` again on a fresh session and return it.

    Raises:
        SessionFileError: the content packs differ from those the session used.
    """
    index = ContentIndex(packs, rec.scenario.topic)
    if index.digest != rec.content_digest:
        raise SessionFileError(
            "the comment content changed since this session was recorded; "
            "replay it with the Gladi version that recorded it"
        )
    session = Session(rec.scenario, index, rec.economy, rec.seed)
    for action in rec.inputs:
        session.apply(action)
    session.end(rec.end_t)
    return session


def check_replay(rec: SessionRecord, session: Session) -> int | None:
    """Compare replayed events with the recorded ones.

    Returns None when they are identical, else the index of the first event
    that differs.
    """
    replayed = [to_json(e) for e in session.events]
    recorded = list(rec.events)
    for i, (a, b) in enumerate(zip(replayed, recorded, strict=False)):
        if a != b:
            return i
    if len(replayed) != len(recorded):
        return min(len(replayed), len(recorded))
    return None


def scorecard_of(session: Session) -> Scorecard:
    """Judge a session."""
    return judge(session.scenario, session.content.by_id, session.events)
