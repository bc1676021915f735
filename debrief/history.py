"""The training history: every finished session, kept in a local SQLite file.

Public API (used by ``gladi simulate``, the desktop app and the drill server)::

    from debrief import history
    history.record(session, scorecard, trainee="Bu Sari", source="desktop")
    history.record_quiz(key, trainee="Bu Sari", result=quiz_result)
    history.attempts(trainee="Bu Sari")

Several processes may write at once (a trainer's laptop running the desktop
app and a drill server): the database runs in WAL mode, every write is one
``BEGIN IMMEDIATE`` transaction (it takes the write lock up front, so two
writers never deadlock upgrading read locks) with a generous busy timeout,
and a write that still finds the database locked is retried. Nothing is
lost; a test runs real concurrent processes to prove it.

The folder comes from :func:`debrief.paths.history_path` (``GLADI_DATA_DIR``
overrides it). The core never reads the clock; this adapter stamps each row
with the current UTC time unless the caller passes ``recorded_at``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from i18n.errors import GladiError
from moderation.engine import Session
from moderation.judge import Scorecard
from moderation.sessionfile import SessionRecord
from moderation.values import to_json

from .paths import history_path

__all__ = [
    "SCHEMA_VERSION",
    "SOURCES",
    "Attempt",
    "HistoryError",
    "QuizRow",
    "attempts",
    "now_utc",
    "quizzes",
    "record",
    "record_quiz",
    "session_key",
    "stopped_at_s",
]

#: 2 added ``stopped_at_s``; a version-1 file gains the column (empty: ran to the end).
#: 3 added ``room``, ``room_group`` and ``credit`` (a drill participant's attempt); an
#: older file gains them, empty for its rows.
SCHEMA_VERSION = 3
#: Columns added after version 1, and their SQL types.
_ADDED = (("stopped_at_s", "REAL"), ("room", "TEXT"), ("room_group", "TEXT"), ("credit", "TEXT"))
#: Where a session came from.
SOURCES = ("desktop", "simulate", "drill")
BUSY_TIMEOUT_S = 30.0
RETRIES = 8

_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_key TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    trainee TEXT,
    source TEXT NOT NULL,
    autopilot TEXT,
    scenario TEXT NOT NULL,
    title TEXT NOT NULL,
    difficulty TEXT NOT NULL,
    seed INTEGER NOT NULL,
    score REAL NOT NULL,
    passed INTEGER NOT NULL,
    pass_mark INTEGER NOT NULL,
    components TEXT NOT NULL,
    categories TEXT NOT NULL,
    reaction_median_s REAL,
    exposure REAL,
    false_alarms INTEGER NOT NULL,
    stopped_at_s REAL,
    room TEXT,
    room_group TEXT,
    credit TEXT
);
CREATE INDEX IF NOT EXISTS attempts_trainee ON attempts (trainee COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS attempts_key ON attempts (session_key);
CREATE TABLE IF NOT EXISTS quizzes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_key TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    trainee TEXT,
    total INTEGER NOT NULL,
    correct INTEGER NOT NULL,
    answers TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS quizzes_key ON quizzes (session_key);
"""


class HistoryError(GladiError):
    """The history database cannot be opened or written; ``reason`` says why."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Attempt:
    """One finished session in the history."""

    id: int
    session_key: str
    recorded_at: str
    trainee: str | None
    source: str
    autopilot: str | None
    scenario: str
    #: The scenario title in both languages: ``{"id": …, "en": …}``.
    title: dict[str, str]
    difficulty: str
    seed: int
    score: float
    passed: bool
    pass_mark: int
    components: dict[str, float | None]
    categories: dict[str, dict[str, int]]
    reaction_median_s: float | None
    exposure: float | None
    false_alarms: int
    #: The latest quiz on this session by this trainee: (correct, total).
    quiz: tuple[int, int] | None = None
    #: When the live was stopped before its end (seconds in); None: it ran to the end.
    #: A stopped attempt is "dihentikan": never a pass, whatever its score.
    stopped_at_s: float | None = None

    #: A drill's room code (drill attempts of one participant each), else None.
    room: str | None = None
    #: The group that room held on a training day (the room's name), else None.
    group: str | None = None
    #: A drill participant's own credit from the judge (``hits``, ``false_alarms``,
    #: ``answers``, ``thanks``, ``welcomes`` …); ``score`` is the room's, shared by its group.
    credit: dict[str, int] | None = None

    @property
    def stopped(self) -> bool:
        return self.stopped_at_s is not None


@dataclass(frozen=True, slots=True)
class QuizRow:
    id: int
    session_key: str
    recorded_at: str
    trainee: str | None
    total: int
    correct: int
    answers: list[dict[str, Any]]


def stopped_at_s(end_t: int, duration_s: float) -> float | None:
    """When a live that ended at ``end_t`` ms was stopped, in seconds; None when it ran
    its scenario's whole length (``duration_s``)."""
    return None if end_t >= duration_s * 1000 else end_t / 1000


