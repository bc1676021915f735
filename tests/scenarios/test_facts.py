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
from pathlib import Path

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
                  "depo DANA 5k", "ⓟⓐⓤⓢ",
                  # 2025-2026: short links, "DM", emoji letters, multipliers, game names,
                  # "server" jargon, rolling bonuses and cashback, gambling-job recruitment
                  "s.id/", "bit.ly/", "DM aku", "🅂🄻🄾🅃", "🇵 🇦 🇺 🇸", "x500", "x1000",
                  "olympus", "princess", "server thailand", "k4mb0j4", "rolingan",
                  "cashback", "loker admin CS judi di kamboja", "paspor"):
        assert shape in texts, shape


def test_the_new_gambling_words_also_come_from_honest_viewers() -> None:
    # Each new shape has a harmless look-alike, so a filter on the word costs a false alarm.
    harmless = " ".join(t.text.casefold() for t in templates().values() if not t.harmful)
    for word in ("dm", "cashback", "server", "loker", ".go.id"):
        assert word in harmless, word


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


# ---------------------------------------------------------------- issue 27: dated, sourced facts

#: Where a source is a blog, an anecdote or the project's own notes: never enough for a fact.
NOT_A_SOURCE = ("blogspot", "wordpress", "kompasiana", "kompasone", "pradini", "trypostbase",
                "anekdot", "moderation-anchors", "content-anchors")


def test_every_answer_with_a_number_is_dated_and_sourced_beyond_a_blog() -> None:
    # A dose, an age, a threshold or a platform limit can change: it carries the month it
    # was checked, and a source a health reader can open.
    undated, weak = [], []
    for t in templates().values():
        if t.answer is None or not re.search(r"\d", t.answer.id + t.answer.en):
            continue
        if t.as_of is None:
            undated.append(t.id)
        if not t.source or any(w in t.source.casefold() for w in NOT_A_SOURCE):
            weak.append((t.id, t.source))
    assert undated == [] and weak == []


def test_every_platform_rule_is_dated() -> None:
    assert [t.id for t in templates().values()
            if t.topic == "live_tools" and t.answer is not None and t.as_of is None] == []


def test_posyandu_serves_every_age_not_five_programmes() -> None:
    for tid in ("q-posy-001", "q-posy-010"):
        text = answer_id(tid)
        assert "lima program" not in text and "semua usia" in text, tid
    assert "Permendagri 13/2024" in answer_id("q-posy-001")


def test_a_weight_not_gaining_is_referred_at_the_first_t() -> None:
    for tid in ("q-bb-001", "q-bb-101", "q-bb-109"):
        t = templates()[tid]
        assert t.refer, tid
    assert "(T)" in answer_id("q-bb-001") and "tidak perlu menunggu" in answer_id("q-bb-001")
    assert "sejak T pertama" in answer_id("q-bb-101")


def test_fat_in_mp_asi_is_answered_not_referred() -> None:
    t = templates()["q-mp-117"]
    assert not t.refer and "minyak" in answer_id("q-mp-117") and "dianjurkan" in answer_id(
        "q-mp-117")


def test_pregnancy_tablets_name_mms_replacing_ttd() -> None:
    for tid in ("q-ham-002", "hoax-ham-001"):
        t = templates()[tid]
        assert "MMS" in answer_id(tid) and t.source and "MMS" in t.source, tid


def test_postpartum_vitamin_a_names_who_advice() -> None:
    t = templates()["q-asi-009"]
    assert "WHO" in answer_id("q-asi-009") and t.source and "WHO" in t.source


def test_rotavirus_cut_off_is_the_programmes_and_the_routine_list_has_the_boosters() -> None:
    for tid in ("q-imun-004", "q-imun-017", "q-imun-107"):
        assert "6 bulan 29 hari" in answer_id(tid), tid
    assert "18 bulan" in answer_id("q-imun-018") and "12 bulan" in answer_id("q-imun-018")


def test_no_comment_says_pregnant_women_still_get_biscuits() -> None:
    assert "biskuit" not in templates()["cc-ham-001"].text


@pytest.mark.parametrize(("tid", "authority"), [
    ("q-p3k-008", "MTBS"), ("q-p3k-010", "Buku KIA"), ("q-vita-103", "Depkes"),
    ("q-mp-103", "Pedoman Pemberian Makan Bayi dan Anak"), ("q-mp-112", "Permenkes 41/2014"),
    ("q-posy-103", "Kemenkes"), ("hoax-air-001", "Kemenkes"), ("q-stun-002", "BKKBN"),
])
def test_weakly_sourced_answers_now_cite_an_authority(tid: str, authority: str) -> None:
    source = templates()[tid].source
    assert source is not None and authority in source
    assert "NICU" not in answer_id(tid)


def test_the_audit_flags_an_undated_fact_in_a_trainers_pack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.scenarios.test_packs import PACK, SCENARIO

    dated = PACK.replace('    source: "Kemenkes, Gerakan PSN 3M Plus"\n    refer: true',
                         '    source: "Kemenkes, Gerakan PSN 3M Plus"\n    refer: true\n'
                         '    as_of: "2026-12"')
    undated = dated.replace("Abate bisa ditanyakan", "Abate 1 sendok per 100 liter air bisa "
                                                     "ditanyakan")
    (tmp_path / "paket-saya.yaml").write_text(undated, encoding="utf-8")
    (tmp_path / "latihan.yaml").write_text(SCENARIO, encoding="utf-8")
    code = cli.main(["--lang", "en", "scenario", "audit", str(tmp_path / "latihan.yaml"),
                     "--today", "2026-12-07"])
    out = capsys.readouterr().out
    assert code == 1
    assert "paket-saya/saya-q-001: an answer with a number and no as_of date" in out
    assert "1 undated fact(s)" in out
