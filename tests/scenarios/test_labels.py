"""Labels a trainer would agree with, and answers addressed to whoever asked (issue 27).

The review of the corpus found mild rudeness that could not be answered, threats a
mute alone satisfied, one-off follow-for-follow lines counted as spam, an insult to
a village filed as SARA, grooming of a minor filed as porn, and troll handles that
gave the answer away. These tests pin the fixes, play a real child-safety template
through the judge, and read every answer's form of address.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from moderation import actions as a
from moderation.content import ContentIndex
from moderation.engine import Session
from moderation.events import CommentPosted
from moderation.judge import Outcome, judge
from scenarios import builtin_content_ids, load_content_pack, load_economy
from scenarios.schema import Scenario, Template
from scenarios.taxonomy import Category, Evasion, Persona, ReportReason, Response


@cache
def templates() -> dict[str, Template]:
    return {t.id: t for pack_id in builtin_content_ids()
            for t in load_content_pack(pack_id).templates}


# ---------------------------------------------------------------- the ids of the review


@pytest.mark.parametrize("tid", ["har-001", "har-008", "har-009", "har-105"])
def test_mild_rudeness_is_removed_or_answered_calmly(tid: str) -> None:
    t = templates()[tid]
    assert t.category is Category.HARASSMENT and t.severity == 1
    assert {Response.ANSWER, Response.DELETE, Response.MUTE} <= set(t.acceptable)


def test_criticism_of_the_live_stays_harmless() -> None:
    assert not templates()["cc-solo-006"].harmful


def test_an_accusation_about_pmt_funds_may_be_answered() -> None:
    assert Response.ANSWER in templates()["har-010"].acceptable


@pytest.mark.parametrize("tid", ["har-007", "har-104"])
def test_threats_require_block_and_report(tid: str) -> None:
    t = templates()[tid]
    assert set(t.requires) == {Response.BLOCK, Response.REPORT} <= set(t.acceptable)
    assert Response.MUTE not in t.acceptable


@pytest.mark.parametrize("tid", ["spam-001", "spam-002", "spam-009", "spam-013", "spam-105"])
def test_a_one_off_follow_line_is_harmless_chit_chat(tid: str) -> None:
    t = templates()[tid]
    assert t.category is Category.CHITCHAT and not t.acceptable and t.evasion is None
    assert templates()["pr-005"].category is Category.PRAISE


def test_an_insult_to_a_neighbouring_village_is_harassment() -> None:
    assert templates()["sara-013"].category is Category.HARASSMENT


def test_grooming_a_minor_is_child_safety() -> None:
    t = templates()["porn-rem-001"]
    assert t.category is Category.CHILD_SAFETY
    assert set(t.requires) == {Response.BLOCK, Response.REPORT}


def test_hyphen_splitting_is_a_spaced_evasion() -> None:
    assert templates()["hoax-krisis-013"].evasion is Evasion.SPACED


def test_an_online_arisan_invitation_is_a_scam_lure() -> None:
    assert templates()["ot-208"].category is Category.SCAM


#: Words in a handle that say what its owner will post.
GIVEAWAY = re.compile(r"slot|gacor|maxwin|jp\b|rtp|scatter|zeus|\d4d|bo\.|depo|wd\b|pola|"
                      r"vaksin|suntik|hoax|hoaks|fakta|waspada|(?:^|[._])anti|rahasia|herbal|"
                      r"alami|"
                      r"bio|vcs|manja|kesepian|sepi|malam|hot|🔞|"
                      r"pribumi|asli|patriot|nkri|bangsa|garuda|pejuang|"
                      r"julid|nyinyir|hater|pedes|gabut|f4f|follow|likes|viral|endorse|spam|"
                      r"absen|up\.up|mentor|om\.", re.I)
#: Troll personas whose handle should look like anyone's (scammers impersonate officials
#: on purpose: the look-alike handle is their lesson; the crisis ring is a ring of look-alikes).
DISGUISED = (Persona.HOAXER, Persona.SARA_TROLL, Persona.GAMBLER, Persona.PORN_BOT,
             Persona.HARASSER, Persona.SPAMMER, Persona.PREDATOR)


def test_troll_handles_do_not_give_the_label_away() -> None:
    telling = [(pack_id, persona.value, base)
               for pack_id in builtin_content_ids() if pack_id != "krisis"
               for persona, bases in load_content_pack(pack_id).handles.items()
               if persona in DISGUISED for base in bases
               if pack_id != "jualan" and GIVEAWAY.search(base)]
    assert telling == []


def test_every_troll_persona_has_handles() -> None:
    core = load_content_pack("core").handles
    assert all(core.get(p) for p in DISGUISED)


# ---------------------------------------------------------------- a child-safety comment, judged


def _groomer_room(tid: str) -> Session:
    core = load_content_pack("core")
    scenario = Scenario.model_validate({
        "id": "grooming", "title": {"id": "x", "en": "x"}, "summary": {"id": "x", "en": "x"},
        "topic": "general", "duration_s": 60, "difficulty": "easy",
        "learning_goals": [{"id": "x", "en": "x"}], "content": ["core"],
        "audience": {"start_viewers": 5, "peak_viewers": 5},
        "phases": [{"name": {"id": "x", "en": "x"}, "start_s": 0, "rates": {}}],
        "scripted": [{"at_s": 5, "template": tid}],
    })
    return Session(scenario, ContentIndex([core], "general"), load_economy(), 1)


def _handle(tid: str, *moves: str) -> Outcome:
    session = _groomer_room(tid)
    posted: CommentPosted | None = None
    while posted is None:
        posted = next((e for e in session.advance(session.now + 1000)
                       if isinstance(e, CommentPosted)), None)
    for move in moves:
        if move == "delete":
            session.apply(a.Delete(t=session.now, comment=posted.id))
        elif move == "mute":
            session.apply(a.Mute(t=session.now, viewer=posted.viewer, duration=None,
                                 comment=posted.id))
        elif move == "block":
            session.apply(a.Block(t=session.now, viewer=posted.viewer, comment=posted.id))
        elif move == "report":
            session.apply(a.Report(t=session.now, comment=posted.id, reason=ReportReason.SEXUAL))
    session.advance(session.duration)
    card = judge(session.scenario, session.content.by_id, session.events)
    item, = [i for i in card.items if i.category is Category.CHILD_SAFETY]
    return item.outcome


@pytest.mark.parametrize(("moves", "outcome"), [
    ((), Outcome.MISS),
    (("delete",), Outcome.MISS),
    (("mute",), Outcome.MISS),
    (("block",), Outcome.MISS),
    (("report",), Outcome.MISS),
    (("report", "delete"), Outcome.MISS),
    (("block", "report"), Outcome.HIT),
    (("report", "block"), Outcome.HIT),
])
def test_a_child_safety_template_is_a_miss_unless_blocked_and_reported(
    moves: tuple[str, ...], outcome: Outcome,
) -> None:
    assert _handle("cs-001", *moves) is outcome


# ---------------------------------------------------------------- register

#: Forms of address, and who may be addressed with each: "bun" for mothers (and the
#: cadres, mothers themselves), "kak" for teenagers, "Bapak/Ibu" for older viewers.
ADDRESS = {
    "bun": {Persona.YOUNG_MOTHER, Persona.CADRE},
    "bunda": {Persona.YOUNG_MOTHER, Persona.CADRE},
    "kak": {Persona.TEEN},
    "dek": {Persona.TEEN},
    "Bapak/Ibu": {Persona.ELDER},
    "mbah": set(),
    "nak": set(),
}
_ADDRESS = re.compile(r"(?<![\w/])(" + "|".join(re.escape(w) for w in ADDRESS) + r")(?![\w/])")


def test_answers_address_only_the_people_who_ask_them() -> None:
    # A template that names no writer can be drawn for anyone, an older viewer
    # included, so its answer addresses nobody in particular.
    wrong = []
    for t in templates().values():
        if t.answer is None:
            continue
        writers = set(t.personas)
        for word in _ADDRESS.findall(t.answer.id):
            if not writers or not writers <= ADDRESS[word]:
                wrong.append((t.id, word, sorted(writers)))
    assert wrong == []


def test_answers_to_older_viewers_say_bapak_ibu() -> None:
    elders = [t for t in templates().values()
              if t.answer is not None and set(t.personas) == {Persona.ELDER}]
    assert elders and all("Bapak/Ibu" in t.answer.id for t in elders if t.answer)


def test_some_answers_to_teenagers_say_kak_and_to_mothers_bun() -> None:
    def says(persona: Persona, word: str) -> int:
        return sum(1 for t in templates().values() if t.answer is not None
                   and set(t.personas) == {persona} and word in _ADDRESS.findall(t.answer.id))

    assert says(Persona.TEEN, "kak") >= 3 and says(Persona.YOUNG_MOTHER, "bun") >= 3
