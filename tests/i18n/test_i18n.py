"""The translation layer: complete catalogues and predictable lookups."""

from __future__ import annotations

import pytest

import i18n
from moderation.events import RejectCode
from moderation.judge import TIP_CODES
from scenarios.taxonomy import Category


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
