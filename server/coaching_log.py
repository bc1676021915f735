"""The host's camera and voice warnings of one run, as the room keeps them.

The server's live checks on what the host sends (:mod:`server.video.coaching`)
raise and clear warnings; each change is journalled as a
:class:`~server.journal.CoachRec` and folded here into one line per warning:
when the problem began, and when it was fixed (or never). The lines go into
the host's and the trainer's debrief (in words, ``1:42 Wajah terlalu gelap…``),
the session file's ``meta.coaching`` and from there the HTML report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from media.text import hint_text
from protocol.outbound import CoachingLine

from .journal import CoachRec

__all__ = ["CoachingLog"]


@dataclass(slots=True)
class _Entry:
    t: int
    check: str
    level: Literal["warn", "fail"]
    hint_key: str
    params: dict[str, float | int | str]
    cleared_t: int | None = None


class CoachingLog:
    """The warnings of the current run (a reset starts a new one), oldest first."""

    def __init__(self) -> None:
        self._entries: list[_Entry] = []
        self._open: dict[str, _Entry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, record: CoachRec) -> None:
        """Fold one raised or cleared warning in."""
        if record.change == "cleared":
            entry = self._open.pop(record.check, None)
            if entry is not None:
                entry.cleared_t = record.t
            return
        before = self._open.pop(record.check, None)
        if before is not None:
            before.cleared_t = record.t  # the same check with another problem replaces it
        entry = _Entry(record.since, record.check, record.level, record.hint_key,
                       dict(record.params))
        self._entries.append(entry)
        self._open[record.check] = entry

    def clear(self) -> None:
        self._entries.clear()
        self._open.clear()

    def lines(self, lang: str) -> list[CoachingLine]:
        """Every warning in words, in ``lang``."""
        return [CoachingLine(t=e.t, check=e.check, level=e.level, hint_key=e.hint_key,
                             params=dict(e.params), cleared_t=e.cleared_t,
                             text=hint_text(e.hint_key, e.params, lang))
                for e in self._entries]

    def to_json(self) -> list[dict[str, Any]]:
        """The session file's ``meta.coaching``: the lines without words."""
        return [{"t": e.t, "check": e.check, "level": e.level, "hint_key": e.hint_key,
                 "params": dict(e.params), "cleared_t": e.cleared_t} for e in self._entries]
