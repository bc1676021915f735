"""The built-in scenarios: complete descriptions, and timelines that deliver what they declare.

Each scenario is played once per seed with the ``perfect`` autopilot (it keeps
the audience healthy, so harmless chat flows) and the posted comments are
counted: every category a phase rate or an inject declares must really turn
up, and nothing harmful that was not declared may appear.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest

from moderation.autopilot import make_autopilot, run
from moderation.content import ContentIndex
from moderation.engine import Session
from moderation.events import CommentPosted, GiftSent, GuestRequested, Hidden, OfficialJoined
from scenarios import builtin_scenario_ids, load_content, load_economy, load_scenario
from scenarios.schema import Scenario, Template
from scenarios.taxonomy import Category, Difficulty, InjectKind, Persona

SEEDS = (1, 2)
# The eight training goals of the issue, one scenario each.
REQUIRED = {
    "live-pertama", "tanya-imunisasi", "timbang-bulanan", "asi-mpasi", "serbuan-troll",
    "tamu-resmi", "live-jualan", "krisis-hoaks-vaksin",
}
# Scenarios about one subject: most of their questions must be about it.
FOCUSED = {"tanya-imunisasi": "immunisation", "timbang-bulanan": "weighing",
           "asi-mpasi": "mpasi", "live-jualan": "selling", "krisis-hoaks-vaksin": "immunisation",
           "posyandu-remaja": "adolescent", "kelas-ibu-hamil": "pregnancy",
           "posyandu-lansia": "elderly"}


class Played:
    """What one run of a scenario produced."""

    def __init__(self, scenario_id: str, seed: int) -> None:
        self.scenario = load_scenario(scenario_id)
        self.session = Session(self.scenario, ContentIndex(load_content(self.scenario),
                                                           self.scenario.topic),
                               load_economy(), seed)
        pilot = make_autopilot("perfect", self.session)
        self.events: list[object] = []
        observe = pilot.observe

        def record(events):  # type: ignore[no-untyped-def]
            events = list(events)
            self.events.extend(events)
            observe(events)

        pilot.observe = record  # type: ignore[method-assign]
        run(self.session, pilot)

    def comments(self) -> list[tuple[CommentPosted, Template]]:
        truth = self.session.truth
        return [(e, truth[e.id]) for e in self.events if isinstance(e, CommentPosted)]

    def categories(self) -> Counter[Category]:
        return Counter(t.category for _, t in self.comments())


@cache
def played(scenario_id: str, seed: int) -> Played:
    return Played(scenario_id, seed)


def declared(scenario: Scenario) -> set[Category]:
    """The comment categories a scenario's phases and injects promise."""
    out = {c for phase in scenario.phases for c, rate in phase.rates.items() if rate > 0}
    for inject in scenario.injects:
        if inject.kind is InjectKind.TROLL_RAID:
            out |= set(inject.categories)
        elif inject.kind is InjectKind.HOAX_WAVE:
            out.add(Category.HOAX)
        elif inject.kind is InjectKind.QUESTION_WAVE:
            out.add(Category.QUESTION)
    return out


# ---------------------------------------------------------------- descriptions


def test_the_eight_training_scenarios_are_built_in() -> None:
    assert set(builtin_scenario_ids()) >= REQUIRED


def test_difficulties_span_easy_to_hard() -> None:
    levels = {load_scenario(s).difficulty for s in builtin_scenario_ids()}
    assert levels == set(Difficulty)


def test_titles_and_goals_are_distinct() -> None:
    scenarios = [load_scenario(s) for s in builtin_scenario_ids()]
    for lang in ("id", "en"):
        titles = [s.title.get(lang) for s in scenarios]
        assert len(set(titles)) == len(titles)
        goals = [g.get(lang) for s in scenarios for g in s.learning_goals]
        assert len(set(goals)) == len(goals)


@pytest.mark.parametrize("scenario_id", builtin_scenario_ids())
def test_scenario_is_described_in_both_languages(scenario_id: str) -> None:
    s = load_scenario(scenario_id)
    for text in (s.title, s.summary, *s.learning_goals, *(p.name for p in s.phases)):
        assert text.id.strip() and text.en.strip() and text.id != text.en
    assert len(s.learning_goals) >= 2
    assert 50 <= s.pass_mark <= 80


@pytest.mark.parametrize("scenario_id", builtin_scenario_ids())
def test_scenario_topic_has_questions_in_its_packs(scenario_id: str) -> None:
    s = load_scenario(scenario_id)
    topics = {t.topic for pack in load_content(s) for t in pack.templates
              if t.category is Category.QUESTION}
    assert s.topic in topics


@pytest.mark.parametrize("scenario_id", builtin_scenario_ids())
def test_declared_troll_rates_are_high_enough_to_show_up(scenario_id: str) -> None:
    # A harmful rate so low that the category may never appear would be a lie
    # in the scenario file: expect at least five of each over the live.
    s = load_scenario(scenario_id)
    ends = [p.start_s for p in s.phases[1:]] + [s.duration_s]
    expected: Counter[Category] = Counter()
    for phase, end in zip(s.phases, ends, strict=True):
        for category, rate in phase.rates.items():
            if category.harmful:
                expected[category] += rate * (end - phase.start_s)  # type: ignore[assignment]
    assert all(n >= 5 for n in expected.values()), expected


