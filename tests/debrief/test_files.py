"""Atomic writes: all or nothing, and a clear message for commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from debrief.errors import UserError
from debrief.files import replace_atomically, write_atomically


def test_replaces_the_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "sesi.json"
    replace_atomically(target, "lama")
    replace_atomically(target, "baru")
    assert target.read_text(encoding="utf-8") == "baru"
    assert sorted(p.name for p in target.parent.iterdir()) == ["sesi.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "sesi.json"
    target.mkdir()  # renaming a file over a folder fails
    with pytest.raises(OSError):
        replace_atomically(target, "x")
    assert target.is_dir() and list(tmp_path.iterdir()) == [target]


def test_commands_get_a_translated_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UserError, match="--out"):
        write_atomically(blocker / "sesi.json", "x", "simulate.cannot_write", "en")
    assert blocker.read_text() == "x"
