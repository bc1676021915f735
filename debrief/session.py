"""Opening a saved session file for the debrief, with clear messages.

A session file holds inputs and events; the scorecard is recomputed by
replaying the inputs, so the debrief never trusts a number it did not compute.
Every way a file can be wrong (missing, not JSON, not a session, a newer
format, content that changed since it was recorded, events that no longer
replay) becomes a translated :class:`~debrief.errors.UserError`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from debrief.errors import UserError
from debrief.scenario_text import describe_scenario_error
from i18n import translate
from moderation.content import ContentIndex
from moderation.engine import Session
from moderation.judge import Scorecard
from moderation.sessionfile import (
    FORMAT,
    VERSION,
    SessionFileError,
    SessionRecord,
    check_replay,
    parse,
    replay,
    scorecard_of,
)
from scenarios import ScenarioError, load_content

__all__ = ["Loaded", "load", "read_json"]


@dataclass(frozen=True, slots=True)
class Loaded:
    """A session file, replayed and judged."""

    path: Path
    data: dict[str, Any]
    record: SessionRecord
    session: Session
    card: Scorecard
    #: The index of the first event that does not replay, or None when all match.
    mismatch: int | None

    @property
    def stored_scorecard(self) -> dict[str, Any] | None:
        """The scorecard saved in the file when it was recorded, if any."""
        card = self.data.get("scorecard")
        return card if isinstance(card, dict) else None


def read_json(path: Path, lang: str) -> tuple[str, dict[str, Any]]:
    """Read ``path`` as a Gladi session document; return its text and data."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(translate("report.file_missing", lang, path=path)) from None
    except OSError as error:
        raise UserError(translate("report.file_unreadable", lang, path=path,
                          reason=error.strerror or error)) from None
    try:
        text = raw.decode("utf-8")
        data = json.loads(text)
    except UnicodeDecodeError:
        raise UserError(translate("report.not_session", lang, path=path)) from None
    except json.JSONDecodeError as error:
        raise UserError(translate("report.corrupt", lang, path=path, line=error.lineno)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UserError(translate("report.not_session", lang, path=path))
    version = data.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise UserError(translate("report.newer", lang, path=path, version=version))
    return text, data


def load(path: Path, lang: str, *, verify: bool = True) -> Loaded:
    """Read, replay and judge the session saved at ``path``.

    With ``verify`` (the default) a session whose events no longer replay is
    refused: a debrief of different events would mislead. ``gladi replay``
    passes ``verify=False`` and reports the difference itself.
    """
    text, data = read_json(path, lang)
    try:
        rec = parse(text)
    except SessionFileError as error:
        raise UserError(translate("report.broken", lang, path=path, reason=error)) from None
    try:
        packs = load_content(rec.scenario)
    except ScenarioError as error:
        raise UserError(describe_scenario_error(error, lang)) from None
    if ContentIndex(packs, rec.scenario.topic).digest != rec.content_digest:
        raise UserError(translate("report.content_changed", lang, path=path))
    try:
        session = replay(rec, packs)
    except SessionFileError as error:
        raise UserError(translate("report.broken", lang, path=path, reason=error)) from None
    mismatch = check_replay(rec, session)
    if verify and mismatch is not None:
        raise UserError(translate("report.events_differ", lang, path=path, index=mismatch))
    return Loaded(path, data, rec, session, scorecard_of(session), mismatch)
