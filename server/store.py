"""Persistence: an append-only SQLite log of every room's inputs.

The engine is deterministic, so a room is fully described by how it was made
(scenario, seed, code, trainer key) and the ordered inputs it received: seat
joins, actions with their room times, trainer commands and clock checkpoints.
Each input is written (and committed) before the server acknowledges or
broadcasts anything that follows from it, so a server killed with SIGKILL and
restarted on the same folder replays every acknowledged action.

WAL mode with ``synchronous=NORMAL`` survives a killed process (the data is in
the operating system's hands once the commit returns); it is the power cut
that could lose the last commits, which is acceptable for a training drill.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["RoomRecord", "Store"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY,
    trainer_key TEXT NOT NULL,
    scenario TEXT NOT NULL,
    seed INTEGER NOT NULL,
    created REAL NOT NULL,
    closed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS inputs (
    code TEXT NOT NULL,
    n INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (code, n)
);
"""


@dataclass(frozen=True, slots=True)
class RoomRecord:
    """How a room was made; ``scenario`` is the reference given to ``gladi serve``."""

    code: str
    trainer_key: str
    scenario: str
    seed: int
    created: float


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
        self._next: dict[str, int] = {}

    def close(self) -> None:
        self._db.close()

    def create_room(self, rec: RoomRecord) -> None:
        self._db.execute(
            "INSERT INTO rooms (code, trainer_key, scenario, seed, created) VALUES (?,?,?,?,?)",
            (rec.code, rec.trainer_key, rec.scenario, rec.seed, rec.created))
        self._next[rec.code] = 0

    def rooms(self) -> list[RoomRecord]:
        """Rooms still open, oldest first."""
        rows = self._db.execute(
            "SELECT code, trainer_key, scenario, seed, created FROM rooms WHERE closed = 0 "
            "ORDER BY created").fetchall()
        return [RoomRecord(*row) for row in rows]

    def codes(self) -> set[str]:
        """Every room code used in this folder, open or closed (codes are never reused)."""
        return {row[0] for row in self._db.execute("SELECT code FROM rooms")}

    def inputs(self, code: str) -> list[dict[str, Any]]:
        rows = self._db.execute("SELECT n, data FROM inputs WHERE code = ? ORDER BY n",
                                (code,)).fetchall()
        self._next[code] = rows[-1][0] + 1 if rows else 0
        return [json.loads(data) for _, data in rows]

    def append(self, code: str, records: list[dict[str, Any]]) -> None:
        """Append inputs in one transaction; returns once they are committed."""
        if not records:
            return
        n = self._next.get(code, 0)
        rows = [(code, n + i, json.dumps(r, ensure_ascii=False, separators=(",", ":")))
                for i, r in enumerate(records)]
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT INTO inputs (code, n, data) VALUES (?,?,?)", rows)
        self._next[code] = n + len(rows)

    def close_room(self, code: str) -> None:
        self._db.execute("UPDATE rooms SET closed = 1 WHERE code = ?", (code,))
