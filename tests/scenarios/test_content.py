"""The built-in comment corpus: big enough, truthful, labelled and renderable.

These tests read the real content packs in ``scenarios/data/content`` and
check the promises of docs/content.md: how much there is of each kind, that
every template renders in both languages, that every label is consistent,
that every question and hoax carries a sourced answer, that nothing is
duplicated, and that the evasive and filter-trap comments really are what
they claim to be.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from functools import cache
from importlib import resources

import pytest

from moderation.content import ContentIndex
from scenarios import (
    builtin_scenario_ids,
    load_content,
    load_content_pack,
    load_economy,
    load_scenario,
)
from scenarios.schema import ContentPack, Template
from scenarios.taxonomy import (
    HARMFUL,
    HARMLESS,
    REMOVALS,
    REPORT_REASON,
    Category,
    Evasion,
    Response,
)

# The topics a template may name. A new topic is a deliberate decision: add it
# here and to docs/content.md.
TOPICS = {
    "general", "posyandu", "immunisation", "weighing", "breastfeeding", "mpasi",
    "vitamin_a", "pmt", "stunting", "first_aid", "selling", "live_tools",
    "adolescent", "pregnancy", "elderly",
}
# Every source must name at least one of the authorities the facts come from
# (content-anchors.md), so a source can't be a placeholder.
AUTHORITIES = (
    "Kemenkes", "Buku KIA", "Permenkes", "IDAI", "MUI", "BPOM", "WHO", "Depkes",
    "Dinkes", "SKI", "Kompas", "Liputan6", "turnbackhoax", "Mafindo", "cekfakta",
    "Kominfo", "Republika", "Nakita", "TikTok", "Polres", "Diskominfo", "Puskesmas",
    "BKKBN", "Permendagri",
)
# Who a referral sends the viewer to.
PROFESSIONAL = re.compile(r"bidan|puskesmas|dokter|petugas|tenaga kesehatan|nakes", re.I)
# Words a naive keyword filter would add against trolls, which honest viewers also use.
TRAP_WORDS = ("gratis", "bonus", "hadiah", "promo", "link", "wa", "koin", "cair", "menang",
              "diskon", "voucher")
SENTENCE_END = re.compile(r"(?<![0-9])[.!?](?=\s|$)")


@cache
def packs() -> tuple[ContentPack, ...]:
    folder = resources.files("scenarios").joinpath("data", "content")
    ids = sorted(entry.name.removesuffix(".yaml") for entry in folder.iterdir()
                 if entry.name.endswith(".yaml"))
    return tuple(load_content_pack(pack_id) for pack_id in ids)


@cache
def templates() -> tuple[Template, ...]:
    return tuple(t for pack in packs() for t in pack.templates)


def by_category() -> Counter[Category]:
    return Counter(t.category for t in templates())


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.casefold()))


# ---------------------------------------------------------------- how much


def test_there_are_at_least_600_templates() -> None:
    assert len(templates()) >= 600


def test_at_least_150_questions_and_150_harmful_items() -> None:
    counts = by_category()
    assert counts[Category.QUESTION] >= 150
    assert sum(counts[c] for c in HARMFUL) >= 150


@pytest.mark.parametrize("category", sorted(HARMFUL))
def test_every_harmful_category_is_well_stocked(category: Category) -> None:
    assert by_category()[category] >= 15


@pytest.mark.parametrize("category", sorted(HARMLESS - {Category.QUESTION}))
def test_every_harmless_category_is_well_stocked(category: Category) -> None:
    assert by_category()[category] >= 40


@pytest.mark.parametrize("evasion", list(Evasion))
def test_every_evasion_trick_is_used_several_times(evasion: Evasion) -> None:
    assert sum(1 for t in templates() if t.evasion is evasion) >= 8


@pytest.mark.parametrize("category", [Category.HOAX, Category.SARA, Category.PORN,
                                      Category.JUDOL, Category.SCAM, Category.CHILD_SAFETY])
def test_the_main_troll_categories_have_evasive_variants(category: Category) -> None:
    kinds = {t.evasion for t in templates() if t.category is category and t.evasion}
    assert len(kinds) >= 3, kinds


# ---------------------------------------------------------------- rendering


@pytest.mark.parametrize("pack", packs(), ids=lambda p: p.id)
def test_every_template_renders_in_both_languages_with_every_slot_value(
    pack: ContentPack,
) -> None:
    index = ContentIndex([pack])
    for template in pack.templates:
        names = sorted(template.slots)
        # Each slot takes each of its values at least once (the longest list sets the rounds).
        rounds = max((len(index.slots[n]) for n in names), default=1)
        for i in range(rounds):
            slots = tuple((n, index.slots[n][i % len(index.slots[n])]) for n in names)
            for text in (index.render(template.text, slots),
                         index.render(template.translation_en, slots)):
                assert text.strip(), template.id
                assert "{" not in text and "}" not in text, (template.id, text)


def test_translations_use_exactly_the_slots_of_the_text() -> None:
    for t in templates():
        parsed = string.Formatter().parse(t.translation_en)
        assert {n for _, n, _, _ in parsed if n} == t.slots, t.id


def test_explanations_and_answers_exist_in_both_languages() -> None:
    for t in templates():
        assert t.explanation.id.strip() and t.explanation.en.strip(), t.id
        if t.answer is not None:
            assert t.answer.id.strip() and t.answer.en.strip(), t.id
            assert t.answer.id != t.answer.en, t.id


def test_a_slot_is_defined_identically_in_every_pack_that_defines_it() -> None:
    # The engine pools slot values of all a scenario's packs; an age slot with a
    # different range in one pack would make answers wrong for the values drawn.
    seen: dict[str, tuple[str, ...]] = {}
    for pack in packs():
        for name, values in pack.slots.items():
            assert seen.setdefault(name, values) == values, (pack.id, name)


# ---------------------------------------------------------------- labels


def test_every_topic_is_a_known_topic() -> None:
    assert {t.topic for t in templates()} <= TOPICS


def test_harmful_templates_are_labelled_for_moderation() -> None:
    for t in templates():
        if not t.harmful:
            continue
        acceptable = set(t.acceptable)
        assert 1 <= t.severity <= 3, t.id
        assert acceptable & REMOVALS, t.id
        assert t.category in REPORT_REASON, t.id
        if t.category is Category.HOAX:
            # A hoax may be answered with the fact or removed.
            assert {Response.ANSWER, Response.DELETE} <= acceptable, t.id
        if t.category in (Category.SARA, Category.PORN, Category.CHILD_SAFETY):
            # SARA, porn and child safety: delete, block and report.
            assert {Response.DELETE, Response.BLOCK, Response.REPORT} <= acceptable, t.id
        if t.category is Category.CHILD_SAFETY:
            # ... and a groomer counts as handled only once blocked and reported.
            assert set(t.requires) == {Response.BLOCK, Response.REPORT}, t.id


def test_harmless_templates_may_never_be_removed_or_reported() -> None:
    for t in templates():
        if not t.harmful:
            assert t.severity == 0 and t.evasion is None, t.id
            assert not set(t.acceptable) & (REMOVALS | {Response.REPORT}), t.id


def test_questions_can_be_answered() -> None:
    for t in templates():
        if t.category is Category.QUESTION:
            assert Response.ANSWER in t.acceptable, t.id


# ---------------------------------------------------------------- truthfulness


def test_every_question_and_hoax_has_an_answer_with_a_source() -> None:
    for t in templates():
        if t.category in (Category.QUESTION, Category.HOAX):
            assert t.answer is not None and t.source, t.id


def test_every_source_names_an_authority() -> None:
    for t in templates():
        if t.source is not None:
            assert any(a.casefold() in t.source.casefold() for a in AUTHORITIES), (
                t.id, t.source)


def test_answers_are_short_enough_to_read_aloud() -> None:
    for t in templates():
        if t.answer is None:
            continue
        for answer in (t.answer.id, t.answer.en):
            sentences = [s for s in SENTENCE_END.split(answer) if s.strip()]
            assert 1 <= len(sentences) <= 3, (t.id, answer)
            assert len(answer) <= 320, t.id


def test_referrals_name_the_professional() -> None:
    refer = [t for t in templates() if t.refer]
    assert len(refer) >= 30
    for t in refer:
        assert t.answer is not None and PROFESSIONAL.search(t.answer.id), t.id


def test_prices_that_change_live_only_in_the_dated_economy_config() -> None:
    # Gift prices and the coin value change; answers must not freeze them.
    price = re.compile(r"\d[\d.,]*\s*(?:koin|coins?|berlian|diamonds?)\b", re.I)
    for t in templates():
        if t.answer is not None:
            assert not price.search(t.answer.id) and not price.search(t.answer.en), t.id
    economy = load_economy()
    assert economy.as_of and economy.source and economy.approximate


def test_fictional_links_and_numbers_only() -> None:
    # Domains are clearly fictional (…-xyz.site, bit.ly/xxxx) and phone numbers masked;
    # the real ones are fact-checkers, TikTok, and a government (.go.id) page a cadre shares.
    host = re.compile(r"\b(?:[\w-]+\.)+(?:site|com|id|net|ly)\b(?:/\S*)?")
    for t in templates():
        for domain in host.findall(t.text):
            known = ("turnbackhoax.id", "cekfakta.com", "tiktok.com")
            real = domain in known or domain.split("/")[0].endswith(".go.id")
            assert "xyz" in domain or "xxx" in domain or real, (t.id, domain)
            assert not real or not t.harmful, (t.id, domain)
        for number in re.findall(r"\b08\d{0,2}-[\dx]{2,4}-[\dx]{2,4}\b", t.text):
            assert "xxxx" in number, (t.id, number)


# ---------------------------------------------------------------- duplicates


def test_template_ids_are_unique_across_packs() -> None:
    ids = Counter(t.id for t in templates())
    assert [i for i, n in ids.items() if n > 1] == []


def test_template_texts_are_unique_across_packs() -> None:
    texts = Counter(" ".join(t.text.casefold().split()) for t in templates())
    assert [x for x, n in texts.items() if n > 1] == []


def test_translations_are_unique_across_packs() -> None:
    texts = Counter(" ".join(t.translation_en.casefold().split()) for t in templates())
    assert [x for x, n in texts.items() if n > 1] == []


# ---------------------------------------------------------------- evasion and traps


def _looks_alike(ch: str) -> bool:
    name = unicodedata.name(ch, "")
    return (unicodedata.normalize("NFKD", ch) != ch
            or "CYRILLIC" in name or "SMALL CAPITAL" in name
            or "REGIONAL INDICATOR SYMBOL LETTER" in name)


def test_evasive_templates_really_use_their_trick() -> None:
    checks = {
        # letters set apart by spaces, dots or hyphens: "g a c o r", "v.c.s", "a-u-t-i-s"
        Evasion.SPACED: lambda text: re.search(r"(?:\b\w[ .-]+){3,}", text) is not None,
        # digits standing in for letters inside a word: "g4c0r", "v4ks1n"
        Evasion.LEET: lambda text: re.search(r"[a-z]\d|\d[a-z]", text, re.I) is not None,
        # full-width, mathematical, Cyrillic, small-capital, squared or emoji letters
        Evasion.HOMOGLYPH: lambda text: any(_looks_alike(ch) for ch in text
                                            if ch.isalpha() or "LETTER" in unicodedata.name(
                                                ch, "")),
        # WhatsApp said without saying "WhatsApp"
        Evasion.WAWA: lambda text: re.search(r"wawa|\bw a\b|\bw4\b", text, re.I) is not None,
    }
    for t in templates():
        check = checks.get(t.evasion) if t.evasion else None
        if check is not None:
            assert check(t.text), (t.id, t.evasion, t.text)


def test_evasive_gambling_spam_slips_past_a_naive_filter() -> None:
    naive = ("judi", "slot", "gacor", "togel")
    for t in templates():
        if t.category is Category.JUDOL and t.evasion is not None:
            assert not any(word in t.text.casefold() for word in naive), t.id


@pytest.mark.parametrize("word", TRAP_WORDS)
def test_harmless_comments_contain_words_a_naive_filter_would_block(word: str) -> None:
    traps = [t for t in templates() if not t.harmful and word in words(t.text)]
    assert len(traps) >= 2, word


def test_there_are_many_filter_traps() -> None:
    traps = [t for t in templates()
             if not t.harmful and words(t.text) & set(TRAP_WORDS)]
    assert len(traps) >= 40


def test_the_trap_words_are_also_troll_words() -> None:
    # Otherwise they would be no trap: filtering them must catch trolls too.
    troll_words: set[str] = set()
    for t in templates():
        if t.harmful:
            troll_words |= words(t.text)
    assert {"gratis", "bonus", "hadiah", "wa", "link", "koin", "cair"} <= troll_words


def test_every_scenario_pack_is_built_in() -> None:
    names = {pack.id for pack in packs()}
    for scenario_id in builtin_scenario_ids():
        scenario = load_scenario(scenario_id)
        assert set(scenario.content) <= names
        assert load_content(scenario)
