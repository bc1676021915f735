"""Results written for their readers: a stopped live says so, numbers and dates the
Indonesian way (77,2; WIB/WITA/WIT), CSV that opens in columns in Indonesian Excel."""

from __future__ import annotations

import csv
import io
import sqlite3
import time
from pathlib import Path

import pytest

from debrief import csv_export, history
from debrief.history_view import history_text, when
from debrief.report_text import scorecard_text
from debrief.session import load
from i18n import translate
from i18n.formats import decimal, figure, number
from moderation.engine import Session
from moderation.judge import Scorecard
from moderation.sessionfile import scorecard_of
from tests import factories


def _stopped(at_ms: int = 20_000) -> tuple[Session, Scorecard]:
    session = factories.session(1)
    session.end(at_ms)
    return session, scorecard_of(session)


def test_a_stopped_live_is_recorded_as_stopped_never_as_passed(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    session = factories.session(1)
    session.end(20_000)
    card = scorecard_of(session)
    assert card.duration_s < session.scenario.duration_s
    history.record(session, card, "Bu Sari", "desktop", path=path)
    full = factories.session(2)
    full.end(full.duration)
    history.record(full, scorecard_of(full), "Bu Sari", "desktop", path=path)
    stopped, done = history.attempts(path=path)
    assert stopped.stopped_at_s == 20.0 and not stopped.passed
    assert done.stopped_at_s is None and not done.stopped
    table = history_text([stopped], None, {}, "id")
    assert "dihentikan (0:20)" in table
    assert translate("history.passed_yes", "id") not in table.split()
    assert "stopped (0:20)" in history_text([stopped], None, {}, "en")


def test_a_history_of_the_first_format_is_read_and_kept(tmp_path: Path) -> None:
    """Version 1 had no ``stopped_at_s``: its rows stay, read as lives that ran to the end."""
    path = tmp_path / "old.sqlite3"
    old_schema = history._SCHEMA.replace(",\n    stopped_at_s REAL", "")
    assert "stopped_at_s" not in old_schema
    with sqlite3.connect(path) as con:
        con.executescript(old_schema)
        con.execute(
            "INSERT INTO attempts (session_key, recorded_at, trainee, source, autopilot, "
            "scenario, title, difficulty, seed, score, passed, pass_mark, components, "
            "categories, reaction_median_s, exposure, false_alarms) VALUES "
            "('k', '2026-05-01T08:30:00Z', 'Bu Sari', 'desktop', NULL, 'live-pertama', "
            "'{\"id\": \"Live pertama\", \"en\": \"First live\"}', 'easy', 1, 77.2, 1, 60, "
            "'{}', '{}', NULL, NULL, 0)")
        con.execute("PRAGMA user_version = 1")
    [old] = history.attempts(path=path)
    assert old.passed and old.stopped_at_s is None and old.score == 77.2
    session, card = _stopped()
    history.record(session, card, "Bu Sari", "desktop", path=path)  # upgrades in place
    assert [a.stopped for a in history.attempts(path=path)] == [False, True]


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="setting the zone needs time.tzset")
@pytest.mark.parametrize(("zone", "want_id", "want_en"), [
    ("Asia/Jakarta", "1 Mei 2026 15.30 WIB", "May 1, 2026 15:30 WIB"),
    ("Asia/Makassar", "1 Mei 2026 16.30 WITA", "May 1, 2026 16:30 WITA"),
    ("Asia/Jayapura", "1 Mei 2026 17.30 WIT", "May 1, 2026 17:30 WIT"),
    ("UTC", "1 Mei 2026 08.30 GMT+00:00", "May 1, 2026 08:30 GMT+00:00"),
])
def test_dates_are_in_the_machines_zone(monkeypatch: pytest.MonkeyPatch, zone: str,
                                        want_id: str, want_en: str) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        assert when("2026-05-01T08:30:00Z", "id") == want_id
        assert when("2026-05-01T08:30:00Z", "en") == want_en
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_numbers_are_written_the_readers_way() -> None:
    assert decimal(77.2, "id") == "77,2" and decimal(77.2, "en") == "77.2"
    assert number(1234.4, "id") == "1.234" and number(1234.4, "en") == "1,234"
    assert figure(0.4, "id") == "0,4" and figure(12.0, "en") == "12"


def test_the_text_report_says_stopped_and_uses_a_decimal_comma() -> None:
    session, card = _stopped()
    text = scorecard_text(card, session.scenario, "id")
    assert "Dihentikan di 0:20" in text
    assert translate("judge.passed", "id") not in text
    assert f"Skor: {decimal(card.score, 'id')} dari 100" in text


def test_csv_opens_in_columns_in_indonesian_excel(troll_session: Path, tmp_path: Path) -> None:
    card = load(troll_session, "id").card
    [parts, *_] = csv_export.write(tmp_path / "id", card, "id")
    raw = parts.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == translate("report.col_part", "id")
    assert all(len(row) == 4 for row in rows)  # one cell per column, nothing run together
    score = rows[-1][1]
    assert score == figure(card.score, "id") and "." not in score
    english = (tmp_path / "en" / "score_parts.csv")
    csv_export.write(tmp_path / "en", card, "en")
    en_rows = list(csv.reader(io.StringIO(english.read_text(encoding="utf-8-sig"))))
    assert en_rows[-1][1] == figure(card.score, "en")
