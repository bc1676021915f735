"""Broken files in the shape of the docs' examples: every problem in one run (issue 27).

A trainer copies the worked example of docs/scenario-format.md and makes the
mistakes people make: a misspelt field, a negative rate, phases out of order, a
colon inside braces, an unclosed brace, and in the pack file a persona and a slot
that do not exist and an answer without its source. ``validate`` must list them
all at once, each at its own line (and column for YAML), in the user's language,
field paths counted from 1, with fixes that are right.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from debrief.scenario_text import describe_scenario_error
from gladi import cli
from scenarios import ScenarioError, check_scenario
from tests.scenarios.test_loader import line_of
from tests.scenarios.test_problems import ENGLISH
from tests.scenarios.test_validate_all import written_examples


def _examples(folder: Path) -> tuple[Path, Path]:
    """The docs' dbd-desa scenario and its pack file, written to ``folder``."""
    written_examples(folder)
    return folder / "dbd-desa.yaml", folder / "paket-dbd.yaml"


def _break(path: Path, *pairs: tuple[str, str]) -> str:
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text


def test_every_problem_of_the_scenario_and_its_pack_comes_in_one_run(tmp_path: Path) -> None:
    scenario, pack = _examples(tmp_path)
    text = _break(scenario,
                  ("difficulty: easy", "dificulty: easy"),
                  ("start_s: 0\n", "start_s: 90\n"),
                  ("hoax: 0.04", "hoax: -1"))
    pack_text = _break(pack,
                       ("personas: [young_mother, cadre]", "personas: [ibu, cadre]"),
                       ("di {place} lg banyak nyamuk", "di {kampung} lg banyak nyamuk"),
                       ('    source: "Kemenkes, Gerakan Satu Rumah Satu Jumantik"\n', ""))
    check = check_scenario(scenario)
    got = [(p.code, p.path, p.line, None if p.file is None else Path(p.file).name)
           for p in check.problems]
    assert got == [
        ("missing", "difficulty", None, None),
        ("extra_forbidden", "dificulty", line_of(text, "dificulty"), None),
        ("phases_not_in_order", "phases[0].start_s", line_of(text, "    start_s: 90"), None),
        ("phase_out_of_order", "phases[1].start_s", line_of(text, "    start_s: 60"), None),
        ("greater_than_equal", "phases[1].rates.hoax", line_of(text, "    start_s: 60") + 1,
         None),
        ("slot_undefined", "templates[0].text", line_of(pack_text, '    text: "kak PSN'),
         "paket-dbd.yaml"),
        ("translation_slots", "templates[0].translation_en",
         line_of(pack_text, '    translation_en: "Sis, what is PSN'), "paket-dbd.yaml"),
        ("literal_error", "templates[0].personas[0]", line_of(pack_text, "    personas: [ibu"),
         "paket-dbd.yaml"),
        ("source_missing", "templates[1]", line_of(pack_text, "  - id: dbd-q-002"),
         "paket-dbd.yaml"),
    ]
    # No list is reported "too short" because one of its items was wrong.
    assert "too_short" not in {p.code for p in check.problems}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_fixes_are_right_and_in_the_users_language(
    tmp_path: Path, lang: str, capsys: pytest.CaptureFixture[str],
) -> None:
    scenario, _ = _examples(tmp_path)
    _break(scenario, ("start_s: 0\n", "start_s: 90\n"))
    assert cli.main(["--lang", lang, "scenario", "validate", str(scenario)]) == 1
    out = capsys.readouterr().out
    if lang == "id":
        # Reorder the phases: setting the first to 0 would leave two phases at 0.
        assert "urutkan fase menurut start_s" in out and "ubah start_s menjadi 0" not in out
        assert "kolom phases ke-1 > start_s" in out
        lines = [line for line in out.splitlines() if line.startswith("  - ")]
        assert lines and not [line for line in lines if ENGLISH.search(line)], lines
    else:
        assert "list the phases by start_s" in out and "field phases no. 1 > start_s" in out


def test_a_colon_inside_braces_is_explained_as_a_colon(tmp_path: Path) -> None:
    scenario, _ = _examples(tmp_path)
    text = _break(scenario, ('{id: "Pembukaan", en: "Opening"}',
                             "{id: Pembukaan: pagi, en: Opening}"))
    problem, = check_scenario(scenario).problems
    assert (problem.code, problem.params["kind"]) == ("yaml_syntax", "colon_in_braces")
    assert problem.line == line_of(text, "  - name: {id: Pembukaan: pagi")
    described = describe_scenario_error(ScenarioError("x", [problem]), "id")
    assert "titik dua" in described and "tanda kutip" in described
    assert "kurung" not in described


def test_an_unclosed_brace_is_reported_where_it_opens(tmp_path: Path) -> None:
    scenario, _ = _examples(tmp_path)
    text = _break(scenario, ('title: {id: "Live DBD di desa", en: "Dengue live in the village"}',
                             'title: {id: "Live DBD di desa", en: "Dengue live in the village"'))
    problem, = check_scenario(scenario).problems
    assert problem.params["kind"] == "bracket_unclosed"
    assert problem.line == line_of(text, "title:")
    assert problem.params["column"] == len("title: ") + 1
    described = describe_scenario_error(ScenarioError("x", [problem]), "en")
    assert f"line {problem.line}: " in described and 'close it with "}"' in described


def test_a_phase_starting_with_the_one_before_says_so(tmp_path: Path) -> None:
    scenario, _ = _examples(tmp_path)
    _break(scenario, ("start_s: 60", "start_s: 0"))
    problem, = check_scenario(scenario).problems
    assert (problem.code, problem.path) == ("phase_same_start", "phases[1].start_s")


def test_a_wrong_phase_field_adds_no_false_empty_phases_problem(tmp_path: Path) -> None:
    # pydantic calls the phase list "too short" when all its items fail; the file has two.
    scenario, _ = _examples(tmp_path)
    text = _break(scenario, ("    rates: {greeting: 0.3, question: 0.1, praise: 0.05}",
                             "    rates: {greeting: 0.3, questio: 0.1, praise: 0.05}\n"
                             "    taps: banyak"),
                  ("hoax: 0.04", "hoax: -1"))
    got = [(p.code, p.path, p.line) for p in check_scenario(scenario).problems]
    assert got == [("enum", "phases[0].rates.questio", line_of(text, "    rates: {greeting")),
                   ("float_parsing", "phases[0].taps", line_of(text, "    taps: banyak")),
                   ("greater_than_equal", "phases[1].rates.hoax",
                    line_of(text, "    rates: {greeting: 0.1"))]
