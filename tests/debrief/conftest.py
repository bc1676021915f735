"""Shared fixtures: saved sessions made by ``gladi simulate``, and an isolated data folder."""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

import pytest

from gladi.cli import main


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the user's real history; start every test in Indonesian."""
    folder = tmp_path / "gladi-data"
    monkeypatch.setenv("GLADI_DATA_DIR", str(folder))
    monkeypatch.delenv("GLADI_LANG", raising=False)
    return folder


@pytest.fixture
def data_dir(_isolated: Path) -> Path:
    return _isolated


def _simulate(folder: Path, scenario: str, autopilot: str, trainee: str) -> Path:
    out = folder / f"{scenario}-{autopilot}.json"
    old = os.environ.get("GLADI_DATA_DIR")
    os.environ["GLADI_DATA_DIR"] = str(folder / "data")
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            # Session-scoped: keep its output out of whichever test runs first.
            assert main(["simulate", "--scenario", scenario, "--autopilot", autopilot,
                         "--trainee", trainee, "--out", str(out), "--json"]) == 0
    finally:
        if old is None:
            os.environ.pop("GLADI_DATA_DIR", None)
        else:
            os.environ["GLADI_DATA_DIR"] = old
    return out


@pytest.fixture(scope="session")
def troll_session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A busy session with misses, late actions and false alarms (serbuan-troll, good)."""
    return _simulate(tmp_path_factory.mktemp("sessions"), "serbuan-troll", "good", "Sari")


@pytest.fixture(scope="session")
def first_session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A calm, short first live (live-pertama, random autopilot: plenty of mistakes)."""
    return _simulate(tmp_path_factory.mktemp("sessions"), "live-pertama", "random", "Ani")


def session_copy(source: Path, folder: Path, name: str = "edited.json",
                 **changes: object) -> Path:
    """A copy of a session file with top-level fields changed."""
    data = json.loads(source.read_text(encoding="utf-8"))
    data.update(changes)
    target = folder / name
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return target
