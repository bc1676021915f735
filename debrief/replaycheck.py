"""Checking a replay: do the recomputed events and scorecard match the recorded ones?"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from moderation.judge import Scorecard
from moderation.values import to_json

from .session import Loaded

__all__ = ["ReplayCheck", "check", "differences"]


def _normal(value: object) -> Any:
    """The JSON form (tuples become lists), as the file holds it."""
    return json.loads(json.dumps(value, ensure_ascii=False))


def differences(stored: object, recomputed: object, path: str = "", limit: int = 10) -> list[str]:
    """Dotted paths where two JSON values differ (at most ``limit``)."""
    out: list[str] = []

    def walk(a: object, b: object, where: str) -> None:
        if len(out) >= limit:
            return
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            for key in sorted(set(a) | set(b), key=str):
                walk(a.get(key, "<missing>"), b.get(key, "<missing>"),
                     f"{where}.{key}" if where else str(key))
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, f"{where}[{i}]")
        elif a != b:
            out.append(where or "<root>")

    walk(_normal(stored), _normal(recomputed), path)
    return out


@dataclass(frozen=True, slots=True)
class ReplayCheck:
    events: int
    inputs: int
    #: Index of the first event that differs, or None.
    first_difference: int | None
    recorded_event: dict[str, Any] | None
    replayed_event: dict[str, Any] | None
    #: Whether the file holds a scorecard to compare with.
    has_scorecard: bool
    scorecard_differences: tuple[str, ...]
    score: float
    stored_score: float | None

    @property
    def matches(self) -> bool:
        return self.first_difference is None and not self.scorecard_differences

    def to_json(self) -> dict[str, object]:
        return {"matches": self.matches, "events": self.events, "inputs": self.inputs,
                "first_difference": self.first_difference,
                "recorded_event": self.recorded_event, "replayed_event": self.replayed_event,
                "has_scorecard": self.has_scorecard,
                "scorecard_differences": list(self.scorecard_differences),
                "score": self.score, "stored_score": self.stored_score}


def _at(events: Sequence[Any], index: int | None) -> Any:
    return events[index] if index is not None and index < len(events) else None


def check(loaded: Loaded, card: Scorecard | None = None) -> ReplayCheck:
    """Compare a replayed session with what its file recorded."""
    card = card or loaded.card
    stored = loaded.stored_scorecard
    diffs = tuple(differences(stored, card.to_json())) if stored is not None else ()
    replayed = [to_json(e) for e in loaded.session.events]
    index = loaded.mismatch
    stored_score = stored.get("score") if stored is not None else None
    return ReplayCheck(
        events=len(loaded.record.events), inputs=len(loaded.record.inputs),
        first_difference=index, recorded_event=_at(loaded.record.events, index),
        replayed_event=_at(replayed, index), has_scorecard=stored is not None,
        scorecard_differences=diffs, score=card.score,
        stored_score=stored_score if isinstance(stored_score, int | float) else None,
    )
