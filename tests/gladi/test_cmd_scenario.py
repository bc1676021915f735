"""``gladi scenario``: exit codes, readable and JSON output, in both languages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from gladi import cli
from gladi.cmd_scenario import schema_text
from scenarios import load_content_pack, load_economy, loader, parse_scenario, scenario_json_schema
from tests.scenarios.test_loader import ECONOMY, MINIMAL, PACK, line_of, replace_line

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Only this command, private built-in data, and the language restored afterwards."""
    # Other commands are written by other people; this test must not depend on them.
    monkeypatch.setattr(cli, "COMMANDS", ("gladi.cmd_scenario",))
    root = tmp_path / "data"
    (root / "scenarios").mkdir(parents=True)
    (root / "content").mkdir()
    (root / "scenarios" / "mini.yaml").write_text(MINIMAL, encoding="utf-8")
    (root / "content" / "core.yaml").write_text(PACK, encoding="utf-8")
    (root / "economy.yaml").write_text(ECONOMY, encoding="utf-8")
    monkeypatch.setattr(loader, "_data_root", lambda: root)
    load_content_pack.cache_clear()
    load_economy.cache_clear()
    yield root
    load_content_pack.cache_clear()
    load_economy.cache_clear()


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_dispatcher_lists_this_command() -> None:
    source = (ROOT / "gladi" / "cli.py").read_text(encoding="utf-8")
    assert '"gladi.cmd_scenario"' in source


# ---------------------------------------------------------------- validate


def test_validate_valid_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, "good.yaml", MINIMAL)
    assert cli.main(["--lang", "en", "scenario", "validate", good]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"OK  {good}  (mini: Mini drill)")
    assert "1 checked: 1 fine, 0 with problems." in out


def test_validate_builtin_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["scenario", "validate", "mini"]) == 0
    assert "OK  mini  (mini: Latihan mini)" in capsys.readouterr().out


def test_validate_reports_invalid_files_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path, "good.yaml", MINIMAL)
    text = replace_line(MINIMAL, "      hoax:", "      hoax: -1")
    bad = write(tmp_path, "bad.yaml", text)
    broken = write(tmp_path, "broken.yaml", "id: x\n  title: y\n")
    assert cli.main(["scenario", "validate", good, bad, broken]) == 1
    captured = capsys.readouterr()
    assert f"OK  {good}" in captured.out
    assert f"Berkas {bad} punya 1 masalah:" in captured.out
    assert f"baris {line_of(text, '      hoax')}, kolom phases ke-1 > rates > hoax" in captured.out
    assert f"Berkas {broken} punya 1 masalah:" in captured.out
    assert "baris 2" in captured.out
    assert "3 diperiksa: 1 baik, 2 bermasalah." in captured.out
    assert "Traceback" not in captured.out + captured.err


def test_validate_reports_unknown_content_packs_under_the_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "x.yaml", MINIMAL.replace("content: [core]", "content: [cor]"))
    assert cli.main(["--lang", "en", "scenario", "validate", path]) == 1
    out = capsys.readouterr().out
    assert f"File {path} has 1 problem:" in out
    assert 'field content no. 1: there is no content pack called "cor"; did you mean "core"?' in out


def test_validate_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["scenario", "validate", str(tmp_path / "none.yaml")]) == 1
    assert "berkas tidak ditemukan" in capsys.readouterr().out


# ---------------------------------------------------------------- show


def test_show_readable_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "mini.yaml", MINIMAL)
    assert cli.main(["scenario", "show", path]) == 0
    indonesian = capsys.readouterr().out
    assert indonesian.startswith("Latihan mini  [mini, versi 1]\nRingkas\n")
    assert "Tingkat: mudah" in indonesian
    assert "Tujuan belajar:\n  - Hapus hoaks" in indonesian
    assert "  00:00  Pembukaan" in indonesian and "  01:00  Inti" in indonesian
    assert "  00:30  troll_raid: 5 kali dalam 20 detik; kategori: judol" in indonesian

    assert cli.main(["--lang", "en", "scenario", "show", path]) == 0
    english = capsys.readouterr().out
    assert english.startswith("Mini drill  [mini, version 1]\nShort\n")
    assert "Level: easy   Length: 2 min" in english
    assert "Learning goals:\n  - Delete hoaxes" in english
    assert "  00:30  troll_raid: 5 within 20 s; categories: judol" in english


def test_show_json_is_the_validated_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["scenario", "show", "mini", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = parse_scenario(MINIMAL, filename="x").model_dump(mode="json")
    assert data == expected
    assert data["settings"]["mute_presets_s"][-1] is None  # defaults are filled in


def test_show_unknown_is_a_user_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--lang", "en", "scenario", "show", "minii"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("Error: File minii has 1 problem:")
    assert 'did you mean "mini"?' in captured.err


def test_show_invalid_file_is_a_user_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "bad.yaml", "- a list\n")
    assert cli.main(["scenario", "show", path]) == 2
    assert "baris 1" in capsys.readouterr().err


# ---------------------------------------------------------------- list


def test_list_json(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (isolated / "scenarios" / "zz-hard.yaml").write_text(
        MINIMAL.replace("id: mini", "id: zz-hard").replace("difficulty: easy", "difficulty: hard"),
        encoding="utf-8",
    )
    assert cli.main(["scenario", "list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [item["id"] for item in data] == ["mini", "zz-hard"]
    assert data[0] == {
        "id": "mini",
        "version": 1,
        "title": {"id": "Latihan mini", "en": "Mini drill"},
        "summary": {"id": "Ringkas", "en": "Short"},
        "difficulty": "easy",
        "duration_s": 120,
        "pass_mark": 60,
        "topic": "imunisasi",
    }
    assert data[1]["difficulty"] == "hard"


def test_list_table_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["scenario", "list"]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split() == ["ID", "TINGKAT", "MENIT", "JUDUL"]
    assert row.split() == ["mini", "mudah", "2", "Latihan", "mini"]
    assert cli.main(["--lang", "en", "scenario", "list"]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split() == ["ID", "LEVEL", "MINUTES", "TITLE"]
    assert row.split() == ["mini", "easy", "2", "Mini", "drill"]


def test_list_with_a_broken_builtin_lists_the_rest_and_exits_1(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (isolated / "scenarios" / "broken.yaml").write_text("id: broken\n", encoding="utf-8")
    assert cli.main(["scenario", "list", "--json"]) == 1
    captured = capsys.readouterr()
    assert [item["id"] for item in json.loads(captured.out)] == ["mini"]
    assert "<builtin:broken>" in captured.err


def test_list_empty(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (isolated / "scenarios" / "mini.yaml").unlink()
    assert cli.main(["--lang", "en", "scenario", "list"]) == 0
    assert capsys.readouterr().out.strip() == "There are no built-in scenarios yet."
    assert cli.main(["scenario", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


# ---------------------------------------------------------------- schema and help


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["scenario", "schema"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == scenario_json_schema()
    assert out == schema_text()


def test_published_schema_is_up_to_date() -> None:
    """docs/scenario.schema.json is regenerated by `uv run python tools/write_schema.py`."""
    published = (ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8")
    assert published == schema_text(), "run: uv run python tools/write_schema.py"


def test_scenario_alone_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["scenario"]) == 2
    out = capsys.readouterr().out
    for action in ("list", "show", "validate", "schema"):
        assert action in out


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [("id", "periksa berkas skenario"), ("en", "check scenario files")],
)
def test_help_is_translated(lang: str, phrase: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--lang", lang, "scenario", "--help"])
    assert exited.value.code == 0
    assert phrase in capsys.readouterr().out
