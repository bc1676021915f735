"""``gladi simulate`` and the default command, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import gladi.cmd_simulate as cmd
from debrief import history
from gladi.cli import main
from i18n import translate
from moderation.sessionfile import check_replay, parse, replay
from scenarios import load_content


@pytest.fixture(autouse=True)
def _indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GLADI_LANG", raising=False)


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every session records into the history: keep it out of the user's real folder."""
    folder = tmp_path / "gladi-data"
    monkeypatch.setenv("GLADI_DATA_DIR", str(folder))
    return folder


def test_json_scorecard_has_a_top_level_score(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--scenario", "live-pertama", "--autopilot", "perfect",
                 "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["score"] >= 90
    assert doc["scenario"] == "live-pertama" and doc["autopilot"] == "perfect"


def test_same_seed_same_scorecard(capsys: pytest.CaptureFixture[str]) -> None:
    outs = []
    for _ in range(2):
        main(["simulate", "--seed", "4", "--json"])
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1]


def test_out_writes_a_replayable_session(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sub" / "sesi.json"
    assert main(["simulate", "--autopilot", "good", "--trainee", "Sari", "--out",
                 str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    rec = parse(out.read_text(encoding="utf-8"))
    assert rec.meta["trainee"] == "Sari"
    again = replay(rec, load_content(rec.scenario))
    assert check_replay(rec, again) is None
    assert not list(out.parent.glob("*.tmp"))


def test_readable_report_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    main(["simulate", "--scenario", "serbuan-troll", "--autopilot", "good"])
    indonesian = capsys.readouterr().out
    main(["--lang", "en", "simulate", "--scenario", "serbuan-troll", "--autopilot", "good"])
    english = capsys.readouterr().out
    assert "Kartu skor" in indonesian and "Saran terpenting" in indonesian
    assert "Scorecard" in english and "Most important tips" in english
    assert "judge." not in indonesian + english  # no untranslated keys


def test_no_command_runs_the_default_session(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """``gladi`` alone opens the desktop app; with no display it says so in one line."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.strip() == translate("desktop.no_display", "id")
    assert "gladi simulate" in out and len(out.strip().splitlines()) == 1
    assert main(["--lang", "en"]) == 0
    assert capsys.readouterr().out.strip() == translate("desktop.no_display", "en")


def test_missing_scenario_file_is_a_message_not_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["simulate", "--scenario", str(tmp_path / "nope.yaml")])
    err = capsys.readouterr().err
    assert code == 2
    assert "nope.yaml" in err and "Traceback" not in err


def test_broken_scenario_names_the_line(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: {id: a, en: b}\nduraton_s: 10\n", encoding="utf-8")
    assert main(["--lang", "en", "simulate", "--scenario", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "3" in err and "Traceback" not in err


def test_unwritable_out_is_a_clear_error(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code = main(["simulate", "--out", str(blocker / "sesi.json")])
    assert code == 2
    err = capsys.readouterr().err
    assert "--out" in err and "Traceback" not in err
    assert blocker.read_text() == "x"


def test_unexpected_errors_do_not_show_a_traceback(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    def boom(*_: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(cmd, "load_setup_or_explain", boom)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setattr("platformdirs.user_log_dir", lambda *a, **k: str(tmp_path))
    assert main(["simulate"]) == 70
    err = capsys.readouterr().err
    assert "Traceback" not in err and "RuntimeError" in err
    assert "kaboom" in (tmp_path / "crash.log").read_text()


def test_each_finished_session_is_recorded_in_the_history(
        _data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--autopilot", "perfect", "--trainee", "Sari", "--json"]) == 0
    score = json.loads(capsys.readouterr().out)["score"]
    assert main(["simulate", "--autopilot", "idle", "--no-history"]) == 0
    rows = history.attempts(path=_data_dir / "history.sqlite3")
    assert [(r.trainee, r.source, r.autopilot, r.score) for r in rows] == [
        ("Sari", "simulate", "perfect", score)]


def test_session_file_carries_its_recording_date(tmp_path: Path, _data_dir: Path) -> None:
    out = tmp_path / "s.json"
    assert main(["simulate", "--out", str(out)]) == 0
    meta = parse(out.read_text(encoding="utf-8")).meta
    assert meta["recorded_at"].endswith("Z") and meta["recorded_at"][:2] == "20"
    [row] = history.attempts(path=_data_dir / "history.sqlite3")
    assert row.recorded_at == meta["recorded_at"]


def test_unwritable_history_is_a_warning_not_a_failure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("GLADI_DATA_DIR", str(blocker / "data"))
    assert main(["simulate", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["score"] >= 0
    assert "Traceback" not in captured.err and str(blocker) in captured.err
