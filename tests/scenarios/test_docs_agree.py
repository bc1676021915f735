"""The docs say what the code does (issue 27): every allowed value of every closed field is
in docs/scenario-format.md, and the scenario tables of the docs match the scenario files."""

from __future__ import annotations

import re
import typing
from enum import StrEnum
from pathlib import Path

import pytest

from scenarios import builtin_scenario_ids, load_scenario
from scenarios.schema import Component
from scenarios.taxonomy import (
    Category,
    Difficulty,
    Evasion,
    InjectKind,
    Persona,
    ReportReason,
    Response,
)

ROOT = Path(__file__).resolve().parents[2]
FORMAT = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
CONTENT = (ROOT / "docs" / "content.md").read_text(encoding="utf-8")
DATA_README = (ROOT / "scenarios" / "data" / "README.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _closed_values_section() -> str:
    start = FORMAT.index("### Vocabulary: the allowed values of every closed field")
    return FORMAT[start:FORMAT.index("\n## ", start)]


@pytest.mark.parametrize("enum", [Category, Difficulty, Evasion, InjectKind, Persona,
                                  ReportReason, Response], ids=lambda e: e.__name__)
def test_every_allowed_value_is_in_the_format_doc(enum: type[StrEnum]) -> None:
    section = _closed_values_section()
    assert [m.value for m in enum if f"`{m.value}`" not in section] == []


def test_the_score_parts_are_in_the_format_doc() -> None:
    section = _closed_values_section()
    assert [c for c in typing.get_args(Component) if f"`{c}`" not in section] == []


@pytest.mark.parametrize("scenario_id", builtin_scenario_ids())
def test_the_docs_give_each_scenario_its_files_difficulty(scenario_id: str) -> None:
    scenario = load_scenario(scenario_id)
    level = scenario.difficulty.value
    row = re.search(rf"^\| `{re.escape(scenario_id)}` \| (\w+) \| (\d+) \| (\d+) \|", CONTENT, re.M)
    assert row is not None, scenario_id
    assert row.groups() == (level, str(scenario.duration_s // 60), str(scenario.pass_mark))
    data = re.search(rf"^\| `scenarios/{re.escape(scenario_id)}\.yaml` \| `Scenario` \| (\w+),",
                     DATA_README, re.M)
    assert data is not None and data.group(1).lower() == level, scenario_id
    readme = re.search(rf"^\| `{re.escape(scenario_id)}` \| (\w+) \|", README, re.M)
    assert readme is None or readme.group(1) == level, scenario_id
    header = (ROOT / "scenarios" / "data" / "scenarios" / f"{scenario_id}.yaml").read_text(
        encoding="utf-8").splitlines()[0]
    assert f"— {level.upper()}," in header, header
