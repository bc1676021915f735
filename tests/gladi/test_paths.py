"""Paths as people have them: a user folder with spaces and letters beyond ASCII works in
every command — the data folder, session files, scenario files, reports and recordings."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from gladi.cli import main
from media import camera as camera_module, microphone as mic_module
from media.sources import SourceError
from moderation.sessionfile import check_replay, parse, replay
from scenarios import load_content
from tests.media.conftest import FIXTURES, photo, recording
from tests.media.encode import write_audio, write_video

#: Like ``C:\\Users\\Siti Nurhaliza\\Dokumen`` — with Javanese script for good measure.
HOME = ("Siti Nurhaliza", "Dokumen", "Latihan Bu Dé ꦱꦶꦠꦶ")
SCENARIO = Path(__file__).resolve().parents[2] / "scenarios/data/scenarios/live-pertama.yaml"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path.joinpath(*HOME)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data folder under the same kind of user name (``GLADI_DATA_DIR``)."""
    folder = tmp_path / "Siti Nurhaliza" / "AppData Lokal" / "Gladi ꦱꦶꦠꦶ"
    monkeypatch.setenv("GLADI_DATA_DIR", str(folder))
    monkeypatch.delenv("GLADI_LANG", raising=False)
    return folder


@pytest.fixture
def session(home: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """``gladi simulate --scenario FILE --out FILE``, both under the user's folder."""
    scenario = home / "skenario saya.yaml"
    scenario.write_text(SCENARIO.read_text(encoding="utf-8"), encoding="utf-8")
    path = home / "gladi sesi.json"
    assert main(["simulate", "--scenario", str(scenario), "--trainee", "Siti Nurhaliza",
                 "--out", str(path)]) == 0
    assert str(path) in capsys.readouterr().out
    return path


def no_mangled_names(root: Path) -> None:
    """Nothing was written under a name spoiled by a wrong encoding."""
    for path in root.rglob("*"):
        assert "?" not in path.name and "Ã" not in path.name and "\\x" not in path.name, path


def test_simulate_saves_the_session_and_the_history(session: Path, data_dir: Path) -> None:
    record = parse(session.read_text(encoding="utf-8"))
    assert check_replay(record, replay(record, load_content(record.scenario))) is None
    assert (data_dir / "history.sqlite3").is_file()
    no_mangled_names(session.parents[3])


def test_report_html_and_csv(session: Path, home: Path) -> None:
    html = home / "laporan sesi.html"
    assert main(["report", str(session), "--html", str(html)]) == 0
    assert "Siti Nurhaliza" in html.read_text(encoding="utf-8")
    assert main(["report", str(session), "--csv", str(home / "tabel sesi")]) == 0
    assert list((home / "tabel sesi").glob("*.csv"))
    no_mangled_names(home)


def test_history_html(session: Path, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = home / "riwayat ꦱꦶꦠꦶ.html"
    assert main(["history", "--html", str(page)]) == 0
    assert "Siti Nurhaliza" in page.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["history", "--json"]) == 0
    assert "Siti Nurhaliza" in capsys.readouterr().out


def test_replay(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(session), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)


def test_quiz_with_answers_typed_in(session: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("1\n" * 30))
    assert main(["quiz", str(session), "--count", "3"]) == 0
    assert "3" in capsys.readouterr().out


def test_scenario_validate_and_show(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = home / "skenario ꦱꦶꦠꦶ.yaml"
    scenario.write_text(SCENARIO.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["scenario", "validate", str(scenario)]) == 0
    assert main(["scenario", "show", str(scenario), "--json"]) == 0
    assert "live-pertama" in capsys.readouterr().out


def test_check_recordings_and_photos(home: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    def no_camera(index: int) -> None:
        raise SourceError("camera_missing", index=index)

    monkeypatch.setattr(camera_module, "DeviceCamera", no_camera)
    monkeypatch.setattr(mic_module, "load_sounddevice", lambda: None)
    take, rate = recording("speech_good")
    voice = write_audio(home / "pesan suara ꦱ.ogg", take, rate, "libopus", container="ogg",
                        file_rate=48_000)
    video = write_video(home / "video HP saya.mp4", [photo("obama_good")] * 12)
    picture = home / "foto Dé.jpg"
    picture.write_bytes((FIXTURES / "obama_good.jpg").read_bytes())
    for camera in (video, picture):
        capsys.readouterr()
        status = main(["--lang", "en", "check", "--camera", str(camera), "--mic", str(voice),
                       "--json"])
        document = json.loads(capsys.readouterr().out)
        assert status == 0, document
        assert str(camera) in document["sources"]["camera"]
        assert str(voice) in document["sources"]["microphone"]
