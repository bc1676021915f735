"""Everything a trainer is shown validates: the built-in scenarios and every example in the docs.

The built-in scenarios must pass ``gladi scenario validate`` without a single
problem or suggestion, trial runs included; every YAML example in
docs/scenario-format.md must validate as written (pack files are written
beside the scenario that names them, as the doc tells a trainer to do).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from gladi import cli
from scenarios import builtin_scenario_ids, check_scenario

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "scenario-format.md"
FILE_MARK = re.compile(r"^# file: (\S+)\n")


def yaml_examples() -> list[str]:
    """The ```yaml blocks of the scenario format doc, in order."""
    text = DOC.read_text(encoding="utf-8")
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.S)


def written_examples(folder: Path) -> list[Path]:
    """Write every example to ``folder`` (named ones under their name); return the scenarios."""
    scenarios: list[Path] = []
    for i, block in enumerate(yaml_examples()):
        data = yaml.safe_load(block)
        if data is None:
            continue  # a comment-only snippet (the editor's schema line)
        mark = FILE_MARK.match(block)
        path = folder / (mark.group(1) if mark else f"example-{i}.yaml")
        path.write_text(block, encoding="utf-8")
        if "templates" not in data:
            scenarios.append(path)
    return scenarios


def test_the_doc_has_examples_of_pack_files_and_inline_packs() -> None:
    blocks = [yaml.safe_load(b) for b in yaml_examples()]
    blocks = [b for b in blocks if b]
    assert any("templates" in b for b in blocks), "a pack file example"
    assert any("packs" in b for b in blocks), "an inline pack example"
    assert any(any(str(c).endswith(".yaml") for c in b.get("content", ())) for b in blocks)


def test_every_yaml_example_in_the_doc_validates(tmp_path: Path) -> None:
    scenarios = written_examples(tmp_path)
    assert len(scenarios) >= 3
    for path in scenarios:
        check = check_scenario(path)
        assert check.problems == (), (path.name, check.problems)
        assert check.warnings == (), (path.name, check.warnings)


def test_the_worked_example_brings_its_own_templates(tmp_path: Path) -> None:
    written_examples(tmp_path)
    check = check_scenario(tmp_path / "dbd-desa.yaml")
    assert check.scenario is not None
    assert check.scenario.content == ("core", "obrolan")
    assert [p.id for p in check.scenario.packs] == ["dbd-desa"]
    assert {t.id for t in check.packs[-1].templates} == {"dbd-q-001", "dbd-q-002", "dbd-q-003",
                                                          "dbd-hoax-001"}


def test_the_worked_example_passes_validate_with_its_trial_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written_examples(tmp_path)
    assert cli.main(["scenario", "validate", str(tmp_path / "dbd-desa.yaml")]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "Saran" not in out, out


#: The suggestions a built-in scenario makes on purpose. The crisis starts with the
#: over-broad filter a frightened host would set ("autis", "chip"): it hides a few
#: honest questions, which is its lesson, so validate says so and the debrief counts them.
INTENDED = {
    "krisis-hoaks-vaksin": [("filter_hides_harmless", "settings.keyword_filter[1]"),
                            ("filter_hides_harmless", "settings.keyword_filter[2]")],
}


@pytest.mark.parametrize("scenario_id", builtin_scenario_ids())
def test_builtin_scenario_has_no_problem_and_no_suggestion(scenario_id: str) -> None:
    check = check_scenario(scenario_id)
    assert check.problems == ()
    assert [(w.code, w.path) for w in check.warnings] == INTENDED.get(scenario_id, [])


def test_builtin_scenarios_pass_their_trial_runs(capsys: pytest.CaptureFixture[str]) -> None:
    plain = [s for s in builtin_scenario_ids() if s not in INTENDED]
    assert cli.main(["--lang", "en", "scenario", "validate", *plain]) == 0
    out = capsys.readouterr().out
    assert "Suggestions" not in out, out
    assert cli.main(["--lang", "en", "scenario", "validate", *INTENDED]) == 0
    out = capsys.readouterr().out
    assert out.count("  - ") == sum(len(w) for w in INTENDED.values()), out
    assert 'the starting filter word "autis" hides' in out
