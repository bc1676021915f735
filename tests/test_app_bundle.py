"""The desktop app as cadres get it: ``tools/build_app.py`` builds ``Gladi/`` with PyInstaller,
and the folder alone — no Python, no uv, no source tree — runs the app and every command.

Slow (one PyInstaller build, about two minutes on two cores): ``-m "not slow"`` skips it.
"""

from __future__ import annotations

import json
import queue
import re
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from tests.media.conftest import photo, recording
from tests.media.encode import write_video
from tests.test_layers import ALLOWED
from tools.build_app import executable, folder_size

ROOT = Path(__file__).resolve().parents[1]
#: The size the issue aims for; the test prints the real one and fails only far above it.
GOAL_MB = 250
CEILING_MB = 600

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build once for the module into a temporary folder; return the executable."""
    base = tmp_path_factory.mktemp("bundle")
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_app.py"), "--dist", str(base / "dist"),
         "--work", str(base / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    print(done.stdout.strip().splitlines()[-1])
    exe = executable(base / "dist")
    assert exe.is_file()
    return exe


@pytest.fixture
def bare_env(tmp_path: Path) -> dict[str, str]:
    """A machine with nothing installed: no virtual environment, no PYTHONPATH, a new home."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8",
            "GLADI_DATA_DIR": str(tmp_path / "Gladi data"), "SDL_VIDEODRIVER": "dummy",
            "SDL_AUDIODRIVER": "dummy"}


def run(app: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(app), *args], cwd=env["HOME"], env=env, capture_output=True,
                          text=True, timeout=180)


def test_the_folder_carries_every_data_folder(app: Path, capsys: pytest.CaptureFixture[str]
                                              ) -> None:
    data = app.parent / "_internal"
    for wanted in ["scenarios/data/scenarios/serbuan-troll.yaml", "scenarios/data/economy.yaml",
                   "scenarios/data/content/troll.yaml", "i18n/locales/id/check.yaml",
                   "i18n/locales/en/check.yaml", "server/web/index.html", "server/web/seat.js",
                   "cv2/data/haarcascade_frontalface_alt2.xml", "pygame/freesansbold.ttf"]:
        assert (data / wanted).is_file(), wanted
    size = folder_size(app.parent) / 1e6
    with capsys.disabled():
        print(f"\nthe app folder holds {size:.0f} MB unpacked (goal {GOAL_MB} MB)")
    assert size < CEILING_MB


def test_simulate_json(app: Path, bare_env: dict[str, str]) -> None:
    done = run(app, bare_env, "simulate", "--scenario", "serbuan-troll", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["scenario"] == "serbuan-troll"
    assert (Path(bare_env["GLADI_DATA_DIR"]) / "history.sqlite3").is_file()


def test_history_in_indonesian_and_english_formats(app: Path, bare_env: dict[str, str]) -> None:
    """The bundle's Babel carries the two languages: 87,1 and WITA in Indonesian, 87.1 and
    a month name in English."""
    env = {**bare_env, "TZ": "Asia/Makassar"}
    assert run(app, env, "simulate", "--scenario", "serbuan-troll").returncode == 0
    indonesian = run(app, env, "history")
    assert indonesian.returncode == 0, indonesian.stderr
    assert re.search(r"\d{4} \d{2}\.\d{2} WITA .* \d+,\d ", indonesian.stdout), indonesian.stdout
    english = run(app, env, "--lang", "en", "history")
    assert english.returncode == 0, english.stderr
    assert re.search(r"[A-Z][a-z]{2} \d{1,2}, \d{4} \d{2}:\d{2} WITA .* \d+\.\d ",
                     english.stdout), english.stdout


def test_check_json_with_a_phone_video(app: Path, bare_env: dict[str, str],
                                       tmp_path: Path) -> None:
    done = run(app, bare_env, "check", "--camera", "synthetic", "--mic", "synthetic", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "ok"
    clip = write_video(tmp_path / "video HP.mp4", [photo("obama_good")] * 20,
                       sound=recording("speech_good"))
    done = run(app, bare_env, "--lang", "en", "check", "--camera", str(clip), "--mic",
               str(clip), "--json")
    document = json.loads(done.stdout)
    assert done.returncode == 0, document
    assert {r["name"]: r["level"] for r in document["sections"]["microphone"]}["speech"] == "ok"


def test_the_desktop_app_draws_frames(app: Path, bare_env: dict[str, str]) -> None:
    done = run(app, bare_env, "rehearse", "--bench", "2")
    assert done.returncode == 0, done.stderr
    assert "LIVE 1280" in done.stdout


def test_no_arguments_opens_the_app(app: Path, bare_env: dict[str, str]) -> None:
    """Without a screen the app says so and points to ``simulate`` (gladi/cmd_rehearse.py)."""
    env = {k: v for k, v in bare_env.items() if k != "SDL_VIDEODRIVER"}
    done = run(app, env, "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "simulate" in done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_hands_out_the_web_client(app: Path, bare_env: dict[str, str]) -> None:
    port = free_port()
    server = subprocess.Popen([str(app), "--lang", "en", "serve", "--host", "127.0.0.1",
                               "--port", str(port), "--data", bare_env["GLADI_DATA_DIR"]],
                              cwd=bare_env["HOME"], env=bare_env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    output = server.stdout
    assert output is not None

    def read() -> None:
        for line in output:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    try:
        seen = ""
        while f"127.0.0.1:{port}/?room=" not in seen:
            seen += lines.get(timeout=60)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            assert page.status == 200
            assert b"<html" in page.read().lower()
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.skipif(sys.platform == "win32", reason="PATH above is a POSIX one")
def test_nothing_leaks_in_from_the_build_machine(app: Path, bare_env: dict[str, str],
                                                  tmp_path: Path) -> None:
    """The bundle's Python is its own: it never imports from PYTHONPATH or the folder it is
    started in. Both hold a decoy of every Gladi package (and a ``sitecustomize``) that leaves
    a mark when imported; the bundle must run without leaving one."""
    decoys = tmp_path / "decoys"
    marks = tmp_path / "marks"
    marks.mkdir()
    for name in {*ALLOWED, "sitecustomize", "usercustomize"}:
        folder = decoys / name
        folder.mkdir(parents=True)
        (folder / "__init__.py").write_text(
            f"open({str(marks / name)!r}, 'w').close()\nraise SystemExit('decoy {name}')\n",
            encoding="utf-8")
    env = {**bare_env, "PYTHONPATH": str(decoys), "HOME": str(decoys)}
    done = run(app, env, "--version")
    assert done.returncode == 0 and done.stdout.startswith("gladi "), done.stderr
    assert sorted(p.name for p in marks.iterdir()) == []
