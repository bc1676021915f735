"""``gladi --help`` in the chosen language, argparse's own words ("usage:", errors) too."""

from __future__ import annotations

import argparse

import pytest

from gladi.cli import main


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stop:
        main(args)
    out = capsys.readouterr()
    return int(stop.value.code or 0), out.out + out.err


def test_help_is_all_indonesian(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run(["--lang", "id", "history", "--help"], capsys)
    assert code == 0
    assert text.startswith("cara pakai: gladi history")
    assert "pilihan:" in text and "tampilkan bantuan ini lalu keluar" in text
    assert "usage:" not in text and "options:" not in text and "show this help" not in text


def test_argparse_errors_are_indonesian(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run(["--lang", "id", "simulate", "--tidak-ada"], capsys)
    assert code == 2
    assert "galat: argumen tidak dikenal: --tidak-ada" in text


def test_english_stays_argparse_english_and_argparse_is_left_as_it_was(
        capsys: pytest.CaptureFixture[str]) -> None:
    before = vars(argparse)["_"]
    code, text = _run(["--lang", "en", "history", "--help"], capsys)
    assert code == 0 and text.startswith("usage: gladi history") and "options:" in text
    assert vars(argparse)["_"] is before