# ---------------------------------------------------------------- play and count


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scenario_id", builtin_scenario_ids())
def test_phases_and_injects_produce_the_declared_categories(scenario_id: str, seed: int) -> None:
    run_ = played(scenario_id, seed)
    posted = run_.categories()
    promised = declared(run_.scenario)
    assert promised - set(posted) == set(), posted
    harmful_posted = {c for c in posted if c.harmful}
    assert harmful_posted <= promised, posted


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scenario_id", sorted(FOCUSED))
def test_focused_scenarios_are_mostly_about_their_topic(scenario_id: str, seed: int) -> None:
    questions = [t for _, t in played(scenario_id, seed).comments()
                 if t.category is Category.QUESTION]
    on_topic = sum(1 for t in questions if t.topic == FOCUSED[scenario_id])
    assert on_topic >= 0.4 * len(questions), (on_topic, len(questions))


@pytest.mark.parametrize("seed", SEEDS)
def test_live_pertama_brings_each_lesson_once(seed: int) -> None:
    run_ = played("live-pertama", seed)
    posted = run_.categories()
    harmful = {c: n for c, n in posted.items() if c.harmful}
    assert harmful == {Category.HOAX: 1, Category.JUDOL: 1, Category.HARASSMENT: 1}
    assert [e.role for e in run_.events if isinstance(e, OfficialJoined)] == [Persona.MIDWIFE]
    assert sum(1 for e in run_.events if isinstance(e, GuestRequested)) == 1
    assert any(isinstance(e, GiftSent) for e in run_.events)
    # The guide pack's friendly prompts about the LIVE controls come up.
    assert any(t.topic == "live_tools" for _, t in run_.comments())


@pytest.mark.parametrize("seed", SEEDS)
def test_serbuan_troll_raids_with_disguised_sara_porn_and_judol(seed: int) -> None:
    comments = played("serbuan-troll", seed).comments()
    for category in (Category.SARA, Category.PORN, Category.JUDOL):
        assert sum(1 for _, t in comments if t.category is category and t.evasion) >= 3


@pytest.mark.parametrize("seed", SEEDS)
def test_tamu_resmi_brings_both_officials_guests_and_gift_storms(seed: int) -> None:
    events = played("tamu-resmi", seed).events
    roles = {e.role for e in events if isinstance(e, OfficialJoined)}
    assert roles == {Persona.MIDWIFE, Persona.VILLAGE_HEAD}
    requests = [e for e in events if isinstance(e, GuestRequested)]
    assert any(r.troll for r in requests) and sum(not r.troll for r in requests) >= 3
    assert sum(1 for e in events if isinstance(e, GiftSent)) >= 40


@pytest.mark.parametrize("seed", SEEDS)
def test_live_jualan_scams_are_about_selling(seed: int) -> None:
    comments = played("live-jualan", seed).comments()
    scams = [t for _, t in comments if t.category is Category.SCAM]
    assert len(scams) >= 15
    assert sum(1 for t in scams if t.topic == "selling") >= len(scams) / 2


@pytest.mark.parametrize("seed", SEEDS)
def test_krisis_hoaxes_evade_the_starting_filter(seed: int) -> None:
    run_ = played("krisis-hoaks-vaksin", seed)
    room = run_.session.room
    assert run_.scenario.settings.keyword_filter, "the crisis starts with a filter"
    hoaxes = [(e, t) for e, t in run_.comments() if t.category is Category.HOAX]
    slipped = [e for e, t in hoaxes if t.evasion and e.hidden is not Hidden.FILTER]
    caught = [e for e, t in hoaxes if e.hidden is Hidden.FILTER]
    # The disguised copies get through and far outnumber the plain ones the filter stops …
    assert len(slipped) >= 40 and len(slipped) > 3 * len(caught)
    # … and none of those that got through would have been caught by the filter.
    assert all(room.filter_match(e.text) is None for e in slipped)


@pytest.mark.parametrize("scenario_id", builtin_scenario_ids())
def test_disguised_comments_get_past_the_scenarios_own_starting_filter(scenario_id: str) -> None:
    """A disguised template that the scenario's own filter catches teaches nothing."""
    scenario = load_scenario(scenario_id)
    keywords = [" ".join(k.split()).casefold() for k in scenario.settings.keyword_filter]
    if not keywords:
        return
    index = ContentIndex(load_content(scenario), scenario.topic)
    caught = []
    for template in index.by_id.values():
        if not template.evasion:
            continue
        names = sorted(template.slots)
        rounds = max((len(index.slots[n]) for n in names), default=1)
        for i in range(rounds):
            slots = tuple((n, index.slots[n][i % len(index.slots[n])]) for n in names)
            text = index.render(template.text, slots).casefold()
            caught += [(template.id, k) for k in keywords if k in text]
    assert caught == []


EASY = [s for s in builtin_scenario_ids() if load_scenario(s).difficulty is Difficulty.EASY]


@pytest.mark.parametrize("scenario_id", EASY)
@pytest.mark.parametrize("seed", SEEDS)
def test_easy_scenarios_ask_at_a_pace_a_host_can_answer_aloud(scenario_id: str,
                                                              seed: int) -> None:
    """An easy live brings a question every minute or two even to a host who answers
    every one (answers keep the audience, and a kept audience asks more)."""
    run = played(scenario_id, seed)
    minutes = run.scenario.duration_s / 60
    questions = run.categories()[Category.QUESTION]
    assert minutes / 2 <= questions <= 1.5 * minutes, (scenario_id, questions)
