"""The one translation layer for every user-facing string.

Catalogues are YAML files under ``i18n/locales/<lang>/<domain>.yaml``. Each file
is a flat mapping of keys to :meth:`str.format` templates; the key a caller uses
is ``<domain>.<key>``. Splitting catalogues by domain lets each part of the
application (command line, desktop, server, pre-flight checks) keep its strings
beside the others without editing one huge file.

The languages are the closed set :class:`Lang`; what differs between them besides the
words (the locale numbers and dates are written in, the CSV separator, which language a
missing text falls back to) is one row of :data:`CONVENTIONS`. Indonesian (``id``) is the
default; English (``en``) must be complete. A test checks that both languages hold the
same keys with the same placeholders.

``xx`` is a pseudo-language for tests: its catalogue is English with every line of every
message wrapped in brackets (``[Score: {score}]``), made when first used, so a test that
runs a screen in ``xx`` finds any string that does not come through this layer. It is not
offered to users: menus, ``--lang`` and the desktop's F2 offer :func:`offered` languages,
which include ``xx`` only when the environment sets ``GLADI_PSEUDO=1`` (docs/i18n.md).

The language is always passed in: there is no process-wide current language,
and importing this module reads nothing (catalogues load on first use). The
command line decides the language once (``--lang`` or ``GLADI_LANG``) and hands
it down.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

import yaml

__all__ = [
    "CONVENTIONS",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "PSEUDO_ENV",
    "Conventions",
    "Lang",
    "catalogue",
    "comment_translation",
    "conventions",
    "normalise_language",
    "offered",
    "pick",
    "placeholders",
    "pseudo_wrap",
    "translate",
]


class Lang(StrEnum):
    """A language Gladi speaks, by its ISO 639-1 code (the catalogue folder's name)."""

    #: Bahasa Indonesia, the default.
    ID = "id"
    #: English, complete.
    EN = "en"
    #: The test pseudo-language: English wrapped in brackets; never in a user's menu.
    XX = "xx"


@dataclass(frozen=True, slots=True)
class Conventions:
    """How one language writes what is not a catalogue string."""

    #: The language's own name, as its button in a menu says it.
    name: str
    #: The CLDR locale Babel writes numbers and dates in (``i18n.formats``): the decimal
    #: mark and grouping, the month names and the order of day, month and year.
    locale: str
    #: The BCP 47 tag the web pages give the browser's ``Intl`` for the same.
    web_locale: str
    #: The decimal mark (the one in ``locale``'s CLDR data; a test checks they agree).
    decimal_mark: str
    #: The list separator a spreadsheet in this language reads CSV with (Excel's).
    csv_separator: str
    #: The language a text missing in this one falls back to; None for the default.
    fallback: Lang | None
    #: Viewers write in Indonesian; a reader of this language is shown the English
    #: translation of their comments too.
    comment_translation: bool
    #: Every string is the fallback's, wrapped in brackets (:func:`pseudo_wrap`).
    pseudo: bool = False


#: One row per language.
CONVENTIONS: Mapping[Lang, Conventions] = {
    Lang.ID: Conventions(name="Bahasa Indonesia", locale="id", web_locale="id-ID",
                         decimal_mark=",", csv_separator=";", fallback=None,
                         comment_translation=False),
    Lang.EN: Conventions(name="English", locale="en", web_locale="en-GB",
                         decimal_mark=".", csv_separator=",", fallback=Lang.ID,
                         comment_translation=True),
    Lang.XX: Conventions(name="[Pseudo]", locale="en", web_locale="en-GB",
                         decimal_mark=".", csv_separator=",", fallback=Lang.EN,
                         comment_translation=True, pseudo=True),
}

#: The languages offered to users, in menu order.
LANGUAGES: tuple[Lang, ...] = tuple(lang for lang in Lang if not CONVENTIONS[lang].pseudo)
DEFAULT_LANGUAGE = Lang.ID
#: Every language code, for a quick check before :func:`normalise_language`.
_CODES = frozenset(lang.value for lang in Lang)
#: The environment variable that adds the pseudo-language to :func:`offered` (``1``).
PSEUDO_ENV = "GLADI_PSEUDO"


def offered(pseudo: bool = False) -> tuple[Lang, ...]:
    """The languages a menu, ``--lang`` or F2 offers; with ``pseudo`` (the caller read
    :data:`PSEUDO_ENV`), the pseudo-languages too."""
    return tuple(Lang) if pseudo else LANGUAGES


def normalise_language(lang: str | None) -> Lang:
    """Map a language tag such as ``en_US.UTF-8`` or ``ID`` to a :class:`Lang`.

    Unknown tags fall back to Indonesian, the default for Gladi's users.
    """
    if not lang:
        return DEFAULT_LANGUAGE
    code = lang.replace("-", "_").split("_")[0].split(".")[0].lower()
    try:
        return Lang(code)
    except ValueError:
        return DEFAULT_LANGUAGE


def conventions(lang: str) -> Conventions:
    """The conventions of ``lang`` (a tag :func:`normalise_language` accepts)."""
    return CONVENTIONS[normalise_language(lang)]


def pseudo_wrap(text: str) -> str:
    """Every non-blank line of ``text`` in brackets, its indentation and trailing blanks
    outside them: ``"  a: {n}\\n"`` → ``"  [a: {n}]\\n"``. Placeholders stay intact."""
    lines = []
    for line in text.split("\n"):
        body = line.strip()
        if body:
            start = line.index(body)
            line = f"{line[:start]}[{body}]{line[start + len(body):]}"
        lines.append(line)
    return "\n".join(lines)


def pick(variants: Mapping[str, str], lang: str) -> str:
    """A content text (a scenario's title, a fact) in ``lang`` from its ``variants`` by
    language code: the language's own, else its fallback's, and so on down to Indonesian;
    pseudo-wrapped for a pseudo-language. Empty when no variant is there."""
    code: Lang | None = normalise_language(lang)
    wrap = CONVENTIONS[normalise_language(lang)].pseudo
    while code is not None:
        found = variants.get(code.value)
        if found and not CONVENTIONS[code].pseudo:
            return pseudo_wrap(found) if wrap else found
        code = CONVENTIONS[code].fallback
    return ""


def comment_translation(english: str | None, lang: str) -> str:
    """The English translation of a viewer's (Indonesian) comment as a reader of ``lang``
    is shown it: empty when the language shows none (``comment_translation``)."""
    if not english or not conventions(lang).comment_translation:
        return ""
    return pick({Lang.EN.value: english}, lang)


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """Return every message of ``lang`` keyed by ``domain.key``."""
    try:
        known = Lang(lang)
    except ValueError:
        raise ValueError(f"unknown language {lang!r}") from None
    rules = CONVENTIONS[known]
    if rules.pseudo:
        assert rules.fallback is not None
        return {key: pseudo_wrap(text) for key, text in catalogue(rules.fallback).items()}
    messages: dict[str, str] = {}
    folder = resources.files("i18n") / "locales" / known.value
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        domain = entry.name.removesuffix(".yaml")
        data = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
        for key, value in data.items():
            messages[f"{domain}.{key}"] = str(value)
    return messages


def placeholders(template: str) -> frozenset[str]:
    """Return the names of the ``{placeholders}`` in a message template."""
    return frozenset(
        name.split(".")[0].split("[")[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name
    )


def translate(key: str, lang: str, /, **params: object) -> str:
    """Translate ``key`` into ``lang`` (a tag :func:`normalise_language` accepts).

    A key missing from the catalogue is returned as is, so a forgotten string
    shows up visibly instead of crashing a user's session; the catalogue test
    catches it before release.
    """
    messages = catalogue(lang if lang in _CODES else normalise_language(lang))
    template = messages.get(key)
    if template is None:
        return key
    return template.format(**params) if params else template
