"""Where finished sessions are kept: ``<user data>/sessions/*.json``.

``GLADI_DATA_DIR`` overrides the folder (tests, portable installs, and the
history database use the same variable). Files are written atomically, so a
crash or a full disk never leaves a half-written session behind.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["data_dir", "last_scores", "save_session", "sessions_dir"]


def data_dir() -> Path:
    """The user's Gladi data folder (``GLADI_DATA_DIR`` wins)."""
    override = os.environ.get("GLADI_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("gladi", appauthor=False))


def sessions_dir() -> Path:
    return data_dir() / "sessions"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:40] or "sesi"


def save_session(data: dict[str, Any], scenario_id: str, when: datetime | None = None) -> Path:
    """Write a session file (already a dict from :func:`simulator.sessionfile.record`).

    Raises:
        gladi.errors.UserError: the folder cannot be written (translated message).
    """
    from gladi.cmd_simulate import write_atomically
    from simulator.sessionfile import dumps

    stamp = (when or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    folder = sessions_dir()
    path = folder / f"{stamp}-{_slug(scenario_id)}.json"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{stamp}-{_slug(scenario_id)}-{n}.json"
    write_atomically(path, dumps(data))
    return path


def last_scores(folder: Path | None = None) -> dict[str, float]:
    """The latest saved score of each scenario id (files sort by their time stamp).

    Unreadable files are skipped: a broken file must not stop the app opening.
    """
    folder = sessions_dir() if folder is None else folder
    scores: dict[str, float] = {}
    if not folder.is_dir():
        return scores
    for path in sorted(folder.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            scenario = doc["scenario"]["id"]
            score = doc["scorecard"]["score"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if isinstance(scenario, str) and isinstance(score, int | float):
            scores[scenario] = float(score)
    return scores
