"""Every problem at once, in the user's language, with file, line and field path.

Schema problems and the rules between fields come together in one list, in
file order; every code has words in both catalogues; YAML mistakes are
explained by kind, never in the parser's English; ``validate`` exits 1 and
never shows a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from debrief.scenario_text import describe_scenario_error, describe_warning
from gladi import cli
from i18n import LANGUAGES, catalogue
from scenarios import Problem, ScenarioError, check_scenario, parse_scenario
from tests.scenarios.test_loader import MINIMAL, line_of, replace_line

ROOT = Path(__file__).resolve().parents[2]

BROKEN = """\
id: rusak
title: {id: "Rusak", en: "Broken"}
summary: {id: "Ringkas", en: "Short"}
topic: immunisation
duration_s: 100
content: [core, cor]
difficulty: easy
learning_goals:
  - {id: "Hapus hoaks", en: "Delete hoaxes"}
audience:
  start_viewers: 30
  peak_viewers: 20
phases:
  - name: {id: Pembukaan, en: Opening}
    start_s: 10
    rates:
      greeting: 0.2
      hoax: -0.02
  - name: {id: Inti, en: Core}
    start_s: 5
    rates: {question: 0.2}
injects:
  - {at_s: 130, kind: troll_raid, categories: [judol, greeting]}
  - {at_s: 30, kind: official_joins}
