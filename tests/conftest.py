"""Test-wide settings."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _gladi_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test writes into the user's real Gladi folder (history, saved sessions)."""
    monkeypatch.setenv("GLADI_DATA_DIR", str(tmp_path / "gladi-data"))
