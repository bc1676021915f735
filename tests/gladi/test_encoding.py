"""Every command writes to a file or a pipe in a Windows code page without breaking.

On Windows, Python encodes output redirected to a file or a pipe in the ANSI code page
(``PYTHONIOENCODING=cp1252`` reproduces it; ``cp437`` is the old console's OEM page).
Neither has "✓", "→" or emoji. Human text may lose such letters to "?" but never stops
the command; JSON is ASCII, so it parses to the very same text.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from gladi.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "data" / "scenarios" / "live-pertama.yaml"
#: A trainee and a title with letters beyond every single-byte code page.
TRAINEE = "Bu Dé ꦱꦶꦠꦶ 🌸"
TITLE = "Live pertama 🎉 posyandu"


@dataclass(frozen=True)
class Run:
    status: int
    out: bytes
    err: bytes


def gladi(args: list[str], encoding: str, *, stdin: str = "") -> Run:
    """``python -m gladi ARGS`` with its output redirected, as Windows would encode it."""
    env = {**os.environ, "PYTHONIOENCODING": encoding, "SDL_VIDEODRIVER": "dummy"}
    env.pop("GLADI_LANG", None)
    done = subprocess.run([sys.executable, "-m", "gladi", *args], cwd=ROOT, env=env,
                          input=stdin.encode(encoding), capture_output=True, timeout=120)
    return Run(done.returncode, done.stdout, done.stderr)


def emoji_scenario(folder: Path) -> Path:
    """The built-in first live, renamed with an emoji, in a folder with spaces."""
    text = SCENARIO.read_text(encoding="utf-8")
    text = text.replace('id: "Live pertama posyandu"', f'id: "{TITLE}"', 1)
    assert TITLE in text
    path = folder / "skenario saya" / "live 🎉.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def session(tmp_path: Path) -> Path:
    """A saved session (and its history row) by a trainee whose name no code page has."""
    path = tmp_path / "Siti Nurhaliza" / "Dokumen" / "gladi sesi.json"
    assert main(["simulate", "--scenario", "live-pertama", "--trainee", TRAINEE,
                 "--out", str(path)]) == 0
    return path


def human(run: Run, encoding: str) -> str:
    """Text output: exit 0, no traceback, and decodable in the code page it was written in."""
    assert run.status == 0, run.err.decode(encoding, "replace")
    assert b"Traceback" not in run.err and b"UnicodeEncodeError" not in run.err
    return run.out.decode(encoding)


def ascii_json(run: Run) -> object:
    """JSON output: exit 0 and pure ASCII, the same bytes in every code page."""
    assert run.status == 0, run.err
    return json.loads(run.out.decode("ascii"))


CODE_PAGES = ["cp1252", "cp437"]


@pytest.mark.parametrize("encoding", CODE_PAGES)
def test_simulate_prints_its_scorecard(encoding: str) -> None:
    assert "Skor" in human(gladi(["simulate", "--scenario", "live-pertama"], encoding), encoding)


@pytest.mark.parametrize("encoding", CODE_PAGES)
def test_simulate_json_keeps_every_letter(encoding: str, tmp_path: Path) -> None:
    """The scorecard prints as ASCII JSON; the trainee's name and the scenario's emoji title it
    records reach the history whole, and ``history --json`` gives them back letter for letter."""
    args = ["simulate", "--json", "--trainee", TRAINEE, "--scenario", str(emoji_scenario(tmp_path))]
    doc = ascii_json(gladi(args, encoding))
    assert isinstance(doc, dict) and doc["scenario"] == "live-pertama"
    assert doc == ascii_json(gladi([*args, "--no-history"], "utf-8"))
    rows = ascii_json(gladi(["history", "--json"], encoding))
    assert isinstance(rows, dict)
    [attempt] = rows["attempts"]
    assert (attempt["trainee"], attempt["title"]["id"]) == (TRAINEE, TITLE)


@pytest.mark.parametrize("encoding", CODE_PAGES)
def test_scenario_validate_of_a_title_with_an_emoji(encoding: str, tmp_path: Path) -> None:
    out = human(gladi(["scenario", "validate", str(emoji_scenario(tmp_path))], encoding), encoding)
    assert "Live pertama" in out and "posyandu" in out


@pytest.mark.parametrize("encoding", CODE_PAGES)
def test_check_table_with_its_marks(encoding: str) -> None:
    run = gladi(["check", "--camera", "synthetic", "--mic", "synthetic"], encoding)
    assert run.status in (0, 1), run.err
    assert b"Traceback" not in run.err
    assert "Terang wajah" in run.out.decode(encoding)


@pytest.mark.parametrize("encoding", CODE_PAGES)
def test_quiz_answers_from_a_pipe(encoding: str, session: Path) -> None:
    out = human(gladi(["quiz", str(session), "--count", "3"], encoding, stdin="1\n" * 30),
                encoding)
    assert "3" in out


@pytest.mark.parametrize(
    "args",
    [
        ["scenario", "list"],
        ["scenario", "show", "serbuan-troll"],
        ["history"],
        ["--help"],
        ["simulate", "--help"],
    ],
    ids=" ".join,
)
def test_human_text_in_cp1252(args: list[str], session: Path) -> None:
    assert human(gladi(args, "cp1252"), "cp1252").strip()


def test_scenario_json_in_cp1252(tmp_path: Path) -> None:
    listing = ascii_json(gladi(["scenario", "list", "--json"], "cp1252"))
    assert isinstance(listing, list) and any(s["id"] == "live-pertama" for s in listing)
    shown = ascii_json(gladi(["scenario", "show", str(emoji_scenario(tmp_path)), "--json"],
                             "cp1252"))
    assert isinstance(shown, dict) and shown["title"]["id"] == TITLE


def test_check_json_in_cp1252() -> None:
    run = gladi(["--lang", "en", "check", "--camera", "synthetic", "--mic", "synthetic",
                 "--json"], "cp1252")
    assert run.status in (0, 1), run.err
    doc = json.loads(run.out.decode("ascii"))
    assert set(doc["sections"]) == {"camera", "microphone"}


def test_report_history_and_replay_in_cp1252(session: Path, tmp_path: Path) -> None:
    html = tmp_path / "laporan ꦱꦶꦠꦶ.html"
    out = human(gladi(["report", str(session), "--html", str(html)], "cp1252"), "cp1252")
    assert "laporan" in out
    assert TRAINEE in html.read_text(encoding="utf-8")
    rows = ascii_json(gladi(["history", "--json"], "cp1252"))
    assert TRAINEE in json.dumps(rows, ensure_ascii=False)
    assert human(gladi(["replay", str(session)], "cp1252"), "cp1252").strip()
    replayed = ascii_json(gladi(["replay", str(session), "--json"], "cp1252"))
    assert isinstance(replayed, dict)


def test_output_safe_in_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The set-up itself: a cp437 stdout gets "?" for what it lacks, and no exception."""
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp437", write_through=True)
    monkeypatch.setattr(sys, "stdout", stream)
    assert main(["scenario", "validate", str(emoji_scenario(tmp_path))]) == 0
    text = raw.getvalue().decode("cp437")
    assert "Live pertama ? posyandu" in text


def test_a_windowed_app_without_a_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """pythonw and the Windows/macOS bundle start with no stdout at all."""
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    assert main(["scenario", "list"]) == 0
    assert sys.stdout is not None and sys.stdout.name == os.devnull
    sys.stdout.close()
    sys.stderr.close()
