"""The scenario shapes the room: topics choose the questions and hoaxes, personas who speaks.

And ``validate`` says when a valid scenario makes a poor drill: a topic nothing
is about, nothing to moderate, rates far from a real live's, or an idle
moderator who passes.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from debrief.scenario_text import describe_warnings
from gladi import cli
from moderation.content import FOCUS, ContentIndex
from moderation.engine import Session
from moderation.events import CommentPosted
from scenarios import check_scenario
from scenarios.schema import ContentPack
from scenarios.taxonomy import Category, Persona
from tests import factories
from tests.factories import economy, pack, template

# ---------------------------------------------------------------- topics


def topical_pack() -> ContentPack:
    """Ten questions on each of two topics, and a teenagers' own question."""
    data = pack().model_dump(mode="json")
    extra = [template(f"qa-{i}", "question", f"soal anemia {i}", topic="anemia")
             for i in range(10)]
    extra += [template(f"qb-{i}", "question", f"soal bayi {i}", topic="bayi") for i in range(10)]
    extra += [template("qt-1", "question", "kak TTD diminum pas haid jg?", topic="anemia",
                       personas=["teen"])]
    data["templates"] = [t for t in data["templates"] if t["category"] != "question"] + extra
    return ContentPack.model_validate(data)


def drawn_topics(topics: frozenset[str], n: int = 4000) -> Counter[str]:
    drawer = ContentIndex([topical_pack()]).drawer(topics)
    rng = random.Random(1)
    picked = (drawer.pick(Category.QUESTION, rng, False) for _ in range(n))
    return Counter(t.topic for t in picked if t is not None)


def test_the_scenarios_topic_takes_its_share_of_the_questions() -> None:
    counts = drawn_topics(frozenset({"anemia"}))
    share = counts["anemia"] / sum(counts.values())
    assert FOCUS - 0.03 < share < FOCUS + 0.03, counts


def test_without_a_topic_of_the_packs_the_draw_is_even() -> None:
    counts = drawn_topics(frozenset({"general"}))
    assert 0.45 < counts["anemia"] / sum(counts.values()) < 0.58, counts


def test_more_topics_are_drawn_alike() -> None:
    counts = drawn_topics(frozenset({"anemia", "bayi"}))
    assert counts["anemia"] + counts["bayi"] == sum(counts.values())


def unit_session(seed: int, **overrides: Any) -> Session:
    scenario = factories.scenario(**overrides)
    return Session(scenario, ContentIndex([topical_pack()], scenario.topic), economy(), seed)


def test_the_topics_field_steers_the_live_too() -> None:
    session = unit_session(2, topic="bayi", topics=["anemia"], duration_s=600)
    session.advance(600_000)
    topics = Counter(session.truth[e.id].topic for e in session.events
                     if isinstance(e, CommentPosted)
                     and session.truth[e.id].category is Category.QUESTION)
    assert topics["anemia"] > 0 and topics["bayi"] > 0


# ---------------------------------------------------------------- personas


def writers(session: Session, category: Category | None = None) -> Counter[Persona]:
    out: Counter[Persona] = Counter()
    for e in session.events:
        if isinstance(e, CommentPosted):
            template = session.truth[e.id]
            if not template.harmful and (category is None or template.category is category):
                out[session.audience.viewers[e.viewer].persona] += 1
    return out


def test_the_audience_mix_decides_who_comments() -> None:
    # The case: a room of teenagers must be a room where teenagers talk.
    teens = unit_session(4, duration_s=600, audience={
        "start_viewers": 40, "peak_viewers": 100,
        "personas": {"teen": 95, "young_mother": 5}})
    teens.advance(600_000)
    mothers = unit_session(4, duration_s=600, audience={
        "start_viewers": 40, "peak_viewers": 100,
        "personas": {"teen": 5, "young_mother": 95}})
    mothers.advance(600_000)
    by_teens, by_mothers = writers(teens), writers(mothers)
    assert by_teens[Persona.TEEN] > 0.7 * sum(by_teens.values()), by_teens
    assert by_mothers[Persona.YOUNG_MOTHER] > 0.7 * sum(by_mothers.values()), by_mothers


def test_lurkers_watch_but_never_write() -> None:
    session = unit_session(5, audience={"start_viewers": 20, "peak_viewers": 40,
                                        "personas": {"lurker": 10, "cadre": 1}})
    session.advance(120_000)
    assert Persona.LURKER not in writers(session)
    assert writers(session)[Persona.CADRE] > 0


