"""A trainer's own content packs: beside the scenario or inline, held to the built-in rules.

The packs a scenario brings are checked with the same rules and messages as
the built-in ones, every problem at once, named with the file and line it is
in; once loaded they travel inside the scenario, so a saved session replays
without the pack file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from debrief.scenario_text import describe_scenario_error
from gladi import cli
from moderation.autopilot import make_autopilot, run
from moderation.content import ContentIndex
from moderation.events import CommentPosted
from moderation.sessionfile import check_replay, document, dumps, parse, replay
from moderation.setup import load_setup
from scenarios import (
    Problem,
    ScenarioError,
    check_scenario,
    load_content,
    load_economy,
    load_scenario,
)

PACK = """\
id: paket-saya
title: {id: "Paket saya", en: "My pack"}
slots:
  place: [Sukamakmur]
templates:
  - id: saya-q-001
    category: question
    topic: dbd
    text: "kak abate dapet dmn ya di {place}?"
    translation_en: "Sis, where do we get abate in {place}?"
    acceptable: [answer]
    explanation: {id: "Pertanyaan tulus.", en: "A sincere question."}
    answer:
      id: "Abate bisa ditanyakan ke kader jumantik atau puskesmas setempat."
      en: "Ask the jumantik cadre or the local puskesmas for abate."
    source: "Kemenkes, Gerakan PSN 3M Plus"
  - id: saya-q-002
    category: question
    topic: dbd
    text: "fogging tiap minggu perlu ga kak?"
    translation_en: "Is weekly fogging needed, sis?"
    acceptable: [answer]
    explanation: {id: "Pertanyaan tulus.", en: "A sincere question."}
    answer:
      id: "Fogging hanya membunuh nyamuk dewasa; yang utama PSN 3M Plus. Tanya puskesmas."
      en: "Fogging only kills adult mosquitoes; 3M Plus comes first. Ask the puskesmas."
    source: "Kemenkes, Gerakan PSN 3M Plus"
    refer: true
"""

SCENARIO = """\
id: latihan-saya
title: {id: "Latihan saya", en: "My drill"}
summary: {id: "Ringkas", en: "Short"}
topic: dbd
duration_s: 180
difficulty: easy
learning_goals:
  - {id: "Menjawab pertanyaan", en: "Answer questions"}
content: [core, obrolan, paket-saya.yaml]
audience:
  start_viewers: 10
  peak_viewers: 30
phases:
  - name: {id: Tanya jawab, en: Questions}
    start_s: 0
    rates: {greeting: 0.2, question: 0.4, hoax: 0.05}
