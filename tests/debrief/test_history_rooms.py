"""Drill attempts in the history carry the room and the group; older history files still read."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from debrief import history
from debrief.history_view import history_html, history_text
from moderation.sessionfile import scorecard_of
from tests import factories

#: The attempts table as version 2 of the history made it (before rooms and groups).
V2_TABLE = """
CREATE TABLE attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, session_key TEXT NOT NULL,
    recorded_at TEXT NOT NULL, trainee TEXT, source TEXT NOT NULL, autopilot TEXT,
    scenario TEXT NOT NULL, title TEXT NOT NULL, difficulty TEXT NOT NULL,
    seed INTEGER NOT NULL, score REAL NOT NULL, passed INTEGER NOT NULL,
    pass_mark INTEGER NOT NULL, components TEXT NOT NULL, categories TEXT NOT NULL,
    reaction_median_s REAL, exposure REAL, false_alarms INTEGER NOT NULL{extra}
);
CREATE TABLE quizzes (
    id INTEGER PRIMARY KEY AUTOINCREMENT, session_key TEXT NOT NULL,
    recorded_at TEXT NOT NULL, trainee TEXT, total INTEGER NOT NULL,
    correct INTEGER NOT NULL, answers TEXT NOT NULL
);
"""


def test_a_participant_attempt_keeps_room_group_and_credit(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    session = factories.session(1)
    session.end(120_000)
    card = scorecard_of(session)
    history.record(session, card, "Bu Sari", "drill", path=path, room="482913",
                   group="Kelompok Melati", credit={"hits": 3, "false_alarms": 1})
    history.record(session, card, "Ani", "simulate", path=path)
    sari, ani = history.attempts(path=path)
    assert (sari.room, sari.group, sari.credit) == ("482913", "Kelompok Melati",
                                                     {"hits": 3, "false_alarms": 1})
    assert (ani.room, ani.group, ani.credit) == (None, None, None)
    assert sari.score == ani.score == card.score  # the room's score, shared by its group


def test_the_history_table_names_the_group_and_the_room(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    session = factories.session(1)
    session.end(120_000)
    card = scorecard_of(session)
    history.record(session, card, "Bu Sari", "drill", path=path, room="482913",
                   group="Kelompok Melati")
    history.record(session, card, "Bu Rina", "drill", path=path, room="100001")
    history.record(session, card, "Ani", "simulate", path=path)
    attempts = history.attempts(path=path)
    rows = history_text(attempts, None, {}, "id").splitlines()
    assert "latihan bersama, Kelompok Melati (ruang 482913)" in rows[2]
    assert "latihan bersama, ruang 100001" in rows[3]
    assert rows[4].rstrip().endswith("simulasi")
    page = history_html(attempts, None, {}, None, "en")
    assert "drill, Kelompok Melati (room 482913)" in page


@pytest.mark.parametrize("version, extra", [(1, ""), (2, ",\n    stopped_at_s REAL")])
def test_an_older_history_file_reads_and_gains_the_columns(tmp_path: Path, version: int,
                                                           extra: str) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as con:
        con.executescript(V2_TABLE.format(extra=extra))
        con.execute(
            "INSERT INTO attempts (session_key, recorded_at, trainee, source, scenario, title, "
            "difficulty, seed, score, passed, pass_mark, components, categories, "
            "false_alarms) VALUES ('k', '2026-05-01T08:00:00Z', 'Ani', 'drill', 'live-pertama', "
            "'{\"id\": \"Live\", \"en\": \"Live\"}', 'easy', 1, 71.5, 1, 60, '{}', '{}', 0)")
        con.execute(f"PRAGMA user_version = {version}")
    (old,) = history.attempts(path=path)
    assert (old.trainee, old.score, old.room, old.group, old.credit) == ("Ani", 71.5, None,
                                                                        None, None)
    session = factories.session(1)
    session.end(120_000)
    history.record(session, scorecard_of(session), "Budi", "drill", path=path, room="100001",
                   group="Mawar", credit={"hits": 1})
    assert [(a.trainee, a.room) for a in history.attempts(path=path)] == [
        ("Ani", None), ("Budi", "100001")]
