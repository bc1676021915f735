"""Persistence: an append-only SQLite log of every room's journal (:mod:`server.journal`).

The engine is deterministic, so a room is fully described by how it was made
(scenario, seed, code, trainer key) and the ordered inputs it received: seat
joins, actions with their room times, trainer commands and clock checkpoints.
Each input is written (and committed) before it takes effect, so a server killed
with SIGKILL and restarted on the same folder replays every acknowledged action,
and an input that could not be written never took effect.

WAL mode with ``synchronous=NORMAL`` survives a killed process (the data is in
the operating system's hands once the commit returns); it is the power cut
that could lose the last commits, which is acceptable for a training drill.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .journal import AnyRecord, JournalError, dumps_record, loads_record

__all__ = ["RoomRecord", "Store", "StoreJournal"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY,
    trainer_key TEXT NOT NULL,
    scenario TEXT NOT NULL,
    seed INTEGER NOT NULL,
    created REAL NOT NULL,
    closed INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL DEFAULT 'id'
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS inputs (
    code TEXT NOT NULL,
    n INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (code, n)
);
"""


#: Columns later versions added to ``rooms``; a journal of an earlier version gains them.
_ADDED_COLUMNS = (("name", "TEXT NOT NULL DEFAULT ''"), ("lang", "TEXT NOT NULL DEFAULT 'id'"))


@dataclass(frozen=True, slots=True)
class RoomRecord:
    """How a room was made; ``scenario`` is the reference given to ``gladi serve`` or chosen
    on the training-day overview. ``name`` is the group the room holds (may be empty) and
    ``lang`` the language its join link opens in."""

    code: str
    trainer_key: str
    scenario: str
    seed: int
    created: float
    name: str = ""
    lang: str = "id"


class Store:
    """The data folder's ``gladi-server.sqlite3``."""

    FILENAME = "gladi-server.sqlite3"

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.path = folder / self.FILENAME
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(rooms)")}
        for name, kind in _ADDED_COLUMNS:
            if name not in columns:
                self._db.execute(f"ALTER TABLE rooms ADD COLUMN {name} {kind}")
        self._next: dict[str, int] = {}

    def close(self) -> None:
        self._db.close()

    def create_room(self, rec: RoomRecord) -> None:
        self._db.execute(
            "INSERT INTO rooms (code, trainer_key, scenario, seed, created, name, lang) "
            "VALUES (?,?,?,?,?,?,?)",
            (rec.code, rec.trainer_key, rec.scenario, rec.seed, rec.created, rec.name,
             rec.lang))
        self._next[rec.code] = 0

    def rooms(self) -> list[RoomRecord]:
        """Rooms still open (the training day's), oldest first."""
        rows = self._db.execute(
            "SELECT code, trainer_key, scenario, seed, created, name, lang FROM rooms "
            "WHERE closed = 0 ORDER BY created, rowid").fetchall()
        return [RoomRecord(*row) for row in rows]

    def day_key(self) -> str:
        """The organiser's key to the training-day overview: made once, kept in the folder."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'day_key'").fetchone()
        if row is not None:
            return str(row[0])
        key = secrets.token_urlsafe(12)
        self._db.execute("INSERT INTO meta (key, value) VALUES ('day_key', ?)", (key,))
        return key

    def codes(self) -> set[str]:
        """Every room code used in this folder, open or closed (codes are never reused)."""
        return {row[0] for row in self._db.execute("SELECT code FROM rooms")}

    def inputs(self, code: str) -> list[str]:
        """The room's journal, as the JSON text of each record, in order."""
        rows = self._db.execute("SELECT n, data FROM inputs WHERE code = ? ORDER BY n",
                                (code,)).fetchall()
        self._next[code] = rows[-1][0] + 1 if rows else 0
        return [data for _, data in rows]

    def records(self, code: str) -> list[AnyRecord]:
        """The room's journal, as records."""
        return [loads_record(text) for text in self.inputs(code)]

    def append(self, code: str, texts: list[str]) -> None:
        """Append records' JSON texts in one transaction; returns once they are committed."""
        if not texts:
            return
        n = self._next.get(code, 0)
        rows = [(code, n + i, text) for i, text in enumerate(texts)]
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT INTO inputs (code, n, data) VALUES (?,?,?)", rows)
        self._next[code] = n + len(rows)

    def journal(self, code: str) -> StoreJournal:
        return StoreJournal(self, code)

    def close_room(self, code: str) -> None:
        self._db.execute("UPDATE rooms SET closed = 1 WHERE code = ?", (code,))


class StoreJournal:
    """One room's journal in the store (a :class:`server.journal.Journal`)."""

    def __init__(self, store: Store, code: str) -> None:
        self.store = store
        self.code = code

    def append(self, record: AnyRecord) -> None:
        try:
            self.store.append(self.code, [dumps_record(record)])
        except (sqlite3.Error, UnicodeError, OSError) as exc:
            raise JournalError(str(exc)) from exc
