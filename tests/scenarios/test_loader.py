"""The scenario loader: valid files load, and every kind of bad file is located and explained."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

import i18n
import scenarios
from debrief.scenario_text import describe_scenario_error
from scenarios import (
    Problem,
    ScenarioError,
    builtin_scenario_ids,
    load_content,
    load_content_pack,
    load_economy,
    load_scenario,
    loader,
    parse_scenario,
    scenario_json_schema,
)
from scenarios.schema import Scenario
from scenarios.taxonomy import Category, Difficulty

# Line numbers matter to the tests below: keep the layout (see `line_of`).
MINIMAL = """\
id: mini
title: {id: "Latihan mini", en: "Mini drill"}
summary: {id: "Ringkas", en: "Short"}
topic: imunisasi
duration_s: 120
content: [core]
difficulty: easy
learning_goals:
  - {id: "Hapus hoaks", en: "Delete hoaxes"}
audience:
  start_viewers: 3
  peak_viewers: 20
phases:
  - name: {id: Pembukaan, en: Opening}
    start_s: 0
    rates:
      greeting: 0.2
      hoax: 0.02
  - name: {id: Inti, en: Core}
    start_s: 60
    rates: {question: 0.2}
injects:
  - {at_s: 30, kind: troll_raid, categories: [judol]}
"""

PACK = """\
id: core
title: {id: "Paket uji", en: "Test pack"}
slots:
  place: [Sukamaju]
templates:
  - id: hi-1
    category: greeting
    text: "halo dari {place}"
    translation_en: "hello from {place}"
    explanation: {id: "sapaan", en: "a greeting"}
"""

ECONOMY = """\
as_of: 2026-11-01
source: test
coin_idr: 250
creator_share: 0.5
gifts:
  - {id: mawar, name: {id: Mawar, en: Rose}, coins: 1}
"""


def line_of(text: str, start: str) -> int:
    """The 1-based number of the first line of ``text`` that starts with ``start``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(start):
            return number
    raise AssertionError(f"no line starts with {start!r}")


def replace_line(text: str, start: str, new: str) -> str:
    lines = text.splitlines()
    lines[line_of(text, start) - 1] = new
    return "\n".join(lines) + "\n"


def problems_of(text: str, filename: str = "latihan.yaml") -> tuple[Problem, ...]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, filename=filename)
    assert caught.value.file == filename
    return caught.value.problems


