"""Where finished sessions are kept: ``<user data>/sessions/*.json``; and home's booster
card's drill, built from them and the history: ``<user data>/boosters/booster-NAME.yaml``.

``GLADI_DATA_DIR`` overrides the folder (tests, portable installs, and the
history database use the same variable). Files are written atomically, so a
crash or a full disk never leaves a half-written session behind.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from debrief import history, paths
from debrief.booster import BoosterNeed, build_booster, read_need, write_booster, wrong_templates
from debrief.errors import UserError
from debrief.files import write_atomically
from debrief.paths import data_dir
from debrief.recommend import RECENT
from debrief.session import load
from moderation.engine import Session
from moderation.judge import Scorecard
from moderation.sessionfile import dumps

__all__ = ["LastResults", "booster_for_home", "boosters_dir", "data_dir", "last_scores",
           "record_history", "save_session", "sessions_dir", "scores_for_home",
           "trainee_sessions", "write_home_booster"]


def sessions_dir() -> Path:
    return data_dir() / "sessions"


def boosters_dir() -> Path:
    """Where home's booster card writes its drill (``booster-NAME.yaml``)."""
    return data_dir() / "boosters"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:40] or "sesi"


def save_session(data: dict[str, Any], scenario_id: str, when: datetime | None = None) -> Path:
    """Write a session file (already a dict from :func:`moderation.sessionfile.document`).

    Raises:
        debrief.errors.UserError: the folder cannot be written (translated message).
    """
    stamp = (when or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S-%f")
    folder = sessions_dir()
    path = folder / f"{stamp}-{_slug(scenario_id)}.json"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{stamp}-{_slug(scenario_id)}-{n}.json"
    write_atomically(path, dumps(data), "simulate.cannot_write")
    return path


def record_history(session: Session, card: Scorecard, trainee: str | None) -> str | None:
    """Add the session to the training history database (``debrief.history``).

    Returns an error text, or None when it worked. A locked or broken database
    must not lose the session file, which is already saved.
    """
    try:
        history.record(session, card, trainee or None, "desktop")
    except Exception as error:  # HistoryError, sqlite3 errors: reported, never raised
        return str(error)
    return None


@dataclass(slots=True)
class LastResults:
    """What home shows of each scenario id: the score of the last live that ran to its
    end, or, when the latest try was stopped early, when it was stopped (seconds)."""

    scores: dict[str, float] = field(default_factory=dict)
    stopped: dict[str, float] = field(default_factory=dict)

    def add(self, scenario: str, score: float, stopped_at: float | None) -> None:
        """The next attempt, oldest first: a finished one sets the score."""
        if stopped_at is None:
            self.scores[scenario] = score
            self.stopped.pop(scenario, None)
        else:
            self.stopped[scenario] = stopped_at


def scores_for_home(trainee: str | None = None) -> LastResults:
    """The last results of each scenario: from the history database when there is one
    (only ``trainee``'s when a name is given), else from the saved session files. A live
    stopped early never gives the "last score" (docs/desktop.md, "Saving")."""
    try:
        if paths.history_path().exists():
            results = LastResults()
            for attempt in history.attempts(trainee or None):  # oldest first
                results.add(attempt.scenario, float(attempt.score), attempt.stopped_at_s)
            return results
    except Exception:  # an unreadable database: the files will do
        pass
    return last_scores()


def last_scores(folder: Path | None = None) -> LastResults:
    """The latest saved results of each scenario id (file names sort by their time stamp).

    Unreadable files are skipped: a broken file must not stop the app opening.
    """
    folder = sessions_dir() if folder is None else folder
    results = LastResults()
    if not folder.is_dir():
        return results
    for path in sorted(folder.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            scenario = doc["scenario"]["id"]
            score = doc["scorecard"]["score"]
            stopped = history.stopped_at_s(int(doc["end_t"]), float(doc["scenario"]["duration_s"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if isinstance(scenario, str) and isinstance(score, int | float):
            results.add(scenario, float(score), stopped)
    return results


def trainee_sessions(trainee: str, limit: int = RECENT, folder: Path | None = None) -> list[Path]:
    """The newest ``limit`` saved session files of ``trainee`` (any letter case), newest
    first. Unreadable files and other trainees' are skipped."""
    folder = sessions_dir() if folder is None else folder
    if not trainee or not folder.is_dir():
        return []
    wanted = trainee.casefold()
    found: list[Path] = []
    for path in sorted(folder.glob("*.json"), reverse=True):  # names start with the time
        try:
            owner = json.loads(path.read_text(encoding="utf-8"))["meta"]["trainee"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if isinstance(owner, str) and owner.casefold() == wanted:
            found.append(path)
            if len(found) >= limit:
                break
    return found


def booster_for_home(trainee: str) -> BoosterNeed | None:
    """The booster home's card offers ``trainee`` (``debrief.booster``): None without a
    name, without history, when nothing went wrong lately, or when the history cannot be
    read (the card is left out; the history is not touched)."""
    if not trainee:
        return None
    try:
        need = read_need(trainee)
    except Exception:  # HistoryError, a damaged row: no card, never a crash
        return None
    return need if need is not None and need.weak else None


def write_home_booster(need: BoosterNeed, lang: str) -> Path:
    """Build ``need``'s booster drill, with the comments got wrong in the trainee's newest
    saved sessions (a file that no longer replays is skipped), and write it atomically to
    :func:`boosters_dir`; return its path.

    Raises:
        debrief.errors.UserError: it cannot be written (translated message).
        scenarios.ScenarioError: a built-in content pack does not load.
    """
    cards = []
    for path in trainee_sessions(need.trainee):
        try:
            cards.append(load(path, lang).card)
        except UserError:
            continue
    scenario = build_booster(need, wrong_templates(cards))
    target = boosters_dir() / f"{scenario.id}.yaml"
    write_booster(target, scenario, "booster.desktop_cannot_write", lang)
    return target
