"""The history database: recording, reading, concurrency, and ``gladi history``."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from debrief import history
from debrief.paths import data_dir, history_path
from debrief.recommend import category_load, recommend, weaknesses
from gladi.cli import main
from moderation.engine import Session
from moderation.judge import Scorecard
from moderation.sessionfile import document, dumps, parse, scorecard_of
from scenarios import builtin_scenario_ids, load_scenario
from tests import factories

ROWS_PER_WRITER = 40


def _finished(seed: int = 1) -> tuple[Session, Scorecard]:
    session = factories.session(seed)
    session.end(120_000)
    return session, scorecard_of(session)


def _writer(path: str, name: str, start: Any, count: int) -> None:
    """One process writing ``count`` attempts, each in its own transaction."""
    session, card = _finished()
    start.wait()  # both writers begin together
    for i in range(count):
        history.record(session, card, f"{name}-{i}", "drill", path=Path(path))


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    writers = [ctx.Process(target=_writer, args=(str(path), name, start, ROWS_PER_WRITER))
               for name in ("a", "b")]
    for w in writers:
        w.start()
    start.set()
    for w in writers:
        w.join(timeout=120)
    assert [w.exitcode for w in writers] == [0, 0]
    rows = history.attempts(path=path)
    names = sorted(r.trainee or "" for r in rows)
    expected = sorted(f"{n}-{i}" for n in ("a", "b") for i in range(ROWS_PER_WRITER))
    assert names == expected
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_record_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    session, card = _finished()
    row_id = history.record(session, card, "Bu Sari", "desktop", recorded_at="2026-01-02T03:04:05Z",
                            path=path)
    [attempt] = history.attempts("bu sari", path=path)  # any letter case
    assert attempt.id == row_id and attempt.trainee == "Bu Sari"
    assert attempt.recorded_at == "2026-01-02T03:04:05Z" and attempt.source == "desktop"
    assert attempt.scenario == "unit" and attempt.title == {"id": "Unit", "en": "Unit"}
    assert attempt.score == card.score and attempt.passed == card.passed
    assert attempt.components == {k: v.value for k, v in card.components.items()}
    assert attempt.categories == card.to_json()["categories"]
    assert attempt.quiz is None
    assert history.attempts("someone else", path=path) == []


def test_session_key_is_the_same_for_session_file_and_dict() -> None:
    session, _ = _finished()
    data = document(session)
    rec = parse(dumps(data))
    assert history.session_key(session) == history.session_key(rec) == history.session_key(data)
    other, _ = _finished(seed=2)
    assert history.session_key(other) != history.session_key(session)


def test_quiz_results_join_their_attempt(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    session, card = _finished()
    history.record(session, card, "Ani", "simulate", path=path)
    key = history.session_key(session)
    history.record_quiz(key, "Ani", 4, 1, [{"right": False}], path=path)
    history.record_quiz(key, "Ani", 4, 3, [{"right": True}], path=path)
    history.record_quiz(key, "Budi", 4, 4, [], path=path)
    [attempt] = history.attempts("Ani", path=path)
    assert attempt.quiz == (3, 4)  # the latest quiz by the same trainee
    assert [q.correct for q in history.quizzes(key, path=path)] == [1, 3, 4]


def test_unknown_source_is_refused(tmp_path: Path) -> None:
    session, card = _finished()
    with pytest.raises(ValueError):
        history.record(session, card, None, "somewhere", path=tmp_path / "h.sqlite3")


def test_a_newer_database_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA user_version = 99")
    session, card = _finished()
    with pytest.raises(history.HistoryError, match="newer"):
        history.record(session, card, None, "desktop", path=path)


def test_data_dir_honours_the_environment(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLADI_DATA_DIR", str(tmp_path / "x"))
    assert data_dir() == tmp_path / "x"
    assert history_path() == tmp_path / "x" / "history.sqlite3"
    monkeypatch.delenv("GLADI_DATA_DIR")
    assert data_dir().name.lower() == "gladi"


def test_history_command_shows_progress_and_advice(
        data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history"]) == 0
    assert "Belum ada sesi" in capsys.readouterr().out
    for autopilot in ("random", "perfect"):
        assert main(["simulate", "--scenario", "live-pertama", "--autopilot", autopilot,
                     "--trainee", "Sari", "--json"]) == 0
    assert main(["simulate", "--autopilot", "idle", "--trainee", "Budi", "--json"]) == 0
    capsys.readouterr()
    page = tmp_path / "h.html"
    assert main(["--lang", "en", "history", "--trainee", "sari", "--html", str(page)]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line[:2].strip().isdigit()]
    assert len(lines) == 2 and all("Sari" in line for line in lines)
    assert "Next:" in out and "Handled wrongly most often" in out
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") == 1 and "Training history — sari" in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    assert main(["history", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["attempts"]) == 3 and doc["recommendation"]["scenario"]


def test_a_damaged_history_is_a_clear_message(data_dir: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "history.sqlite3").write_bytes(b"this is not a database" * 100)
    assert main(["--lang", "en", "history"]) == 2
    err = capsys.readouterr().err
    assert "Cannot open the history" in err and "Traceback" not in err


# ---------------------------------------------------------------- recommendation


def _attempt(scenario: str, passed: bool, **categories: dict[str, int]) -> history.Attempt:
    return history.Attempt(
        id=1, session_key="k", recorded_at="2026-01-01T00:00:00Z", trainee="x",
        source="desktop", autopilot=None, scenario=scenario, title={"id": "", "en": ""},
        difficulty="easy", seed=1, score=80.0 if passed else 20.0, passed=passed,
        pass_mark=60, components={}, categories=categories, reaction_median_s=None,
        exposure=None, false_alarms=0)


def test_weakness_is_the_kind_handled_wrongly_most_often() -> None:
    attempts = [
        _attempt("a", True, hoax={"total": 10, "hits": 9, "misses": 1, "false_alarms": 0},
                 question={"total": 10, "false_alarms": 5}),
        _attempt("a", True, judol={"total": 4, "hits": 4, "misses": 0, "false_alarms": 0}),
    ]
    assert weaknesses(attempts) == [("question", 0.5), ("hoax", 0.1)]
    # Only recent attempts count: an old weakness that was fixed is forgotten.
    old = [_attempt("a", False, sara={"total": 5, "hits": 0, "misses": 5, "false_alarms": 0})]
    fixed = [_attempt("a", True, sara={"total": 5, "hits": 5, "misses": 0, "false_alarms": 0})]
    assert weaknesses(old + fixed * 5) == []


def test_recommends_the_scenario_richest_in_the_weak_kind() -> None:
    scenarios = [load_scenario(i) for i in builtin_scenario_ids()]
    loads = {s.id: category_load(s) for s in scenarios}
    richest_hoax = max(loads, key=lambda i: loads[i].get("hoax", 0) / sum(
        v for c, v in loads[i].items() if c in {"hoax", "sara", "porn", "judol", "scam",
                                                "harassment", "spam"}))
    weak = [_attempt("live-pertama", True,
                     hoax={"total": 4, "hits": 1, "misses": 3, "false_alarms": 0})]
    advice = recommend(weak, scenarios)
    assert advice is not None and advice.reason == "weak" and advice.category == "hoax"
    assert advice.scenario == richest_hoax


def test_without_weakness_recommend_the_next_unpassed_then_the_hardest() -> None:
    scenarios = [load_scenario(i) for i in builtin_scenario_ids()]
    easy = min(scenarios, key=lambda s: ["easy", "medium", "hard"].index(s.difficulty))
    advice = recommend([], scenarios)
    assert advice is not None and (advice.scenario, advice.reason) == (easy.id, "next")
    everything = [_attempt(s.id, True) for s in scenarios]
    advice = recommend(everything, scenarios)
    assert advice is not None and advice.reason == "all_passed"
    assert recommend([], []) is None
