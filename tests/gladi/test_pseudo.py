"""The command line in the pseudo-language ``xx``: every string is bracketed (docs/i18n.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gladi.cli import main
from i18n import PSEUDO_ENV, translate

from ..pseudo import unbracketed, unwrapped_phrases

#: What may stand outside brackets on a line of ``gladi simulate``: numbers and the marks
#: around them (a tip's "1.", a table's columns).
DATA = re.compile(r"[\s\d.,:%/—·-]*")


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLADI_DATA_DIR", str(tmp_path / "gladi-data"))
    monkeypatch.delenv("GLADI_LANG", raising=False)


@pytest.mark.parametrize("scenario", ["live-pertama", "serbuan-troll"])
def test_simulate_in_xx_brackets_every_line(scenario: str, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PSEUDO_ENV, "1")
    assert main(["--lang", "xx", "simulate", "--scenario", scenario, "--no-history"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) > 20
    loose = [line for line in lines if not DATA.fullmatch(unbracketed(line))]
    assert loose == []
    assert unwrapped_phrases(out) == []


def test_the_check_finds_an_unwrapped_string() -> None:
    leak = translate("simulate.saved", "en", path="x.json")
    assert unwrapped_phrases(f"[{translate('cli.error', 'en', message='x')}] {leak}")
    assert not DATA.fullmatch(unbracketed(f"[ok] {leak}"))
    assert unwrapped_phrases(translate("simulate.saved", "xx", path="x.json")) == []


def test_xx_is_not_offered_without_the_switch(capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PSEUDO_ENV, raising=False)
    with pytest.raises(SystemExit) as done:
        main(["--lang", "xx", "simulate", "--no-history"])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert translate("cli.argparse_invalid_choice", "id") % {
        "value": "xx", "choices": "'id', 'en'"} in err
    monkeypatch.setenv("GLADI_LANG", "xx")
    assert main(["simulate", "--no-history"]) == 0
    assert translate("judge.passed", "id").split()[0] in capsys.readouterr().out