def now_utc() -> str:
    """The current time as an ISO 8601 UTC string (seconds), as stored in the history."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _facts(source: Session | SessionRecord | Mapping[str, Any]) -> dict[str, Any]:
    """What the history needs from a session, a parsed session file or its dict."""
    if isinstance(source, Session):
        scenario = source.scenario.model_dump(mode="json")
        return {"scenario": scenario, "seed": source.seed, "digest": source.content.digest,
                "end_t": source.now, "inputs": [to_json(a) for a in source.inputs]}
    if isinstance(source, SessionRecord):
        scenario = source.scenario.model_dump(mode="json")
        return {"scenario": scenario, "seed": source.seed, "digest": source.content_digest,
                "end_t": source.end_t, "inputs": [to_json(a) for a in source.inputs]}
    return {"scenario": dict(source["scenario"]), "seed": int(source["seed"]),
            "digest": str(source["content_digest"]), "end_t": int(source["end_t"]),
            "inputs": list(source["inputs"])}


def session_key(source: Session | SessionRecord | Mapping[str, Any]) -> str:
    """A fingerprint of what was played: scenario, seed, content and every input.

    The same session saved, loaded and replayed keeps the same key, which is
    how a quiz taken later finds the attempt it belongs to.
    """
    facts = _facts(source)
    basis = {"scenario": facts["scenario"]["id"], "version": facts["scenario"].get("version"),
             "seed": facts["seed"], "content": facts["digest"], "end_t": facts["end_t"],
             "inputs": facts["inputs"]}
    text = json.dumps(basis, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _connect(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise HistoryError(path, error.strerror or str(error)) from None
    # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        con.execute("PRAGMA journal_mode = WAL")
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise HistoryError(path, f"made by a newer Gladi (schema {version})")
        if version < SCHEMA_VERSION:
            con.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    con.execute(statement)
            columns = {row[1] for row in con.execute("PRAGMA table_info(attempts)")}
            for column, kind in _ADDED:  # an older history: add, keep every row
                if column not in columns:
                    con.execute(f"ALTER TABLE attempts ADD COLUMN {column} {kind}")
            con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        con.close()
        raise
    return con


T = TypeVar("T")


def _locked(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _with_db(path: Path | None, work: Callable[[sqlite3.Connection], T], *,
             write: bool) -> T:
    """Run ``work`` in one transaction, retrying while another process holds the lock."""
    target = path if path is not None else history_path()
    for attempt in range(RETRIES):
        try:
            with closing(_connect(target)) as con:
                con.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    result = work(con)
                    con.execute("COMMIT")
                except BaseException:
                    if con.in_transaction:
                        con.execute("ROLLBACK")
                    raise
                return result
        except sqlite3.OperationalError as error:
            if _locked(error) and attempt + 1 < RETRIES:
                # The busy timeout already waited; back off a little more and retry.
                time.sleep(0.05 * (attempt + 1))
                continue
            raise HistoryError(target, str(error)) from None
        except sqlite3.DatabaseError as error:
            raise HistoryError(target, str(error)) from None
    raise AssertionError("unreachable")  # pragma: no cover


def record(
    session: Session | SessionRecord | Mapping[str, Any],
    scorecard: Scorecard,
    trainee: str | None,
    source: str,
    *,
    autopilot: str | None = None,
    recorded_at: str | None = None,
    path: Path | None = None,
    room: str | None = None,
    group: str | None = None,
    credit: Mapping[str, int] | None = None,
) -> int:
    """Add a finished session to the history; return its row id.

    ``session`` may be the live :class:`~moderation.engine.Session`, a parsed
    :class:`~moderation.sessionfile.SessionRecord` or the session file's dict.
    ``source`` is one of :data:`SOURCES`. A drill records one attempt per participant:
    ``trainee`` is the participant, ``room`` the room code, ``group`` the room's name on a
    training day and ``credit`` the participant's own credit.

    Raises:
        HistoryError: the database cannot be opened or written.
        ValueError: an unknown ``source``.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; expected one of {SOURCES}")
    facts = _facts(session)
    scenario = facts["scenario"]
    stopped = stopped_at_s(facts["end_t"], float(scenario["duration_s"]))
    row = (
        session_key(session), recorded_at or now_utc(), trainee or None, source, autopilot,
        scenario["id"], json.dumps(scenario["title"], ensure_ascii=False),
        str(scenario["difficulty"]), facts["seed"], scorecard.score,
        int(scorecard.passed and stopped is None),
        scorecard.pass_mark,
        json.dumps({k: v.value for k, v in scorecard.components.items()}),
        json.dumps({c.value: row.to_json() for c, row in scorecard.categories.items()}),
        scorecard.reaction.median_s, scorecard.components["exposure"].value,
        scorecard.reaction.false_alarms, stopped, room, group or None,
        None if credit is None else json.dumps(dict(credit)),
    )

    def insert(con: sqlite3.Connection) -> int:
        cursor = con.execute(
            "INSERT INTO attempts (session_key, recorded_at, trainee, source, autopilot, "
            "scenario, title, difficulty, seed, score, passed, pass_mark, components, "
            "categories, reaction_median_s, exposure, false_alarms, stopped_at_s, room, "
            "room_group, credit) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
        return int(cursor.lastrowid or 0)

    return _with_db(path, insert, write=True)


def record_quiz(
    key: str,
    trainee: str | None,
    total: int,
    correct: int,
    answers: Sequence[Mapping[str, Any]],
    *,
    recorded_at: str | None = None,
    path: Path | None = None,
) -> int:
    """Add a quiz result for the session with ``key``; return its row id.

    ``answers`` is JSON-ready detail, one mapping per question (see
    :meth:`debrief.quiz.QuizResult.to_json`).
    """
    row = (key, recorded_at or now_utc(), trainee or None, total, correct,
           json.dumps(list(answers), ensure_ascii=False))

    def insert(con: sqlite3.Connection) -> int:
        cursor = con.execute(
            "INSERT INTO quizzes (session_key, recorded_at, trainee, total, correct, answers) "
            "VALUES (?, ?, ?, ?, ?, ?)", row)
        return int(cursor.lastrowid or 0)

    return _with_db(path, insert, write=True)


def _rows(con: sqlite3.Connection, sql: str, params: Sequence[object]) -> Iterator[sqlite3.Row]:
    con.row_factory = sqlite3.Row
    yield from con.execute(sql, params)


def attempts(trainee: str | None = None, *, path: Path | None = None) -> list[Attempt]:
    """Every attempt, oldest first; only ``trainee``'s (any letter case) when given.

    A history that does not exist yet is empty (and is not created).
    """
    target = path if path is not None else history_path()
    if not target.exists():
        return []
    where, params = ("WHERE a.trainee = ? COLLATE NOCASE", [trainee]) if trainee else ("", [])
    sql = (
        "SELECT a.*, q.correct AS quiz_correct, q.total AS quiz_total FROM attempts a "
        "LEFT JOIN quizzes q ON q.id = (SELECT max(id) FROM quizzes WHERE session_key = "
        "a.session_key AND coalesce(trainee, '') = coalesce(a.trainee, '') COLLATE NOCASE) "
        f"{where} ORDER BY a.recorded_at, a.id"
    )

    def read(con: sqlite3.Connection) -> list[Attempt]:
        out = []
        for r in _rows(con, sql, params):
            out.append(Attempt(
                id=r["id"], session_key=r["session_key"], recorded_at=r["recorded_at"],
                trainee=r["trainee"], source=r["source"], autopilot=r["autopilot"],
                scenario=r["scenario"], title=json.loads(r["title"]),
                difficulty=r["difficulty"], seed=r["seed"], score=r["score"],
                passed=bool(r["passed"]), pass_mark=r["pass_mark"],
                components=json.loads(r["components"]),
                categories=json.loads(r["categories"]),
                reaction_median_s=r["reaction_median_s"], exposure=r["exposure"],
                false_alarms=r["false_alarms"],
                quiz=None if r["quiz_total"] is None else (r["quiz_correct"], r["quiz_total"]),
                stopped_at_s=r["stopped_at_s"], room=r["room"], group=r["room_group"],
                credit=None if r["credit"] is None else json.loads(r["credit"]),
            ))
        return out

    return _with_db(target, read, write=False)


def quizzes(key: str | None = None, *, path: Path | None = None) -> list[QuizRow]:
    """Every quiz result, oldest first; only those for session ``key`` when given."""
    target = path if path is not None else history_path()
    if not target.exists():
        return []
    where, params = ("WHERE session_key = ?", [key]) if key else ("", [])

    def read(con: sqlite3.Connection) -> list[QuizRow]:
        return [QuizRow(r["id"], r["session_key"], r["recorded_at"], r["trainee"], r["total"],
                        r["correct"], json.loads(r["answers"]))
                for r in _rows(con, f"SELECT * FROM quizzes {where} ORDER BY id", params)]

    return _with_db(target, read, write=False)