def test_a_template_that_names_its_writers_is_written_only_by_them() -> None:
    personas: Counter[Persona] = Counter()
    for seed in (1, 2, 3):
        session = unit_session(seed, topic="anemia", duration_s=600, audience={
            "start_viewers": 30, "peak_viewers": 60,
            "personas": {"teen": 10, "young_mother": 5, "cadre": 5}},
            phases=[{"name": {"id": "x", "en": "x"}, "start_s": 0,
                     "rates": {"question": 0.6, "greeting": 0.1}}])
        session.advance(600_000)
        personas.update(session.audience.viewers[e.viewer].persona for e in session.events
                        if isinstance(e, CommentPosted) and e.template == "qt-1")
        # Others write questions too, just never this one.
        assert len(writers(session, Category.QUESTION)) == 3
    assert set(personas) == {Persona.TEEN} and personas[Persona.TEEN] >= 2


# ---------------------------------------------------------------- warnings

GOOD_DRILL = """\
id: drill
title: {id: "Latihan", en: "Drill"}
summary: {id: "Ringkas", en: "Short"}
topic: immunisation
duration_s: 300
difficulty: easy
learning_goals: [{id: "Hapus hoaks", en: "Delete hoaxes"}]
content: [core, obrolan]
audience: {start_viewers: 5, peak_viewers: 40}
phases:
  - name: {id: Inti, en: Core}
    start_s: 0
    rates: {greeting: 0.2, question: 0.2, praise: 0.05, hoax: 0.04, judol: 0.03}
"""


def warnings_of(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    path = tmp_path / "drill.yaml"
    path.write_text(text, encoding="utf-8")
    check = check_scenario(path)
    assert check.problems == ()
    return [(w.code, w.path) for w in check.warnings]


def test_a_sound_drill_has_no_warning(tmp_path: Path) -> None:
    assert warnings_of(tmp_path, GOOD_DRILL) == []


def test_an_unknown_topic_is_a_warning_naming_close_matches(tmp_path: Path) -> None:
    path = tmp_path / "drill.yaml"
    path.write_text(GOOD_DRILL.replace("topic: immunisation", "topic: imunisasi"),
                    encoding="utf-8")
    check = check_scenario(path)
    warning, = check.warnings
    # "imunisasi" is the built-in topic immunisation by meaning (issue 27).
    assert (warning.code, warning.path, warning.line) == ("unknown_topic_builtin", "topic", 4)
    assert warning.params["builtin"] == "immunisation"
    text = describe_warnings("drill.yaml", check.warnings, "id")
    assert 'topik "imunisasi"' in text and "topic: immunisation" in text


def test_an_unknown_topic_with_no_builtin_meaning_is_matched_by_spelling(
    tmp_path: Path,
) -> None:
    path = tmp_path / "drill.yaml"
    path.write_text(GOOD_DRILL.replace("topic: immunisation", "topic: imunsation"),
                    encoding="utf-8")
    warning, = check_scenario(path).warnings
    assert warning.code == "unknown_topic_suggest"
    assert "immunisation" in warning.params["matches"]  # type: ignore[operator]


def test_nothing_harmful_and_too_few_questions_are_warnings(tmp_path: Path) -> None:
    text = GOOD_DRILL.replace(
        "rates: {greeting: 0.2, question: 0.2, praise: 0.05, hoax: 0.04, judol: 0.03}",
        "rates: {greeting: 0.2, question: 0.01, praise: 0.05}")
    assert warnings_of(tmp_path, text) == [("nothing_harmful", "phases"),
                                           ("few_questions", "phases")]


def test_rates_far_from_a_real_live_are_warnings(tmp_path: Path) -> None:
    text = GOOD_DRILL.replace(
        "rates: {greeting: 0.2, question: 0.2, praise: 0.05, hoax: 0.04, judol: 0.03}",
        "rates: {greeting: 3, question: 0.2, hoax: 0.4, judol: 0.4}\n    guest_requests: 0.2")
    assert warnings_of(tmp_path, text) == [
        ("rate_chat_per_viewer_minute_high", "phases[0].rates"),
        ("rate_harmful_per_second_high", "phases[0].rates"),
        ("rate_guest_requests_per_second_high", "phases[0].guest_requests"),
    ]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_validate_warns_when_an_idle_moderator_passes(
    tmp_path: Path, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The case: nothing to moderate, and doing nothing passed at 86.
    path = tmp_path / "drill.yaml"
    path.write_text(GOOD_DRILL.replace("hoax: 0.04, judol: 0.03", "chitchat: 0.05")
                    .replace("  - name: {id: Inti", "  - name: {id: Inti") + "pass_mark: 10\n",
                    encoding="utf-8")
    assert cli.main(["--lang", lang, "scenario", "validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert ("idle" in out) and ("lulus" in out if lang == "id" else "passes" in out), out
