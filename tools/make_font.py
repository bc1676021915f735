"""Build the desktop app's font, ``simulator/fonts/GladiSans.ttf``, from Noto fonts.

pygame-ce's own font has no look-alike letters (ｇａｃｏｒ, 𝙜𝙖𝙘𝙤𝙧, ᴀsɪɴɢ, Cyrillic а) and no
emoji, so disguised troll comments looked like plain text. This script merges, into one
TrueType file: Noto Sans (Latin, Cyrillic, Greek, IPA and phonetic small capitals,
punctuation), full-width forms drawn from Noto Sans's own letters, Noto Sans Math
(mathematical alphanumerics, arrows), Noto Emoji (monochrome emoji, which SDL_ttf draws
at any size in the text's colour) and Noto Sans Symbols and Symbols 2 (enclosed letters
and digits, other signs). All are under the SIL Open Font License 1.1
(``simulator/fonts/OFL.txt``); the sources and how to rebuild are in
``simulator/fonts/README.md``.

    uv run python tools/make_font.py NOTO_DIR EMOJI_DIR [OUT]

``NOTO_DIR`` holds NotoSans-Regular.ttf, NotoSansMath-Regular.ttf,
NotoSansSymbols-Regular.ttf and NotoSansSymbols2-Regular.ttf (Debian's fonts-noto-core,
``usr/share/fonts/truetype/noto``); ``EMOJI_DIR`` holds the noto-emoji-*-400-normal.woff
files of the npm package @fontsource/noto-emoji (``package/files``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from fontTools.pens.recordingPen import DecomposingRecordingPen  # type: ignore[import-untyped]
from fontTools.pens.transformPen import TransformPen  # type: ignore[import-untyped]
from fontTools.pens.ttGlyphPen import TTGlyphPen  # type: ignore[import-untyped]
from fontTools.subset import Options, Subsetter  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont, newTable  # type: ignore[import-untyped]
from fontTools.ttLib.tables._c_m_a_p import cmap_format_4, cmap_format_12  # type: ignore[import-untyped]

OUT = Path("simulator/fonts/GladiSans.ttf")
FAMILY = "Gladi Sans"
COPYRIGHT = ("Noto Sans, Noto Sans Math, Noto Sans Symbols, Noto Sans Symbols 2: "
             "Copyright 2015-2018 Google LLC. Noto Emoji: Copyright 2013-2026 Google LLC. "
             "Merged and subset for Gladi. Licensed under the SIL Open Font License 1.1.")
#: The line's ascent and descent, in font units (1000 to the em).
LINE = (960, -250)


def _ranges(*spans: tuple[int, int]) -> set[int]:
    return {c for lo, hi in spans for c in range(lo, hi + 1)}


#: What Noto Sans gives: Latin, IPA and phonetic small capitals, Greek, Cyrillic,
#: punctuation, super- and subscripts, currency, letter-like signs.
TEXT = _ranges((0x20, 0x7E), (0xA0, 0x24F), (0x250, 0x2FF), (0x300, 0x36F), (0x370, 0x3FF),
               (0x400, 0x52F), (0x1D00, 0x1DBF), (0x1E00, 0x1EFF), (0x2000, 0x206F),
               (0x2070, 0x209F), (0x20A0, 0x20CF), (0x2100, 0x218F), (0xA720, 0xA7FF),
               (0xFB00, 0xFB06))
#: Full-width Latin letters, digits and signs: Noto Sans's own glyphs, centred in an em.
FULL_WIDTH = _ranges((0xFF01, 0xFF5E))
#: Arrows, maths and the mathematical letters from Noto Sans Math.
MATH = _ranges((0x2190, 0x21FF), (0x2200, 0x22FF), (0x27F0, 0x27FF), (0x1D400, 0x1D7FF))
#: Emoji, from Noto Emoji: every single code point it draws.
EMOJI = _ranges((0x2000, 0x2BFF), (0x3030, 0x303D), (0x3297, 0x3299), (0x1F000, 0x1FAFF))
#: What the symbol fonts add: arrows, technical signs, enclosed letters and digits (ⓐ ④ 🅰),
#: shapes, other signs and dingbats.
SYMBOLS = _ranges((0x2190, 0x21FF), (0x2300, 0x23FF), (0x2460, 0x24FF), (0x25A0, 0x25FF),
                  (0x2600, 0x27BF), (0x2B00, 0x2BFF), (0x1F100, 0x1F1FF))
#: Code points drawn as nothing: joiners and the emoji and text presentation selectors.
EMPTY = (0x200D, 0xFE0E, 0xFE0F)


def _draw(source: TTFont, name: str, scale: float, dx: float = 0.0) -> object:
    """A TrueType glyph drawn from ``source``'s glyph ``name``, scaled, moved by ``dx``."""
    glyphs = source.getGlyphSet()
    recording = DecomposingRecordingPen(glyphs)
    glyphs[name].draw(recording)
    pen = TTGlyphPen(None)
    recording.replay(TransformPen(pen, (scale, 0, 0, scale, dx, 0)))
    return pen.glyph()


