"""Facts kept current, and answer keys that teach what the judge scores.

The public-health review of the corpus (issue 15) found stale statistics,
misattributed rebuttals, incomplete first aid and answer keys whose advice the
judge counts as a mistake. These tests pin the corrections, the ``as_of``
dates and the audit that lists facts due for a re-check, and check every
answer key against the judge's rules.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

import pytest

from gladi import cli
from moderation.room import Room, normalise_keyword
from scenarios import builtin_content_ids, load_content_pack
from scenarios.checks import as_of_day, day_number, stale_facts
from scenarios.schema import Settings, Template
from scenarios.taxonomy import REMOVALS, Category, Evasion, Response


@cache
def templates() -> dict[str, Template]:
    return {t.id: t for pack_id in builtin_content_ids()
            for t in load_content_pack(pack_id).templates}


# ---------------------------------------------------------------- answer keys and the judge

#: The actions an answer key can advise, as Indonesian imperatives.
ADVICE = {
    "hapus": Response.DELETE,
    "bisukan": Response.MUTE,
    "blokir": Response.BLOCK,
    "laporkan": Response.REPORT,
    "jawab": Response.ANSWER,
    "sematkan": Response.PIN,
}
#: Advice to do nothing, which the judge scores as a miss on a harmful comment.
IGNORE = ("abaikan", "biarkan", "diamkan", "cuekin")
_VERB = "|".join(ADVICE)
# An imperative opens a sentence or clause ("Hapus dan laporkan."), or follows a
# comma or "dan/atau/lalu" in lower case ("hapus, lalu bisukan"). A capitalised
# word after "dan" or "tombol" is a button's name ("Bisukan dan Blokir"), not advice.
_OPENS = re.compile(rf"(?:^|[.;:!?]\s+)({_VERB})\b", re.I)
_FOLLOWS = re.compile(rf"(?:,\s+|\b(?:dan|atau|lalu|kemudian|sambil)\s+)({_VERB})\b")
_NEGATED = re.compile(r"\b(jangan|tidak|bukan|tanpa|ga|gak|tak)\s*$", re.I)


def advice(explanation: str) -> set[Response]:
    """The actions an answer key tells the moderator to take."""
    found: set[Response] = set()
    for pattern in (_OPENS, _FOLLOWS):
        for match in pattern.finditer(explanation):
            if not _NEGATED.search(explanation[: match.start(1)]):
                found.add(ADVICE[match.group(1).casefold()])
    return found


def test_the_advice_reader_reads_imperatives_only() -> None:
    assert advice("Hapus dan laporkan; bisukan kalau diulang.") == {
        Response.DELETE, Response.REPORT, Response.MUTE}
    assert advice("Membedakan Bisukan dan Blokir. Jawab singkat.") == {Response.ANSWER}
    assert advice("Kata 'promo' sering diblokir. Jangan dihapus; jawab.") == {Response.ANSWER}


def test_every_answer_keys_advice_is_an_acceptable_action_for_the_judge() -> None:
    wrong = {}
    for t in templates().values():
        advised = advice(t.explanation.id)
        if t.harmful:
            # The judge credits only the acceptable responses; anything else is a miss.
            bad = advised - set(t.acceptable)
        else:
            # On a harmless comment a removal or a report is a false alarm.
            bad = advised & (REMOVALS | {Response.REPORT})
        if bad:
            wrong[t.id] = (sorted(bad), t.explanation.id)
    assert wrong == {}


def test_no_answer_key_tells_the_moderator_to_ignore_a_harmful_comment() -> None:
    told = [t.id for t in templates().values() if t.harmful
            and any(re.search(rf"(?<!jangan )\b{word}\b", t.explanation.id.casefold())
                    for word in IGNORE)]
    assert told == []


@pytest.mark.parametrize("tid", ["cc-solo-001", "cc-solo-002", "cc-solo-003", "cc-solo-004",
                                 "cc-solo-005", "cc-solo-006"])
def test_single_harmless_lines_are_not_labelled_harmful(tid: str) -> None:
    # "P", "tes tes", a row of laughing emoji and "live nya garing" are harmless
    # alone; the engine's repeat offenders make spam, not one line.
    t = templates()[tid]
    assert t.category is Category.CHITCHAT and not t.acceptable


def test_the_explanation_matches_the_english_advice() -> None:
    # The English answer key is a translation: it must not advise removing a harmless comment.
    removal = re.compile(r"^(delete|mute|block|report)\b", re.I)
    for t in templates().values():
        if not t.harmful:
            for clause in re.split(r"[.;]\s*", t.explanation.en):
                assert not removal.match(clause.strip()), (t.id, t.explanation.en)


# ---------------------------------------------------------------- facts the review corrected


def answer_id(tid: str) -> str:
    answer = templates()[tid].answer
    assert answer is not None
    return answer.id


def test_stunting_figures_are_ssgi_2024_and_the_rpjmn_2029_target() -> None:
    assert "19,8%" in answer_id("q-stun-003") and "SSGI) 2024" in answer_id("q-stun-003")
    assert "14,2%" in answer_id("q-stun-103") and "2029" in answer_id("q-stun-103")
    assert "SSGI 2024" in answer_id("q-stun-104") and "8,7%" in answer_id("q-stun-104")
    assert "19,8%" in answer_id("hoax-stunt-001")


def test_every_statistic_names_its_survey_and_year_and_is_dated() -> None:
    percent = re.compile(r"\d+(?:,\d+)?\s?%")
    surveys = re.compile(r"\b(SSGI|SKI|Riskesdas|SDKI|RPJMN)\b[^.;]*?\b20\d\d\b")
    for t in templates().values():
        if t.answer is not None and percent.search(t.answer.id):
            assert surveys.search(t.answer.id), (t.id, t.answer.id)
            assert t.as_of is not None, t.id


MR = ("q-imun-019", "hoax-mr-001", "hoax-mr-002", "hoax-mr-003", "hoax-mr-004", "hoax-mr-101",
      "hoax-mr-102", "hoax-mr-103", "hoax-imun-104", "hoax-krisis-007")


@pytest.mark.parametrize("tid", MR)
def test_the_mr_rebuttal_leads_with_the_mui_fatwa_and_claims_nothing_for_bpom(tid: str) -> None:
    t = templates()[tid]
    assert t.answer is not None and t.source is not None
    assert "33/2018" in t.answer.id.split(".")[0]
    assert "BPOM" not in t.answer.id + t.answer.en + t.source
    assert t.as_of is not None  # the fatwa's leave lasts until a halal MR vaccine exists


@pytest.mark.parametrize("tid", ["q-p3k-007", "hoax-step-001"])
def test_febrile_seizure_first_aid_is_complete(tid: str) -> None:
    text = answer_id(tid)
    assert "miring" in text and "5 menit" in text and "mulut" in text


def test_fast_breathing_names_the_under_two_months_threshold() -> None:
    text = answer_id("q-p3k-011")
    assert "50 kali per menit atau lebih" in text and "60" in text


def test_bcg_timing_is_the_same_in_both_templates() -> None:
    for tid in ("q-imun-002", "q-imun-122"):
        assert "usia 1 bulan" in answer_id(tid) and "0-1 bulan" in answer_id(tid)


def test_no_troll_predicts_a_year_that_has_passed() -> None:
    assert [t.id for t in templates().values() if re.search(r"\b20[12]\d nanti", t.text)] == []


def test_postpartum_vitamin_a_refers_to_the_midwife() -> None:
    t = templates()["q-asi-009"]
    assert t.refer and t.as_of is not None and "bidan" in answer_id("q-asi-009")


# ---------------------------------------------------------------- as_of and the audit


def test_as_of_dates_read_as_days() -> None:
    assert as_of_day("2025-06") == day_number(2025, 6, 1)
    assert as_of_day("2025-06-30") == day_number(2025, 6, 30)
    assert as_of_day("juni") is None and as_of_day("2025-13") is None


@pytest.mark.parametrize("day", [dt.date(2024, 2, 28), dt.date(2024, 3, 1), dt.date(2000, 1, 1),
                                 dt.date(2026, 12, 31), dt.date(1900, 3, 1)])
def test_day_numbers_count_days_as_the_calendar_does(day: dt.date) -> None:
    # The core computes days without datetime; check it against datetime here.
    origin = dt.date(1970, 1, 1)
    assert (day_number(day.year, day.month, day.day) - day_number(1970, 1, 1)
            == (day - origin).days)


def test_stale_facts_are_those_older_than_the_limit() -> None:
    packs = [load_content_pack(p) for p in builtin_content_ids()]
    dated = {t.id: t.as_of for pack in packs for t in pack.templates if t.as_of}
    assert {"q-stun-003", "q-stun-103", "hoax-mr-001"} <= set(dated)
    fresh = stale_facts(packs, "2027-01-01")
    assert fresh == []
    later = stale_facts(packs, "2028-06-01")
    assert {f.template for f in later} == set(dated)
    assert all(f.age_days > 365 and f.source for f in later)


def test_gladi_scenario_audit_lists_old_facts_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["--lang", "en", "scenario", "audit", "--today", "2028-06-01"]) == 1
    out = capsys.readouterr().out
    assert "core/q-stun-003: checked 2026-12" in out
    assert "economy.yaml" in out
    assert cli.main(["scenario", "audit", "--today", "2027-01-01"]) == 0
    assert "0 fakta lebih tua dari 365 hari" in capsys.readouterr().out


def test_the_audit_reads_the_packs_of_a_scenario_too(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["--lang", "en", "scenario", "audit", "timbang-bulanan",
                     "--today", "2028-06-01", "--max-age-days", "30"]) == 1
    out = capsys.readouterr().out
    assert "tumbuh/q-stun-103" in out and "imunisasi/" not in out


# ---------------------------------------------------------------- evasions as they are in 2026

ZERO_WIDTH = re.compile("\\w[\u200b\u200c\u200d\u2060\ufeff]\\w")
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def test_invisible_evasions_hide_a_zero_width_character_inside_a_word() -> None:
    invisible = [t for t in templates().values() if t.evasion is Evasion.INVISIBLE]
    assert len(invisible) >= 8
    for t in invisible:
        assert ZERO_WIDTH.search(t.text), t.id


def test_the_2026_shapes_of_gambling_spam_are_in_the_corpus() -> None:
    texts = " ".join(t.text for t in templates().values() if t.category is Category.JUDOL)
    for shape in ("N A G A 3 0 3", "P.A.U.S.4.D", "s.l.o.t.8.8", "SLOT88", "anti rungkad",
                  "link alternatif", "anti blokir", "mahjong ways", "depo QRIS 5k",
                  "depo DANA 5k", "ⓟⓐⓤⓢ"):
        assert shape in texts, shape


def test_a_plain_keyword_filter_misses_every_invisible_evasion() -> None:
    """The room's own keyword filter (moderation/room.py: case-insensitive text match, nothing
    undone) catches a word the evasion hides only once the invisible letters are taken out."""
    keywords = ("slot", "gacor", "togel", "judi", "vaksin", "autis", "chip", "giveaway", "dana",
                "vcs", "bio")
    rooms = {k: Room.create(Settings(keyword_filter=(k,)), ()) for k in keywords}
    invisible = [t for t in templates().values() if t.evasion is Evasion.INVISIBLE]
    assert invisible
    for t in invisible:
        shown = INVISIBLE.sub("", t.text)
        hidden = [k for k, room in rooms.items()
                  if room.filter_match(shown) == normalise_keyword(k)
                  and room.filter_match(t.text) is None]
        assert hidden, t.id
