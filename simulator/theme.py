"""Colours and sizes. Dark like TikTok LIVE's overlays, with high-contrast text."""

from __future__ import annotations

Colour = tuple[int, int, int]

BG: Colour = (18, 18, 24)
PANEL: Colour = (32, 33, 42)
PANEL_2: Colour = (44, 46, 58)
LINE: Colour = (70, 72, 88)
TEXT: Colour = (240, 240, 245)
MUTED: Colour = (160, 162, 178)
FAINT: Colour = (110, 112, 128)
ACCENT: Colour = (254, 44, 85)  # TikTok red-pink
ACCENT_2: Colour = (37, 244, 238)  # TikTok cyan
OK: Colour = (60, 200, 110)
WARN: Colour = (245, 180, 40)
FAIL: Colour = (235, 70, 70)
GOLD: Colour = (255, 200, 60)
SELECT: Colour = (70, 60, 120)
HOVER: Colour = (56, 58, 74)
BUTTON: Colour = (58, 60, 78)
BUTTON_DANGER: Colour = (150, 40, 60)
BUTTON_PRIMARY: Colour = (200, 30, 70)
OVERLAY: Colour = (0, 0, 0)

#: The design size: everything scales from a 1366×768 laptop screen.
BASE_W, BASE_H = 1366, 768
MIN_W, MIN_H = 1024, 600
#: Font sizes (pixels at scale 1) by role.
SIZES: dict[str, int] = {
    "tiny": 14,
    "small": 16,
    "body": 19,
    "label": 18,
    "h2": 24,
    "h1": 32,
    "huge": 64,
}
LARGE_TEXT = 1.3


def scale_for(width: int, height: int, large_text: bool) -> float:
    """Scale of text and spacing for a window size (1.0 at 1366×768)."""
    s = min(width / BASE_W, height / BASE_H)
    s = max(0.75, min(s, 2.0))
    return s * (LARGE_TEXT if large_text else 1.0)


def level_colour(level: str) -> Colour:
    return {"ok": OK, "warn": WARN, "fail": FAIL}.get(level, FAINT)
