"""Fonts that scale with the window, and a cache of rendered text.

Everything is drawn with Gladi Sans (``simulator/fonts/GladiSans.ttf``, Noto fonts merged
under the SIL Open Font License; see ``simulator/fonts/README.md``), which has the
look-alike letters and emoji trolls hide words in: ``ＳＬＯＴ ＧＡＣＯＲ`` is drawn as it
is, not as "SLOT GACOR".

``Font.render`` is the most expensive call in a busy chat frame, so every
rendered string is cached by (text, role, colour, bold) and reused until the
scale changes. The cache is bounded: a chat at 50 comments a second would
otherwise grow it without end.
"""

from __future__ import annotations

import io
import unicodedata
from collections import OrderedDict
from functools import cache
from importlib import resources

import pygame

from simulator.theme import SIZES, Colour

__all__ = ["FONT_FILE", "Fonts", "font_bytes"]

#: The app's font, inside the package.
FONT_FILE = "GladiSans.ttf"
#: Point size per pixel of a role's size (theme.SIZES): the same letter height as
#: pygame's default font had at 1.25 px per pixel of size.
POINTS = 0.86

CACHE_SIZE = 3000
#: A private-use code point: no font draws it, so its metrics are the "missing" box's.
_NO_GLYPH = "\U0010fffd"


@cache
def font_bytes() -> bytes:
    """The font file's bytes, read once (each ``pygame.font.Font`` reads its own copy)."""
    return (resources.files("simulator") / "fonts" / FONT_FILE).read_bytes()


class Fonts:
    """Gladi Sans at each role's size, times ``scale``."""

    def __init__(self, scale: float = 1.0) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self.scale = 0.0
        self._fonts: dict[tuple[str, bool], pygame.font.Font] = {}
        self._text: OrderedDict[tuple[str, str, Colour, bool], pygame.Surface] = OrderedDict()
        self._wrap: OrderedDict[tuple[str, str, int, bool], list[str]] = OrderedDict()
        self._glyph: dict[str, str] = {}
        self._notdef: tuple[int, int, int, int, int] | None = None
        self.set_scale(scale)

    def set_scale(self, scale: float) -> None:
        if abs(scale - self.scale) < 1e-3:
            return
        self.scale = scale
        self._fonts.clear()
        self._glyph.clear()
        self._notdef = None
        self._text.clear()
        self._wrap.clear()

    def px(self, value: float) -> int:
        """A length of the design (1366×768) in pixels at the current scale."""
        return max(1, round(value * self.scale))

    def font(self, role: str, bold: bool = False) -> pygame.font.Font:
        key = (role, bold)
        found = self._fonts.get(key)
        if found is None:
            found = pygame.font.Font(io.BytesIO(font_bytes()), self.px(SIZES[role] * POINTS))
            found.bold = bold
            self._fonts[key] = found
        return found

    def clean(self, text: str) -> str:
        """``text`` with characters the font cannot draw replaced.

        Gladi Sans draws Latin, Cyrillic, Greek, look-alike letters and emoji; a
        character it lacks (a Chinese letter, a rare symbol) becomes its plain form
        (NFKC) when that is drawable, else is left out rather than drawn as an empty box.
        """
        if text.isascii():
            return text
        out = []
        glyph = self._glyph
        for ch in text:
            found = glyph.get(ch)
            if found is None:
                found = self._fallback(ch)
                glyph[ch] = found
            out.append(found)
        return "".join(out)

    def _has_glyph(self, ch: str) -> bool:
        font = self.font("body")
        # SDL_ttf answers a missing glyph with the font's "notdef" box, so compare
        # with the metrics of a code point no font has.
        if self._notdef is None:
            self._notdef = font.metrics(_NO_GLYPH)[0]
        found = font.metrics(ch)[0]
        return found is not None and found != self._notdef

    def _fallback(self, ch: str) -> str:
        if ch.isascii() or self._has_glyph(ch):
            return ch
        plain = unicodedata.normalize("NFKC", ch)
        if plain and plain != ch and all(c.isascii() or self._has_glyph(c) for c in plain):
            return plain
        return ""

    def line_height(self, role: str) -> int:
        return self.font(role).get_linesize()

    def text(self, text: str, role: str, colour: Colour, bold: bool = False) -> pygame.Surface:
        """The rendered ``text`` (cached)."""
        key = (text, role, colour, bold)
        cache = self._text
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
            return found
        surface = self.font(role, bold).render(self.clean(text) or " ", True, colour)
        cache[key] = surface
        if len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
        return surface

    def wrap(self, text: str, role: str, width: int, bold: bool = False) -> list[str]:
        """``text`` broken into lines no wider than ``width`` pixels (cached)."""
        key = (text, role, width, bold)
        found = self._wrap.get(key)
        if found is not None:
            return found
        font = self.font(role, bold)
        lines: list[str] = []
        for paragraph in self.clean(text).split("\n"):
            line = ""
            for word in paragraph.split(" "):
                trial = f"{line} {word}" if line else word
                if font.size(trial)[0] <= width or not line:
                    line = trial
                else:
                    lines.append(line)
                    line = word
                # A single word wider than the line (a spammer's run of letters) is cut.
                while font.size(line)[0] > width and len(line) > 1:
                    cut = len(line) - 1
                    while cut > 1 and font.size(line[:cut])[0] > width:
                        cut -= 1
                    lines.append(line[:cut])
                    line = line[cut:]
            lines.append(line)
        self._wrap[key] = lines
        if len(self._wrap) > CACHE_SIZE:
            self._wrap.popitem(last=False)
        return lines

    def lines(self, text: str, role: str, width: int, most: int, bold: bool = False) -> list[str]:
        """``text`` wrapped to ``width``, at most ``most`` lines, the last cut with "…"
        when there was more."""
        lines = self.wrap(text, role, width, bold)
        if len(lines) <= most:
            return lines
        return [*lines[:most - 1], self.ellipsis(lines[most - 1] + "…", role, width, bold)]

    def ellipsis(self, text: str, role: str, width: int, bold: bool = False) -> str:
        """``text`` cut with "…" to fit ``width``."""
        font = self.font(role, bold)
        text = self.clean(text)
        if font.size(text)[0] <= width:
            return text
        lo, hi = 0, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if font.size(text[:mid] + "…")[0] <= width:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo] + "…"
