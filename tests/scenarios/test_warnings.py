"""Suggestions validate gives a valid scenario (issue 27): topics by meaning, a reused
built-in id, a pack template nobody in the audience writes, a question that fills the
room, and a starting filter that hides honest comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from debrief.scenario_text import describe_warnings
from gladi import cli
from scenarios import check_scenario
from scenarios.taxonomy import TOPIC_WORDS, builtin_topic
from tests.scenarios.test_content import TOPICS
from tests.scenarios.test_topics import GOOD_DRILL, warnings_of


def test_every_builtin_topic_has_its_words() -> None:
    assert set(TOPIC_WORDS) == TOPICS


@pytest.mark.parametrize(("word", "topic"), [
    ("anemia", "adolescent"), ("remaja", "adolescent"), ("imunisasi", "immunisation"),
    ("vaksin", "immunisation"), ("lansia", "elderly"), ("hipertensi", "elderly"),
    ("ibu_hamil", "pregnancy"), ("mp-asi", "mpasi"), ("timbang", "weighing"),
    ("diare", "first_aid"), ("dbd", None),
])
def test_a_trainers_word_means_a_builtin_topic(word: str, topic: str | None) -> None:
    assert builtin_topic(word) == topic


def test_anemia_suggests_the_adolescent_topic_and_its_pack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    text = GOOD_DRILL.replace("topic: immunisation", "topic: anemia")
    assert warnings_of(tmp_path, text) == [("unknown_topic_pack", "topic")]
    warning, = check_scenario(tmp_path / "drill.yaml").warnings
    assert warning.params["builtin"] == "adolescent" and "remaja" in str(warning.params["packs"])
    out = describe_warnings("drill.yaml", (warning,), "id")
    assert "paket remaja" in out and "topic: adolescent" in out and "vitamin_a" not in out
    with_pack = text.replace("content: [core, obrolan]", "content: [core, obrolan, remaja]")
    assert warnings_of(tmp_path, with_pack) == [("unknown_topic_builtin", "topic")]


def test_a_file_reusing_a_builtin_id_is_warned(tmp_path: Path) -> None:
    text = GOOD_DRILL.replace("id: drill", "id: posyandu-remaja")
    assert warnings_of(tmp_path, text) == [("builtin_id_reused", "id")]
    # The built-in itself is of course not warned about its own id.
    assert not [w for w in check_scenario("posyandu-remaja").warnings
                if w.code == "builtin_id_reused"]


INLINE_PACK = """\
packs:
  - id: paket-lansia
    title: {id: "Paket", en: "Pack"}
    templates:
      - id: lan-q-001
        category: question
        topic: immunisation
        personas: [elder]
        text: "vaksin buat lansia ada ga?"
        translation_en: "Are there vaccines for older people?"
        acceptable: [answer]
        explanation: {id: "Pertanyaan tulus.", en: "A sincere question."}
        answer: {id: "Tanyakan ke puskesmas.", en: "Ask the puskesmas."}
        source: "Kemenkes"
        refer: true
"""


def test_a_pack_template_whose_writers_are_absent_is_warned(tmp_path: Path) -> None:
    # The default audience has no older viewers: the template never comes.
    assert warnings_of(tmp_path, GOOD_DRILL + INLINE_PACK) == [
        ("template_writers_absent", "audience.personas")]
    with_elders = GOOD_DRILL.replace(
        "audience: {start_viewers: 5, peak_viewers: 40}",
        "audience: {start_viewers: 5, peak_viewers: 40, personas: {young_mother: 5, elder: 3}}")
    assert warnings_of(tmp_path, with_elders + INLINE_PACK) == []


ALONE = """\
id: satu-soal
title: {id: "Satu soal", en: "One question"}
summary: {id: "Ringkas", en: "Short"}
topic: dbd
duration_s: 480
difficulty: easy
learning_goals: [{id: "Menjawab", en: "Answer"}]
content: [core, obrolan]
audience: {start_viewers: 10, peak_viewers: 60}
phases:
  - name: {id: Inti, en: Core}
    start_s: 0
    rates: {greeting: 0.2, question: 0.3, praise: 0.05, hoax: 0.04, judol: 0.03}
packs:
  - id: paket-dbd
    title: {id: "DBD", en: "Dengue"}
    templates:
      - id: dbd-only
        category: question
        topic: dbd
        text: "abate dapet dmn kak?"
        translation_en: "Where do we get abate?"
        acceptable: [answer]
        explanation: {id: "Pertanyaan tulus.", en: "A sincere question."}
        answer: {id: "Tanyakan ke puskesmas.", en: "Ask the puskesmas."}
        source: "Kemenkes"
        refer: true
"""


def test_a_question_that_fills_the_room_is_warned_from_the_trial_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    # The only question on the scenario's topic takes three in four questions drawn.
    path = tmp_path / "satu-soal.yaml"
    path.write_text(ALONE, encoding="utf-8")
    assert check_scenario(path).warnings == ()  # the static checks see nothing
    assert cli.main(["--lang", "en", "scenario", "validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "in the trial run the question dbd-only came" in out, out


def test_a_starting_filter_that_hides_questions_is_warned(tmp_path: Path) -> None:
    text = GOOD_DRILL.replace("phases:", "settings: {keyword_filter: [judi, gratis]}\nphases:")
    assert ("filter_hides_harmless", "settings.keyword_filter[1]") in warnings_of(tmp_path, text)
    warning = next(w for w in check_scenario(tmp_path / "drill.yaml").warnings
                   if w.code == "filter_hides_harmless")
    assert warning.params["keyword"] == "gratis" and int(str(warning.params["questions"])) > 0