"""

#: Words of PyYAML's and pydantic's English that must never reach an Indonesian reader.
ENGLISH = re.compile(r"\b(found|expected|while|scanning|token|mapping values|Input should|"
                     r"Value error|Field required|must|cannot)\b")


def test_schema_and_cross_field_problems_come_together_in_file_order(tmp_path: Path) -> None:
    path = tmp_path / "rusak.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    check = check_scenario(path)
    assert check.scenario is None
    got = [(p.code, p.path, p.line) for p in check.problems]
    assert got == [
        ("unknown_content_pack", "content[1]", line_of(BROKEN, "content:")),
        ("start_above_peak", "audience.start_viewers", line_of(BROKEN, "  start_viewers")),
        ("phases_not_in_order", "phases[0].start_s", line_of(BROKEN, "    start_s: 10")),
        ("greater_than_equal", "phases[0].rates.hoax", line_of(BROKEN, "      hoax")),
        ("phase_out_of_order", "phases[1].start_s", line_of(BROKEN, "    start_s: 5")),
        ("inject_after_end", "injects[0].at_s", line_of(BROKEN, "  - {at_s: 130")),
        ("raid_harmless_category", "injects[0].categories[1]", line_of(BROKEN, "  - {at_s: 130")),
        ("official_without_role", "injects[1]", line_of(BROKEN, "  - {at_s: 30")),
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_validate_shows_them_all_in_the_users_language(
    tmp_path: Path, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rusak.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    assert cli.main(["--lang", lang, "scenario", "validate", str(path)]) == 1
    captured = capsys.readouterr()
    out = captured.out
    assert "Traceback" not in out + captured.err
    lines = [line for line in out.splitlines() if line.startswith("  - ")]
    assert len(lines) == 8
    every = "baris" if lang == "id" else "line"
    assert all(line.startswith(f"  - {every} ") for line in lines), lines
    if lang == "id":
        assert not [line for line in lines if ENGLISH.search(line)], lines


def test_a_scripted_comment_naming_no_template_is_located_with_a_suggestion(
    tmp_path: Path,
) -> None:
    text = MINIMAL + "scripted:\n  - {at_s: 20, template: q-imun-01}\n"
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    problem, = check_scenario(path).problems
    assert (problem.code, problem.path, problem.line) == (
        "unknown_template", "scripted[0].template", line_of(text, "  - {at_s: 20"))
    suggestion = str(problem.params["suggestion"])
    assert suggestion.startswith("q-imun-0")
    assert f'mungkin maksudnya "{suggestion}"' in describe_scenario_error(
        ScenarioError("x.yaml", [problem]), "id")


# ---------------------------------------------------------------- YAML mistakes by kind

YAML_MISTAKES = [
    ("tab", lambda t: t.replace("  start_viewers: 3", "\tstart_viewers: 3")),
    ("special_char", lambda t: t.replace('topic: imunisasi', "topic: @imunisasi")),
    ("quote", lambda t: t.replace("topic: imunisasi", 'topic: "imunisasi')),
    ("bracket", lambda t: t.replace("content: [core]", "content: [core}")),
    ("bracket_unclosed", lambda t: t.replace("content: [core]", "content: [core")),
    ("colon_in_braces", lambda t: t.replace('  - {id: "Hapus hoaks", en: "Delete hoaxes"}',
                                            "  - {id: Hapus: hoaks, en: Delete}")),
    ("colon_in_value", lambda t: t.replace("topic: imunisasi", "topic: imunisasi: anak")),
    ("indent", lambda t: t.replace("  - {id: \"Hapus hoaks\"", "- {id: \"Hapus hoaks\"")
     .replace("learning_goals:\n", "learning_goals:\n  - {id: a, en: b}\n")),
    ("alias", lambda t: t.replace("topic: imunisasi", "topic: *imunisasi")),
    ("control_char", lambda t: t.replace("topic: imunisasi", "topic: imunisasi\x07")),
]


@pytest.mark.parametrize(("kind", "mistake"), YAML_MISTAKES, ids=[k for k, _ in YAML_MISTAKES])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_yaml_mistake_is_explained_by_its_kind(kind: str, mistake: object, lang: str) -> None:
    text = mistake(MINIMAL)  # type: ignore[operator]
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, filename="x.yaml")
    problem, = caught.value.problems
    assert (problem.code, problem.params["kind"]) == ("yaml_syntax", kind)
    described = describe_scenario_error(caught.value, lang)
    assert str(problem.params["detail"]) not in described
    assert "found" not in described.replace("not found", "")
    assert "scanning" not in described and "token" not in described


def test_the_issues_example_of_parser_english_is_gone() -> None:
    # "expected <block end>, but found '?'" came from a list item under a mapping.
    text = replace_line(MINIMAL, "  peak_viewers: 20", "  - peak_viewers: 20")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, filename="x.yaml")
    for lang in LANGUAGES:
        described = describe_scenario_error(caught.value, lang)
        assert "'?'" not in described and "block end" not in described


# ---------------------------------------------------------------- every code has words

#: The codes of the models' rules (scenarios/schema.py), the cross-field rules
#: (scenarios/checks.py) and the loader's own (scenarios/loader.py).
ERROR_CODES = (
    "pack_ref", "harmful_needs_severity", "harmful_needs_action", "harmless_severity",
    "harmless_removal", "harmless_evasion", "answer_missing", "source_missing",
    "question_needs_answer_action", "no_persona_weight", "start_above_peak",
    "official_without_role", "raid_harmless_category", "no_scoring_weight",
    "first_phase_not_at_zero", "phase_out_of_order", "phase_after_end", "inject_after_end",
    "scripted_after_end", "template_id_twice", "slot_undefined", "translation_slots",
    "stray_brace", "pack_id_clash", "template_id_clash", "unknown_template",
    "unknown_template_suggest", "pack_file_not_found", "pack_is_a_directory",
    "pack_unreadable", "pack_file_in_builtin", "yaml_syntax", "yaml_syntax_no_column",
    "empty_file", "not_a_mapping", "not_utf8", "file_not_found", "is_a_directory",
    "unreadable", "duplicate_key", "id_mismatch", "unknown_scenario", "unknown_content_pack",
    "phases_not_in_order", "phase_same_start", "category_requires", "requires_not_acceptable",
    "harmless_requires",
)
WARNING_CODES = (
    "unknown_topic", "unknown_topic_suggest", "nothing_harmful", "little_harmful",
    "few_questions", "idle_passes", "idle_close_to_good", "filter_hides_harmless",
    "unknown_topic_builtin", "unknown_topic_pack", "builtin_id_reused", "template_writers_absent",
    "question_repeats",
    *(f"rate_{name}_{side}" for name in ("chat_per_viewer_minute", "harmful_per_second",
                                         "guest_requests_per_second")
      for side in ("high", "low")),
)


def test_the_code_lists_name_every_code_the_sources_raise() -> None:
    source = "".join((ROOT / n).read_text(encoding="utf-8")
                     for n in ("scenarios/schema.py", "scenarios/checks.py",
                               "scenarios/loader.py", "gladi/cmd_scenario.py"))
    for code in ERROR_CODES + WARNING_CODES:
        bare = code.removesuffix("_suggest").removesuffix("_no_column")
        bare = re.sub(r"^pack_(?=file_not_found|is_a|unreadable)", "", bare)
        bare = re.sub(r"_(high|low)$", "", bare).removeprefix("rate_")
        assert bare in source, code


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_problem_and_warning_code_has_words(lang: str) -> None:
    messages = catalogue(lang)
    assert [c for c in ERROR_CODES if f"scenario.error.{c}" not in messages] == []
    assert [c for c in WARNING_CODES if f"scenario.warn.{c}" not in messages] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_warning_reads_with_its_place(lang: str) -> None:
    warning = Problem("topic", 4, "unknown_topic", "x", {"topic": "anemia", "known": ("a", "b")})
    text = describe_warning(warning, lang)
    assert text.startswith("baris 4, kolom topic" if lang == "id" else "line 4, field topic")
    assert '"anemia"' in text