"""


def folder_with(tmp_path: Path, scenario: str = SCENARIO, pack: str | None = PACK) -> Path:
    (tmp_path / "latihan-saya.yaml").write_text(scenario, encoding="utf-8")
    if pack is not None:
        (tmp_path / "paket-saya.yaml").write_text(pack, encoding="utf-8")
    return tmp_path / "latihan-saya.yaml"


def problems(path: Path) -> tuple[Problem, ...]:
    check = check_scenario(path)
    assert check.scenario is None
    return check.problems


# ---------------------------------------------------------------- a pack file beside the scenario


def test_a_pack_file_beside_the_scenario_is_read_into_it(tmp_path: Path) -> None:
    scenario = load_scenario(folder_with(tmp_path))
    assert scenario.content == ("core", "obrolan")
    assert [p.id for p in scenario.packs] == ["paket-saya"]
    packs = load_content(scenario)
    assert [p.id for p in packs] == ["core", "obrolan", "paket-saya"]


def test_its_templates_are_drawn_on_the_scenarios_topic(tmp_path: Path) -> None:
    setup = load_setup(folder_with(tmp_path))
    session = setup.start(3)
    session.advance(180_000)
    mine = [e for e in session.events
            if isinstance(e, CommentPosted) and e.template.startswith("saya-")]
    asked = [e for e in session.events if isinstance(e, CommentPosted)
             and session.truth[e.id].category.value == "question"]
    # Two templates on the topic against ~200 off it: the topic still brings most questions.
    assert len(mine) >= 0.6 * len(asked) > 0


def test_a_problem_in_the_pack_file_is_named_with_the_file_and_line(tmp_path: Path) -> None:
    broken_pack = PACK.replace('    source: "Kemenkes, Gerakan PSN 3M Plus"\n    refer: true\n',
                               "    refer: true\n")
    path = folder_with(tmp_path, SCENARIO.replace("duration_s: 180", "duration_s: 10"),
                       broken_pack)
    found = problems(path)
    codes = [(p.code, p.file, p.path) for p in found]
    pack_file = str(tmp_path / "paket-saya.yaml")
    # The scenario's own problem and the pack's come together, the scenario's first.
    assert codes == [("greater_than_equal", None, "duration_s"),
                     ("source_missing", pack_file, "templates[1]")]
    assert found[1].line == broken_pack.splitlines().index("  - id: saya-q-002") + 1
    text = describe_scenario_error(ScenarioError(str(path), found), "id")
    assert f"berkas {pack_file}, baris {found[1].line}, kolom templates ke-2" in text
    assert "jawaban acuan perlu sumbernya" in text
    assert "needs its source" not in text


def test_a_missing_pack_file_points_at_the_content_entry(tmp_path: Path) -> None:
    path = folder_with(tmp_path, pack=None)
    problem, = problems(path)
    assert (problem.code, problem.path, problem.line) == ("pack_file_not_found", "content[2]", 9)
    assert "paket-saya.yaml" in describe_scenario_error(ScenarioError("x", [problem]), "en")


def test_a_yaml_mistake_in_the_pack_file_is_explained_without_the_parsers_english(
    tmp_path: Path,
) -> None:
    path = folder_with(tmp_path, pack=PACK.replace('text: "fogging', "text: @fogging"))
    problem, = problems(path)
    assert problem.code == "yaml_syntax" and problem.file == str(tmp_path / "paket-saya.yaml")
    for lang in ("id", "en"):
        text = describe_scenario_error(ScenarioError(str(path), [problem]), lang)
        assert "cannot start any token" not in text and "found character" not in text
        assert '"@' in text


def test_a_template_id_of_a_builtin_pack_cannot_be_reused(tmp_path: Path) -> None:
    path = folder_with(tmp_path, pack=PACK.replace("id: saya-q-001", "id: q-imun-001"))
    problem, = problems(path)
    assert (problem.code, problem.path) == ("template_id_clash", "templates[0].id")
    assert problem.params["pack"] == "core"


def test_a_harmless_comment_may_not_be_removed_in_a_local_pack_either(tmp_path: Path) -> None:
    path = folder_with(tmp_path, pack=PACK.replace("acceptable: [answer]\n    explanation: "
                                                   '{id: "Pertanyaan tulus.", en: "A sincere '
                                                   'question."}\n    answer:\n      id: "Abate',
                                                   "acceptable: [answer, delete]\n    "
                                                   'explanation: {id: "Pertanyaan tulus.", en: '
                                                   '"A sincere question."}\n    answer:\n      '
                                                   'id: "Abate', 1))
    problem, = problems(path)
    assert (problem.code, problem.path) == ("harmless_removal", "templates[0].acceptable")
    assert "alarm palsu" in describe_scenario_error(ScenarioError("x", [problem]), "id")


# ---------------------------------------------------------------- inline packs


def inline_scenario() -> str:
    indented = "".join("    " + line + "\n" if line else "\n" for line in PACK.splitlines())
    body = SCENARIO.replace("content: [core, obrolan, paket-saya.yaml]", "content: [core, obrolan]")
    return body + "packs:\n  - " + indented.lstrip()


def test_an_inline_pack_works_like_a_pack_file(tmp_path: Path) -> None:
    path = tmp_path / "inline.yaml"
    path.write_text(inline_scenario(), encoding="utf-8")
    scenario = load_scenario(path)
    assert [p.id for p in scenario.packs] == ["paket-saya"]
    assert "saya-q-001" in ContentIndex(load_content(scenario)).by_id


def test_an_inline_pack_is_located_in_the_scenario(tmp_path: Path) -> None:
    text = inline_scenario().replace("        topic: dbd\n        text: \"fogging",
                                     "        topic: dbd\n        severity: 2\n"
                                     "        text: \"fogging")
    path = tmp_path / "inline.yaml"
    path.write_text(text, encoding="utf-8")
    problem, = problems(path)
    assert (problem.code, problem.path, problem.file) == (
        "harmless_severity", "packs[0].templates[1].severity", None)
    assert problem.line == text.splitlines().index("        severity: 2") + 1


def test_an_inline_pack_gets_the_cross_checks_too(tmp_path: Path) -> None:
    text = inline_scenario().replace("id: saya-q-002", "id: saya-q-001")
    text = text.replace("        text: \"kak abate dapet dmn ya di {place}?\"",
                        "        text: \"kak abate dapet dmn ya di {tempat}?\"")
    path = tmp_path / "inline.yaml"
    path.write_text(text, encoding="utf-8")
    found = problems(path)
    assert [(p.code, p.path) for p in found] == [
        ("slot_undefined", "packs[0].templates[0].text"),
        ("translation_slots", "packs[0].templates[0].translation_en"),
        ("template_id_twice", "packs[0].templates[1].id"),
    ]


# ---------------------------------------------------------------- saved sessions


def test_a_saved_session_replays_without_the_pack_file(tmp_path: Path) -> None:
    setup = load_setup(folder_with(tmp_path))
    session = setup.start(5)
    run(session, make_autopilot("good", session))
    text = dumps(document(session))
    (tmp_path / "paket-saya.yaml").unlink()
    rec = parse(text)
    assert [p["id"] for p in json.loads(text)["scenario"]["packs"]] == ["paket-saya"]
    packs = load_content(rec.scenario)
    again = replay(rec, packs)
    assert check_replay(rec, again) is None


@pytest.mark.parametrize("lang", ["id", "en"])
def test_validate_reports_pack_problems_with_the_scenarios_in_one_go(
    tmp_path: Path, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = folder_with(tmp_path, SCENARIO.replace("start_s: 0", "start_s: 5"),
                       PACK.replace("category: question\n    topic: dbd\n    text: \"fogging",
                                    "category: questoin\n    topic: dbd\n    text: \"fogging"))
    assert cli.main(["--lang", lang, "scenario", "validate", str(path)]) == 1
    out = capsys.readouterr().out
    first, second = (("phases ke-1 > start_s", "templates ke-2 > category") if lang == "id"
                     else ("phases no. 1 > start_s", "templates no. 2 > category"))
    assert first in out and second in out
    assert "Traceback" not in out
    assert load_economy()  # the real economy is untouched