def only(problems: tuple[Problem, ...]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


@pytest.fixture
def data_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private built-in data folder, so these tests never depend on the real data."""
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


# ---------------------------------------------------------------- valid files


def test_minimal_scenario_parses_with_defaults() -> None:
    scenario = parse_scenario(MINIMAL, filename="mini.yaml")
    assert isinstance(scenario, Scenario)
    assert scenario.id == "mini"
    assert scenario.difficulty is Difficulty.EASY
    assert scenario.phases[0].rates[Category.HOAX] == 0.02
    assert scenario.phases[1].start_s == 60
    assert scenario.version == 1 and scenario.pass_mark == 60


@pytest.mark.parametrize("name", ["mini.yaml", "mini.yml", "MINI.YAML"])
def test_load_scenario_from_a_path(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(MINIMAL, encoding="utf-8")
    assert load_scenario(path).id == "mini"
    assert load_scenario(str(path)).id == "mini"


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    # Windows Notepad may save "UTF-8 with BOM".
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode("utf-8"))
    assert load_scenario(path).id == "mini"


def test_dates_and_yes_no_words_stay_text() -> None:
    # YAML 1.1 would turn these into a date and booleans and fail as "not a string".
    text = MINIMAL.replace("topic: imunisasi", "topic: 2026-11-01")
    text += "settings:\n  keyword_filter: [no, on, yes]\n"
    scenario = parse_scenario(text, filename="x.yaml")
    assert scenario.topic == "2026-11-01"
    assert scenario.settings.keyword_filter == ("no", "on", "yes")


def test_merge_keys_work_and_keep_lines() -> None:
    text = MINIMAL.replace(
        "  - name: {id: Inti, en: Core}\n    start_s: 60\n    rates: {question: 0.2}\n",
        "  - &opening\n    name: {id: Inti, en: Core}\n    start_s: 60\n"
        "    rates: {question: 0.2}\n"
        "  - <<: *opening\n    start_s: 90\n    taps: -1\n",
    )
    problem = only(problems_of(text))
    assert problem.path == "phases[2].taps"
    assert problem.line == line_of(text, "    taps: -1")


# ---------------------------------------------------------------- bad files


def test_misspelt_field_is_extra_forbidden_at_its_line() -> None:
    text = replace_line(MINIMAL, "difficulty:", "dificulty: easy")
    assert line_of(text, "dificulty") == 7
    problems = problems_of(text)
    extra = next(p for p in problems if p.code == "extra_forbidden")
    assert (extra.path, extra.line) == ("dificulty", 7)
    assert extra.params["suggestion"] == "difficulty"
    # The correct spelling is now missing too; both are reported.
    assert {p.code for p in problems} == {"extra_forbidden", "missing"}


def test_misspelt_nested_field_suggests_from_the_right_model() -> None:
    text = replace_line(MINIMAL, "    start_s: 60", "    strat_s: 60")
    extra = next(p for p in problems_of(text) if p.code == "extra_forbidden")
    assert extra.path == "phases[1].strat_s"
    assert extra.line == line_of(text, "    strat_s")
    assert extra.params["suggestion"] == "start_s"
    assert "rates" in extra.params["allowed"]  # type: ignore[operator]


def test_negative_rate_is_greater_than_equal_with_path_and_line() -> None:
    text = replace_line(MINIMAL, "      hoax:", "      hoax: -1")
    problem = only(problems_of(text))
    assert problem.code == "greater_than_equal"
    assert problem.path == "phases[0].rates.hoax"
    assert problem.line == line_of(text, "      hoax")
    assert problem.params["ge"] == 0
    assert problem.params["input"] == "-1"


def test_unknown_category_key_names_the_key() -> None:
    text = replace_line(MINIMAL, "      hoax:", "      hox: 0.1")
    problem = only(problems_of(text))
    assert problem.code == "enum"
    assert problem.path == "phases[0].rates.hox"
    assert problem.line == line_of(text, "      hox")
    assert problem.params["in_key"] is True
    assert "hoax" in problem.params["choices"]  # type: ignore[operator]


def test_enum_value_lists_choices() -> None:
    problem = only(problems_of(replace_line(MINIMAL, "difficulty:", "difficulty: hardd")))
    assert (problem.code, problem.path, problem.line) == ("enum", "difficulty", 7)
    assert problem.params["choices"] == ("easy", "medium", "hard")


def test_comma_decimal_is_float_parsing() -> None:
    text = replace_line(MINIMAL, "      greeting:", "      greeting: 0,5")
    problem = only(problems_of(text))
    assert problem.code == "float_parsing"
    assert problem.path == "phases[0].rates.greeting"


def test_missing_nested_field_points_at_its_parent() -> None:
    text = MINIMAL.replace("  peak_viewers: 20\n", "")
    problem = only(problems_of(text))
    assert (problem.code, problem.path) == ("missing", "audience.peak_viewers")
    assert problem.line == line_of(text, "audience:")


def test_missing_top_level_field_belongs_to_the_whole_file() -> None:
    problem = only(problems_of(MINIMAL.replace("topic: imunisasi\n", "")))
    assert (problem.code, problem.path, problem.line) == ("missing", "topic", None)


def test_model_rule_is_a_coded_problem_at_the_item() -> None:
    text = replace_line(MINIMAL, "  - {at_s: 30", "  - {at_s: 30, kind: official_joins}")
    problem = only(problems_of(text))
    assert problem.code == "official_without_role"
    assert problem.path == "injects[0]"
    assert problem.line == line_of(text, "  - {at_s: 30")
    assert problem.message == "official_joins needs a role: midwife or village_head"


def test_every_problem_is_reported_in_file_order() -> None:
    text = replace_line(MINIMAL, "duration_s:", "duration_s: 1,5")
    text = replace_line(text, "difficulty:", "difficulty: hardd")
    text = replace_line(text, "      hoax:", "      hoax: -1")
    text = replace_line(text, "  start_viewers:", "  start_viewerz: 3")
    problems = problems_of(text)
    assert [(p.code, p.path, p.line) for p in problems] == [
        ("int_parsing", "duration_s", line_of(text, "duration_s")),
        ("enum", "difficulty", line_of(text, "difficulty")),
        # The misspelt key leaves the real one missing: it points at its parent.
        ("missing", "audience.start_viewers", line_of(text, "audience:")),
        ("extra_forbidden", "audience.start_viewerz", line_of(text, "  start_viewerz")),
        ("greater_than_equal", "phases[0].rates.hoax", line_of(text, "      hoax")),
    ]


def test_duplicate_key_is_reported_even_when_the_rest_is_valid() -> None:
    text = MINIMAL.replace("  peak_viewers: 20\n", "  peak_viewers: 20\n  peak_viewers: 30\n")
    problem = only(problems_of(text))
    assert problem.code == "duplicate_key"
    assert problem.path == "audience.peak_viewers"
    assert problem.line == line_of(text, "  peak_viewers: 30")
    assert problem.params["first_line"] == line_of(text, "  peak_viewers: 20")


def test_broken_indentation_is_yaml_syntax_with_line_and_column() -> None:
    text = MINIMAL.replace("  peak_viewers: 20", " peak_viewers: 20")
    problem = only(problems_of(text))
    assert problem.code == "yaml_syntax"
    assert problem.path == ""
    assert problem.line == line_of(text, " peak_viewers")
    assert problem.params["column"] == 2


def test_tab_indentation_is_yaml_syntax_at_the_tab() -> None:
    text = MINIMAL.replace("  start_viewers: 3", "\tstart_viewers: 3")
    problem = only(problems_of(text))
    assert problem.code == "yaml_syntax"
    assert problem.line == line_of(text, "\tstart_viewers")


def test_unclosed_quote_is_yaml_syntax() -> None:
    text = MINIMAL.replace('"Ringkas"', '"Ringkas')
    problem = only(problems_of(text))
    assert problem.code == "yaml_syntax"
    assert problem.params["context_line"] == line_of(text, "summary:")


def test_control_character_is_yaml_syntax_at_its_line() -> None:
    text = MINIMAL.replace("topic: imunisasi", "topic: imunisasi\x07")
    problem = only(problems_of(text))
    assert (problem.code, problem.line) == ("yaml_syntax", line_of(text, "topic:"))


def test_non_text_field_name_is_invalid_key() -> None:
    text = MINIMAL + "12: x\n"
    problem = only(problems_of(text))
    assert (problem.code, problem.line) == ("invalid_key", line_of(text, "12:"))


def test_offending_input_is_shown_short() -> None:
    text = replace_line(MINIMAL, "difficulty:", "difficulty: " + "x" * 500)
    problem = only(problems_of(text))
    assert len(str(problem.params["input"])) <= 60


@pytest.mark.parametrize("text", ["- a\n- b\n", "just words\n", "42\n"])
def test_top_level_must_be_a_mapping(text: str) -> None:
    problem = only(problems_of(text))
    assert (problem.code, problem.path, problem.line) == ("not_a_mapping", "", 1)


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "~\n"])
def test_empty_file(text: str) -> None:
    assert only(problems_of(text)).code == "empty_file"


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(MINIMAL.replace("Ringkas", "Ringkas café").encode("latin-1"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    problem = only(caught.value.problems)
    assert problem.code == "not_utf8"
    assert problem.line == line_of(MINIMAL, "summary:")
    assert caught.value.file == str(path)


def test_utf16_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes(MINIMAL.encode("utf-16"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert only(caught.value.problems).code == "not_utf8"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nothing.yaml"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.file == str(path)
    assert only(caught.value.problems).code == "file_not_found"


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    assert only(caught.value.problems).code == "is_a_directory"


def test_unknown_builtin_suggests_the_closest(data_root: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario("minii")
    problem = only(caught.value.problems)
    assert problem.code == "unknown_scenario"
    assert problem.params["suggestion"] == "mini"
    assert problem.params["known"] == ("mini",)


# ---------------------------------------------------------------- describe()


def test_describe_names_file_path_and_line_in_both_languages() -> None:
    text = replace_line(MINIMAL, "      hoax:", "      hoax: -1")
    line = line_of(text, "      hoax")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, filename="latihan.yaml")
    indonesian = describe_scenario_error(caught.value, "id")
    english = describe_scenario_error(caught.value, "en")
    for message in (indonesian, english):
        assert "latihan.yaml" in message
        assert "Traceback" not in message
    # Field paths as a person counts, list items from 1 (issue 27).
    assert "kolom phases ke-1 > rates > hoax" in indonesian
    assert "field phases no. 1 > rates > hoax" in english
    assert f"baris {line}" in indonesian and "0 atau lebih" in indonesian
    assert f"line {line}" in english and "0 or more" in english


def test_describe_lists_every_problem() -> None:
    text = replace_line(MINIMAL, "difficulty:", "difficulty: hardd")
    text = replace_line(text, "      hoax:", "      hoax: -1")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, filename="x.yaml")
    described = describe_scenario_error(caught.value, "en")
    assert "2 problems" in described
    assert "easy, medium, hard" in described and "hardd" in described
    assert len(described.splitlines()) == 3


def test_describe_translates_model_rules() -> None:
    text = replace_line(MINIMAL, "  - {at_s: 30", "  - {at_s: 30, kind: official_joins}")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, filename="x.yaml")
    assert "official_joins perlu role" in describe_scenario_error(caught.value, "id")
    assert "needs a role" not in describe_scenario_error(caught.value, "id")
    assert "official_joins needs a role" in describe_scenario_error(caught.value, "en")


def test_describe_yaml_syntax_gives_line_and_column() -> None:
    text = MINIMAL.replace("  peak_viewers: 20", " peak_viewers: 20")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, filename="x.yaml")
    line = line_of(text, " peak_viewers")
    assert f"baris {line}" in describe_scenario_error(caught.value, "id")
    assert "posisi ke-2" in describe_scenario_error(caught.value, "id")
    assert f"line {line}" in describe_scenario_error(caught.value, "en")
    assert "column 2" in describe_scenario_error(caught.value, "en")


def test_describe_speaks_the_language_passed_in() -> None:
    error = ScenarioError("f.yaml", [Problem("title", None, "missing", "Field required")])
    assert "this field is required" in describe_scenario_error(error, "en")
    assert "wajib diisi" in describe_scenario_error(error, "id")


def test_describe_falls_back_to_the_english_detail_for_unknown_codes() -> None:
    error = ScenarioError("f.yaml", [Problem("x", 3, "something_new", "Some English detail")])
    assert "Some English detail" in describe_scenario_error(error, "id")
    assert "baris 3" in describe_scenario_error(error, "id")


#: Codes whose message must be translated, with values for their placeholders.
TRANSLATED = [
    "missing",
    "extra_forbidden",
    "string_too_short",
    "string_too_long",
    "string_type",
    "string_pattern_mismatch",
    "int_parsing",
    "int_type",
    "int_from_float",
    "float_parsing",
    "float_type",
    "bool_parsing",
    "bool_type",
    "greater_than_equal",
    "greater_than",
    "less_than_equal",
    "less_than",
    "enum",
    "literal_error",
    "too_short",
    "too_long",
    "invalid_key",
    "dict_type",
    "model_type",
    "list_type",
    "tuple_type",
    "value_error",
    "yaml_syntax",
    "not_a_mapping",
    "empty_file",
    "not_utf8",
    "file_not_found",
    "is_a_directory",
    "unreadable",
    "duplicate_key",
    "id_mismatch",
    "unknown_scenario",
    "unknown_content_pack",
]
PLACEHOLDER_VALUES: dict[str, object] = {
    "field": "f",
    "min_length": 1,
    "max_length": 2,
    "actual_length": 0,
    "pattern": "^x$",
    "ge": 0,
    "gt": 0,
    "le": 1,
    "lt": 1,
    "choices": ("a", "b"),
    "error": "broken",
    "detail": "oops",
    "column": 3,
    "first_line": 2,
    "id": "a",
    "expected": "b",
    "ref": "r",
    "pack": "p",
    "known": (),
}


@pytest.mark.parametrize("code", TRANSLATED)
@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_common_codes_are_translated(code: str, lang: str) -> None:
    error = ScenarioError("f.yaml", [Problem("x", 1, code, "FALLBACK", PLACEHOLDER_VALUES)])
    described = describe_scenario_error(error, lang)
    assert "FALLBACK" not in described
    assert "{" not in described


def test_error_is_picklable_and_problems_hashable() -> None:
    error = ScenarioError("f.yaml", [Problem("x", 1, "missing", "Field required", {"a": 1})])
    copy = pickle.loads(pickle.dumps(error))
    assert copy.file == "f.yaml" and copy.problems == error.problems
    assert hash(error.problems[0]) == hash(copy.problems[0])
    assert "f.yaml" in str(error) and "line 1" in str(error)


# ---------------------------------------------------------------- built-in data (fixture)


def test_builtin_ids_and_loading(data_root: Path) -> None:
    (data_root / "scenarios" / "another.yaml").write_text(
        MINIMAL.replace("id: mini", "id: another"), encoding="utf-8"
    )
    (data_root / "scenarios" / "notes.txt").write_text("not a scenario", encoding="utf-8")
    assert builtin_scenario_ids() == ("another", "mini")
    assert load_scenario("mini").id == "mini"


def test_builtin_id_must_match_its_file_name(data_root: Path) -> None:
    (data_root / "scenarios" / "other.yaml").write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario("other")
    assert caught.value.file == "<builtin:other>"
    assert only(caught.value.problems).code == "id_mismatch"


def test_broken_builtin_names_the_builtin(data_root: Path) -> None:
    (data_root / "scenarios" / "mini.yaml").write_text(
        MINIMAL.replace("duration_s: 120", "duration_s: 5"), encoding="utf-8"
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario("mini")
    assert caught.value.file == "<builtin:mini>"
    assert only(caught.value.problems).code == "greater_than_equal"


def test_content_packs_load_and_are_cached(data_root: Path) -> None:
    scenario = load_scenario("mini")
    packs = load_content(scenario)
    assert [p.id for p in packs] == ["core"]
    assert load_content_pack("core") is packs[0]


def test_unknown_content_packs_are_all_reported(data_root: Path) -> None:
    scenario = parse_scenario(
        MINIMAL.replace("content: [core]", "content: [core, cor, extra]"), filename="x.yaml"
    )
    with pytest.raises(ScenarioError) as caught:
        load_content(scenario)
    problems = caught.value.problems
    assert [(p.code, p.path) for p in problems] == [
        ("unknown_content_pack", "content[1]"),
        ("unknown_content_pack", "content[2]"),
    ]
    assert problems[0].params["suggestion"] == "core"


@pytest.mark.parametrize("pack_id", ["nope", "../scenarios/mini", "", "Core"])
def test_unknown_or_unsafe_pack_id(data_root: Path, pack_id: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_content_pack(pack_id)
    assert only(caught.value.problems).code == "unknown_content_pack"


def test_invalid_content_pack_is_located(data_root: Path) -> None:
    broken = PACK.replace("translation_en:", "translaton_en:")
    (data_root / "content" / "core.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_content_pack("core")
    assert caught.value.file == "<builtin:content/core>"
    extra = next(p for p in caught.value.problems if p.code == "extra_forbidden")
    assert extra.path == "templates[0].translaton_en"
    assert extra.line == line_of(broken, "    translaton_en")
    assert extra.params["suggestion"] == "translation_en"


def test_economy_loads_and_is_cached(data_root: Path) -> None:
    economy = load_economy()
    assert economy.as_of == "2026-11-01"  # a date in YAML, text in the model
    assert economy.gifts[0].coins == 1
    assert load_economy() is economy


def test_missing_economy(data_root: Path) -> None:
    (data_root / "economy.yaml").unlink()
    with pytest.raises(ScenarioError) as caught:
        load_economy()
    assert caught.value.file == "<builtin:economy>"
    assert only(caught.value.problems).code == "file_not_found"


# ---------------------------------------------------------------- JSON Schema


def test_json_schema_describes_the_scenario() -> None:
    schema = scenario_json_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["additionalProperties"] is False
    properties = schema["properties"]
    assert isinstance(properties, dict)
    assert {"id", "title", "phases", "injects", "audience"} <= set(properties)
    required = schema["required"]
    assert isinstance(required, list)
    assert set(required) >= {"id", "title", "phases"}


def test_loader_api_is_reexported() -> None:
    assert scenarios.load_scenario is load_scenario
    assert set(scenarios.__all__) == set(loader.__all__)


# ---------------------------------------------------------------- the real built-in data


def _real_files(folder: str) -> list[str]:
    directory = resources.files("scenarios") / "data" / folder
    if not directory.is_dir():
        return []
    return sorted(
        e.name.removesuffix(".yaml") for e in directory.iterdir() if e.name.endswith(".yaml")
    )


def test_builtin_ids_are_the_data_files() -> None:
    ids = builtin_scenario_ids()
    assert ids == tuple(_real_files("scenarios"))
    # `gladi` with no command runs the first built-in scenario: there must be one.
    assert ids, "scenarios/data/scenarios/ holds no scenario"
    assert list(ids) == sorted(ids)


@pytest.mark.parametrize("scenario_id", _real_files("scenarios"))
def test_every_builtin_scenario_loads_with_its_content(scenario_id: str) -> None:
    scenario = load_scenario(scenario_id)
    assert scenario.id == scenario_id
    assert load_content(scenario)


@pytest.mark.parametrize("pack_id", _real_files("content"))
def test_every_builtin_content_pack_loads(pack_id: str) -> None:
    assert load_content_pack(pack_id).templates


def test_builtin_economy_loads() -> None:
    assert load_economy().gifts


def test_builtin_content_packs_exist() -> None:
    # Every scenario names at least one pack (default: core).
    assert "core" in _real_files("content")


def test_the_documented_example_is_valid() -> None:
    """The annotated example in docs/scenario-format.md must stay a valid scenario."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "scenario-format.md").read_text(
        encoding="utf-8"
    )
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    scenario = parse_scenario(example, filename="scenario-format.md")
    assert scenario.id == "hoaks-imunisasi"
    assert scenario.content == ("core",)


def test_scripted_comment_must_name_a_template_of_the_scenarios_packs() -> None:
    """A typo in a scripted comment's template is caught with its path."""
    scenario = load_scenario("live-pertama")
    broken = scenario.model_copy(
        update={"scripted": (*scenario.scripted,
                             type(scenario.scripted[0])(at_s=5, template="no-such-template"))}
    )
    with pytest.raises(ScenarioError) as caught:
        load_content(broken)
    problem = caught.value.problems[0]
    assert problem.code == "unknown_template"
    assert problem.path == f"scripted[{len(scenario.scripted)}].template"
    assert "no-such-template" in describe_scenario_error(caught.value, "en")