class Builder:
    """A Noto Sans subset that more glyphs are added to, then saved."""

    def __init__(self, noto_sans: Path) -> None:
        font = TTFont(noto_sans)
        options = Options()
        options.hinting = False
        options.layout_features = ["kern", "liga", "ccmp", "locl", "mark", "mkmk"]
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
        subsetter = Subsetter(options)
        subsetter.populate(unicodes=TEXT & set(font.getBestCmap()))
        subsetter.subset(font)
        self.font = font
        self.upm = font["head"].unitsPerEm
        self.cmap: dict[int, str] = dict(font.getBestCmap())
        self.order: list[str] = list(font.getGlyphOrder())

    def has(self, code: int) -> bool:
        return code in self.cmap

    def add(self, code: int, glyph: object, advance: int) -> None:
        name = f"u{code:04X}"
        self.font["glyf"][name] = glyph
        glyph.recalcBounds(self.font["glyf"])  # type: ignore[attr-defined]
        lsb = getattr(glyph, "xMin", 0)
        self.font["hmtx"][name] = (advance, lsb)
        self.order.append(name)
        self.cmap[code] = name

    def add_from(self, source: TTFont, codes: Iterable[int]) -> int:
        """Copy ``source``'s glyphs for ``codes`` this font lacks; return how many."""
        scale = self.upm / source["head"].unitsPerEm
        mapping = source.getBestCmap()
        added = 0
        for code in sorted(codes):
            if code in self.cmap or code not in mapping:
                continue
            name = mapping[code]
            advance = round(source["hmtx"][name][0] * scale)
            self.add(code, _draw(source, name, scale), advance)
            added += 1
        return added

    def add_full_width(self) -> None:
        """U+FF01–FF5E: the ASCII glyph in the middle of a full em, as the forms are."""
        source = self.font
        for code in sorted(FULL_WIDTH):
            name = self.cmap.get(code - 0xFEE0)
            if name is None or code in self.cmap:
                continue
            width = source["hmtx"][name][0]
            self.add(code, _draw(source, name, 1.0, (self.upm - width) / 2), self.upm)

    def add_empty(self) -> None:
        for code in EMPTY:
            if code not in self.cmap:
                self.add(code, TTGlyphPen(None).glyph(), 0)

    def save(self, out: Path) -> None:
        font = self.font
        font.setGlyphOrder(self.order)
        table = newTable("cmap")
        table.tableVersion = 0
        bmp = cmap_format_4(4)
        bmp.platformID, bmp.platEncID, bmp.language = 3, 1, 0
        bmp.cmap = {c: n for c, n in self.cmap.items() if c <= 0xFFFF}
        full = cmap_format_12(12)
        full.platformID, full.platEncID, full.language = 3, 10, 0
        full.format, full.reserved, full.length, full.nGroups = 12, 0, 0, 0
        full.cmap = dict(self.cmap)
        table.tables = [bmp, full]
        font["cmap"] = table
        font["post"].formatType = 3.0  # no glyph names: smaller, and none are needed
        # Noto Sans's lines are 1.36 em apart, roomy for stacked Vietnamese accents; the
        # app's layouts were drawn for about 1.2 (pygame's default font). SDL_ttf still
        # makes each rendered line tall enough for any glyph, so nothing is clipped.
        ascent, descent = LINE
        font["hhea"].ascent, font["hhea"].descent, font["hhea"].lineGap = ascent, descent, 0
        os2 = font["OS/2"]
        os2.sTypoAscender, os2.sTypoDescender, os2.sTypoLineGap = ascent, descent, 0
        os2.usWinAscent, os2.usWinDescent = ascent, -descent
        font["maxp"].numGlyphs = len(self.order)
        for record in font["name"].names:
            if record.nameID == 0:
                record.string = COPYRIGHT
            elif record.nameID in (1, 4):
                record.string = FAMILY
            elif record.nameID == 3:
                record.string = f"{FAMILY}; made by tools/make_font.py"
            elif record.nameID == 6:
                record.string = FAMILY.replace(" ", "")
        out.parent.mkdir(parents=True, exist_ok=True)
        font.save(out)


def _emoji(folder: Path) -> list[TTFont]:
    return [TTFont(path) for path in sorted(folder.glob("noto-emoji-*-400-normal.woff"))]


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    noto, emoji_dir = Path(argv[0]), Path(argv[1])
    out = Path(argv[2]) if len(argv) > 2 else OUT
    builder = Builder(noto / "NotoSans-Regular.ttf")
    builder.add_full_width()
    math = TTFont(noto / "NotoSansMath-Regular.ttf")
    counts = {"math": builder.add_from(math, MATH)}
    counts["emoji"] = sum(builder.add_from(font, EMOJI) for font in _emoji(emoji_dir))
    for name in ("NotoSansSymbols-Regular.ttf", "NotoSansSymbols2-Regular.ttf"):
        counts[name] = builder.add_from(TTFont(noto / name), SYMBOLS)
    builder.add_empty()
    builder.save(out)
    print(f"{out}: {len(builder.cmap)} characters, {out.stat().st_size // 1024} KiB "
          f"({', '.join(f'{k} {v}' for k, v in counts.items())})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
