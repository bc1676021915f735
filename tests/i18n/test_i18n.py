"""The translation layer: complete catalogues and predictable lookups."""

from __future__ import annotations

import pytest
from babel.numbers import get_decimal_symbol

import i18n
from debrief.csv_export import to_csv
from i18n.formats import figure
from moderation.events import RejectCode
from moderation.judge import TIP_CODES
from scenarios.schema import Text
from scenarios.taxonomy import Category
from simulator.screens.playback import speed_label


def test_both_languages_have_the_same_keys() -> None:
    """Every Indonesian message has an English twin and vice versa."""
    indonesian = set(i18n.catalogue("id"))
    english = set(i18n.catalogue("en"))
    assert indonesian == english, {
        "missing in en": sorted(indonesian - english),
        "missing in id": sorted(english - indonesian),
    }


def test_placeholders_match_across_languages() -> None:
    """A translation must use exactly the placeholders of the original."""
    indonesian = i18n.catalogue("id")
    english = i18n.catalogue("en")
    mismatched = [
        key
        for key in indonesian
        if i18n.placeholders(indonesian[key]) != i18n.placeholders(english.get(key, ""))
    ]
    assert mismatched == []


def test_no_empty_messages() -> None:
    for lang in i18n.LANGUAGES:
        empty = [k for k, v in i18n.catalogue(lang).items() if not v.strip()]
        assert empty == [], lang


def test_lookup_formats_and_defaults_to_indonesian() -> None:
    assert i18n.translate("cli.error", "en", message="x") == "Error: x"
    assert i18n.translate("cli.error", "id", message="x") == "Galat: x"
    assert i18n.translate("cli.error", "fr", message="x") == "Galat: x"


def test_missing_key_is_returned_visibly() -> None:
    assert i18n.translate("no.such.key", "en") == "no.such.key"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("en_US.UTF-8", "en"), ("ID", "id"), ("en-GB", "en"), ("", "id"), (None, "id"), ("jv", "id")],
)
def test_normalise_language(tag: str | None, expected: str) -> None:
    assert i18n.normalise_language(tag) == expected


def test_unknown_catalogue_language_is_an_error() -> None:
    with pytest.raises(ValueError):
        i18n.catalogue("fr")


def test_every_rejection_has_a_message() -> None:
    """A refused action always gets a plain-language hint in both languages."""
    for lang in i18n.LANGUAGES:
        missing = [c.value for c in RejectCode if f"reject.{c.value}" not in i18n.catalogue(lang)]
        assert missing == [], lang


def test_every_category_and_tip_has_a_name() -> None:
    for lang in i18n.LANGUAGES:
        cat = i18n.catalogue(lang)
        assert all(f"judge.cat_{c.value}" in cat for c in Category)
        assert all(f"judge.tip_{t}" in cat for t in TIP_CODES)


def test_every_language_has_its_conventions_and_a_catalogue() -> None:
    assert set(i18n.CONVENTIONS) == set(i18n.Lang)
    assert i18n.DEFAULT_LANGUAGE in i18n.LANGUAGES
    for lang, rules in i18n.CONVENTIONS.items():
        # The decimal mark the table names is the one Babel writes in the language's locale.
        assert get_decimal_symbol(rules.locale) == rules.decimal_mark, lang
        assert rules.csv_separator != rules.decimal_mark, lang
        assert rules.fallback is None or rules.fallback != lang
        assert (rules.fallback is None) == (lang == i18n.DEFAULT_LANGUAGE)
        assert i18n.catalogue(lang), lang


def test_the_pseudo_language_is_offered_only_when_asked() -> None:
    assert i18n.Lang.XX not in i18n.LANGUAGES
    assert i18n.offered() == i18n.LANGUAGES
    assert i18n.offered(pseudo=True) == (*i18n.LANGUAGES, i18n.Lang.XX)
    assert i18n.normalise_language("xx") is i18n.Lang.XX


def test_pseudo_catalogue_is_english_in_brackets_line_by_line() -> None:
    english, pseudo = i18n.catalogue("en"), i18n.catalogue("xx")
    assert set(pseudo) == set(english)
    for key, text in english.items():
        assert i18n.placeholders(pseudo[key]) == i18n.placeholders(text), key
        assert pseudo[key].replace("[", "").replace("]", "") == text.replace("[", "").replace(
            "]", ""), key
    assert i18n.translate("cli.error", "xx", message="x") == "[Error: x]"
    assert i18n.pseudo_wrap("  a: {n}\n\nb ") == "  [a: {n}]\n\n[b] "


def test_content_text_falls_back_and_pseudo_wraps() -> None:
    variants = {"id": "Halo", "en": "Hello"}
    assert [i18n.pick(variants, lang) for lang in ("id", "en", "xx", "fr")] == [
        "Halo", "Hello", "[Hello]", "Halo"]
    assert i18n.pick({"id": "Halo"}, "en") == "Halo"  # a missing translation falls back
    assert i18n.pick({"id": "Halo"}, "xx") == "[Halo]"
    assert i18n.pick({}, "en") == ""
    text = Text(id="Halo", en="Hello")
    assert (text.get("id"), text.get(i18n.Lang.EN), text.get("xx")) == ("Halo", "Hello", "[Hello]")


def test_comment_translations_show_where_the_language_says() -> None:
    assert i18n.comment_translation("hi", "id") == ""
    assert i18n.comment_translation("hi", "en") == "hi"
    assert i18n.comment_translation("hi", "xx") == "[hi]"
    assert i18n.comment_translation(None, "en") == ""


def test_formats_and_csv_follow_the_table() -> None:
    assert figure(0.5, "xx") == "0.5" and figure(0.5, "id") == "0,5"
    assert speed_label(0.5, "id") == "0,5×" and speed_label(0.5, "en") == "0.5×"
    assert to_csv([["a", 1.5]], "id") == "a;1,5\r\n"
    assert to_csv([["a", 1.5]], "en") == "a,1.5\r\n"
