"""The plain letters behind a disguised comment: ``ＳＬＯＴ ＧＡＣＯＲ`` reads "SLOT GACOR".

Trolls write a filtered word in look-alike letters — full-width (ｇａｃｏｒ), mathematical
(𝙜𝙖𝙘𝙤𝙧), circled (ⓢⓛⓞⓣ), squared (🅂🄻🄾🅃), emoji letters (🇵 🇦 🇺 🇸), small capitals
(ᴀsɪɴɢ), Cyrillic (раѕ) — or hide invisible
characters inside it (sl\u200bot). The keyword filter compares letters, so it misses
them; the moderation panel draws the comment as it is and, beside it, what it says in
plain letters, which is the lesson (docs/desktop.md, "Text").

Unicode's compatibility mapping (NFKC) turns full-width, mathematical and circled
letters into plain ones. Small capitals and Cyrillic look-alikes have no such mapping;
small capitals are read from their Unicode names and the Cyrillic letters from a table
of the ones that look like Latin letters (after Unicode's confusables list,
https://www.unicode.org/Public/security/latest/confusables.txt).
"""

from __future__ import annotations

import unicodedata
from functools import cache

__all__ = ["plain_form"]

#: Cyrillic letters drawn like Latin ones (lower and upper case).
_CYRILLIC = dict(zip("аеорсухіјѕԁһԛԝӏАВЕКМНОРСТХІЈЅ", "aeopcyxijsdhqwlABEKMHOPCTXIJS",
                     strict=True))
#: Characters that draw nothing but split a word for the filter.
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u2060\ufeff")


@cache
def _plain_char(ch: str) -> str:
    """The plain letter ``ch`` stands for (itself when it is one, or is no letter)."""
    if ch.isascii():
        return ch
    if ch in _INVISIBLE:
        return ""
    if ch in _CYRILLIC:
        return _CYRILLIC[ch]
    name = unicodedata.name(ch, "")
    if "LETTER SMALL CAPITAL " in name:
        letter = name.rsplit(" ", 1)[-1]
        if len(letter) == 1:
            return letter.lower()
    if "SUPERSCRIPT" in name or "SUBSCRIPT" in name:
        return ch  # "ibu²" is how Indonesians write "ibu-ibu", not a disguise
    folded = unicodedata.normalize("NFKC", ch)
    if folded != ch and folded.isascii() and folded.strip() and folded.isalnum():
        return folded
    return ch


def _regional(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def plain_form(text: str) -> str | None:
    """``text`` in plain letters when some were disguised, else None (nothing to show).

    An emoji letter standing alone (the 🇵 of "🇵 🇦 🇺 🇸 4D") reads as its letter; two
    side by side are a flag (🇮🇩) and stay as they are.
    """
    if text.isascii():
        return None
    out = []
    for i, ch in enumerate(text):
        if _regional(ch):
            paired = (i > 0 and _regional(text[i - 1])) or (
                i + 1 < len(text) and _regional(text[i + 1]))
            out.append(ch if paired else unicodedata.name(ch)[-1])
        else:
            out.append(_plain_char(ch))
    plain = "".join(out)
    return None if plain == text else plain
