"""The plain letters behind the 2026 disguises (issue 27): squared and emoji letters."""

from __future__ import annotations

import pytest

from simulator.lookalike import plain_form


@pytest.mark.parametrize(("text", "plain"), [
    ("🅂🄻🄾🅃 🄶🄰🄲🄾🅁 hari ini", "SLOT GACOR hari ini"),
    ("main di 🇵 🇦 🇺 🇸 4D", "main di P A U S 4D"),
    ("ⓟⓐⓤⓢ④ⓓ", "paus4d"),
])
def test_squared_and_emoji_letters_read_as_plain_ones(text: str, plain: str) -> None:
    assert plain_form(text) == plain


def test_a_flag_is_no_disguise() -> None:
    # Two emoji letters side by side draw a flag (🇮🇩), not letters.
    assert plain_form("makasih kak 🙏🇮🇩") is None
