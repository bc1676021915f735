"""What "no unwrapped string" means for the pseudo-language ``xx`` (docs/i18n.md).

In ``xx`` every catalogue message and every content text (``scenarios.schema.Text``) is
English wrapped in brackets, line by line. A screen run in ``xx`` passes when no phrase of
the Indonesian or English catalogues shows outside brackets: a phrase is a piece of a
message between its placeholders, on one line, holding a word of four letters or more
(shorter pieces — "OK", ": ", "#" — are too common to tell a leak from data). Numbers,
dates, web addresses, handles, names and what viewers type are data: they may show
unbracketed.
"""

from __future__ import annotations

import re
import string
from functools import cache

import i18n

__all__ = ["catalogue_phrases", "unbracketed", "unwrapped_phrases"]

_GROUP = re.compile(r"\[[^\[\]]*\]")
_WORD = re.compile(r"[^\W\d_]{4,}")
_ADDRESS = re.compile(r"\bhttps?://\S+")


def unbracketed(text: str) -> str:
    """``text`` without its bracketed groups, nested ones too: ``"[a [b]] c"`` → ``" c"``."""
    while True:
        shorter = _GROUP.sub("", text)
        if shorter == text:
            return text
        text = shorter


@cache
def catalogue_phrases() -> frozenset[str]:
    """Every phrase of the Indonesian and English catalogues (see the module's docstring)."""
    found: set[str] = set()
    for lang in i18n.LANGUAGES:
        for template in i18n.catalogue(lang).values():
            for literal, *_ in string.Formatter().parse(template):
                for line in literal.split("\n"):
                    phrase = line.strip(" \t:;,.()“”\"'-–—·•…%")
                    if _WORD.search(phrase):
                        found.add(phrase)
    return frozenset(found)


def unwrapped_phrases(text: str) -> list[str]:
    """The catalogue phrases ``text`` shows outside brackets, each as a whole word run."""
    rest = _ADDRESS.sub("", unbracketed(text))
    if not _WORD.search(rest):
        return []
    hits = []
    for phrase in catalogue_phrases():
        at = rest.find(phrase)
        while at >= 0:
            before = rest[at - 1] if at else " "
            after = rest[at + len(phrase)] if at + len(phrase) < len(rest) else " "
            if not before.isalnum() and not after.isalnum():
                hits.append(phrase)
                break
            at = rest.find(phrase, at + 1)
    return sorted(hits)
