"""Strings at the protocol boundary: what a client may put in a text field.

Every string a client sends is checked here before it can reach a room, so
nothing gets in that the journal (SQLite, UTF-8) cannot store or a websocket
text frame cannot carry. The rules, documented in ``docs/protocol.md``:

* well-formed Unicode: a lone UTF-16 surrogate (what ``JSON.stringify`` makes of
  an emoji cut in half, ``"\\ud83d"``) is refused;
* no control characters (C0, C1, DEL) and no bidirectional overrides, which
  can make a name read differently from what it is
  (https://trojansource.codes);
* trimmed, with runs of white space made one space;
* names must show something: not blank, not only invisible characters.

The types are pydantic ``Annotated`` strings; :func:`first_bad_string` finds a
lone surrogate anywhere in a decoded message (keys included), before the
models see it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints

__all__ = [
    "ClientRef",
    "Ident",
    "Keyword",
    "Name",
    "NoteText",
    "Phrase",
    "RoomCode",
    "Secret",
    "TEXT_RULES",
    "first_bad_string",
]

#: Bidirectional embedding, override and isolate controls (Unicode 15, UAX #9).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Characters that are letters or symbols to Unicode but show nothing.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_SPACES = re.compile(r"\s+")


def _well_formed(text: str) -> str:
    for ch in text:
        kind = unicodedata.category(ch)
        if kind == "Cs":
            raise ValueError("not well-formed Unicode (a lone surrogate)")
        if kind == "Cc" or ch in _BIDI:
            raise ValueError(f"control character U+{ord(ch):04X} not allowed")
    return text


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", _well_formed(text)).strip()


def _visible(text: str) -> str:
    if not any(unicodedata.category(ch)[0] in "LNPS" and ch not in _BLANK for ch in text):
        raise ValueError("must show at least one letter, digit or sign")
    return text


def _not_empty(text: str) -> str:
    if not text:
        raise ValueError("must not be empty")
    return text


def _at_most(limit: int) -> AfterValidator:
    def check(text: str) -> str:
        if len(text) > limit:
            raise ValueError(f"at most {limit} characters")
        return text
    return AfterValidator(check)


#: A person's or team's name: one line, visible, up to 40 characters after trimming.
Name = Annotated[str, Field(max_length=400), AfterValidator(_one_line),
                 AfterValidator(_visible), _at_most(40)]
#: A filter keyword: one line, not empty, up to 50 characters (the room's limit).
Keyword = Annotated[str, Field(max_length=400), AfterValidator(_one_line),
                    AfterValidator(_not_empty), _at_most(50)]
#: Free text a person types (an answer): one line, no control characters, trimmed.
Phrase = Annotated[str, Field(max_length=2000), AfterValidator(_one_line), _at_most(500)]
#: The trainer's note to every seat: like a phrase, but not empty.
NoteText = Annotated[str, Field(max_length=2000), AfterValidator(_one_line),
                     AfterValidator(_not_empty), _at_most(500)]
#: Ids the server made (comments ``c12``, viewers, gifts, requests, seats): plain ASCII.
Ident = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,40}$")]
#: An id a client chose for one of its actions (``action.cid``): plain ASCII, so a phone can
#: make one from random bytes and keep it in ``localStorage``.
ClientRef = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
#: Tokens and keys the server made (``secrets.token_urlsafe``).
Secret = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,100}$")]
#: A room's join code (six digits; a few more characters are tolerated).
RoomCode = Annotated[str, StringConstraints(strip_whitespace=True,
                                            pattern=r"^[A-Za-z0-9-]{1,12}$")]


def first_bad_string(data: Any, where: str = "") -> str | None:
    """The path of the first string (key or value) in ``data`` that is not well-formed
    Unicode, or None. ``data`` is what :func:`json.loads` returned."""
    stack: list[tuple[str, Any]] = [(where, data)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if not _encodes(item):
                return path or "(message)"
        elif isinstance(item, dict):
            for key, value in item.items():
                inner = f"{path}.{key}" if path else str(key)
                if not _encodes(key):
                    return path or "(key)"
                stack.append((inner, value))
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", value) for i, value in enumerate(item))
    return None


def _encodes(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


#: Each kind of client string, its name in ``docs/protocol.md`` and its rule.
TEXT_RULES: tuple[tuple[object, str, str], ...] = (
    (Name, "name", "1–40 characters after trimming; white space runs become one space; must "
                   "show a letter, digit or sign (not blank, not only invisible characters)"),
    (Keyword, "keyword", "1–50 characters after trimming, one line"),
    (Phrase, "phrase", "0–500 characters after trimming, one line"),
    (NoteText, "note", "1–500 characters after trimming, one line"),
    (Ident, "id", "an id the server sent (`c12`, `v3`, `g1`, `r2`, `s4`): 1–40 of "
                  "`A–Z a–z 0–9 _ . : -`"),
    (ClientRef, "client id", "an id the client chose for one of its actions: 1–64 of "
                             "`A–Z a–z 0–9 _ . : -`"),
    (Secret, "token", "a token or key the server made: 1–100 of `A–Z a–z 0–9 _ -`"),
    (RoomCode, "room code", "the join code: 1–12 of `A–Z a–z 0–9 -` (surrounding spaces are "
                            "dropped)"),
)
