"""Small widgets drawn by hand: buttons, text fields, meters, panels.

Every widget keeps its rectangle, set by the screen's ``layout``; ``draw``
only reads state. User-generated text is always drawn as plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pygame

from simulator import theme
from simulator.fonts import Fonts
from simulator.theme import Colour

__all__ = ["Button", "TextField", "draw_bar", "draw_panel", "draw_text", "draw_wrapped"]


def draw_panel(surface: pygame.Surface, rect: pygame.Rect, colour: Colour = theme.PANEL,
               radius: int = 10, border: Colour | None = None) -> None:
    pygame.draw.rect(surface, colour, rect, border_radius=radius)
    if border is not None:
        pygame.draw.rect(surface, border, rect, width=2, border_radius=radius)


def draw_text(surface: pygame.Surface, fonts: Fonts, text: str, pos: tuple[int, int],
              role: str = "body", colour: Colour = theme.TEXT, bold: bool = False,
              anchor: str = "topleft", max_width: int | None = None) -> pygame.Rect:
    """Draw one line (cut with "…" to ``max_width``); return where it went."""
    if max_width is not None:
        text = fonts.ellipsis(text, role, max_width, bold)
    image = fonts.text(text, role, colour, bold)
    rect = image.get_rect(**{anchor: pos})
    surface.blit(image, rect)
    return rect


def draw_wrapped(surface: pygame.Surface, fonts: Fonts, text: str, rect: pygame.Rect,
                 role: str = "body", colour: Colour = theme.TEXT, bold: bool = False,
                 max_lines: int | None = None, align: str = "left") -> int:
    """Draw ``text`` wrapped into ``rect``'s width from its top (``align`` "left" or
    "center"), cut with "…" after ``max_lines``; return the height used."""
    lines = fonts.wrap(text, role, rect.width, bold) if max_lines is None \
        else fonts.lines(text, role, rect.width, max_lines, bold)
    step = fonts.line_height(role)
    y = rect.top
    for line in lines:
        image = fonts.text(line, role, colour, bold)
        x = rect.centerx - image.get_width() // 2 if align == "center" else rect.left
        surface.blit(image, (x, y))
        y += step
    return y - rect.top


def draw_bar(surface: pygame.Surface, rect: pygame.Rect, fraction: float, colour: Colour,
             back: Colour = theme.PANEL_2) -> None:
    """A horizontal meter, ``fraction`` (0-1) full."""
    pygame.draw.rect(surface, back, rect, border_radius=rect.height // 2)
    filled = rect.copy()
    filled.width = max(0, min(rect.width, round(rect.width * fraction)))
    if filled.width:
        pygame.draw.rect(surface, colour, filled, border_radius=rect.height // 2)


@dataclass(slots=True)
class Button:
    """A labelled button with an optional keyboard shortcut shown beside the label."""

    label: str
    on_click: Callable[[], None]
    rect: pygame.Rect = field(default_factory=lambda: pygame.Rect(0, 0, 0, 0))
    shortcut: str = ""
    colour: Colour = theme.BUTTON
    enabled: bool = True
    selected: bool = False
    role: str = "label"

    def hit(self, pos: tuple[int, int]) -> bool:
        return self.enabled and self.rect.collidepoint(pos)

    def click(self, pos: tuple[int, int]) -> bool:
        """Run the button's action if ``pos`` is on it; return whether it was."""
        if self.hit(pos):
            self.on_click()
            return True
        return False

    def draw(self, surface: pygame.Surface, fonts: Fonts, hover: tuple[int, int] | None) -> None:
        colour = self.colour
        if not self.enabled:
            colour = theme.PANEL_2
        elif self.selected:
            colour = theme.SELECT
        elif hover is not None and self.rect.collidepoint(hover):
            red, green, blue = colour
            colour = (min(255, red + 25), min(255, green + 25), min(255, blue + 25))
        pygame.draw.rect(surface, colour, self.rect, border_radius=fonts.px(8))
        text_colour = theme.TEXT if self.enabled else theme.FAINT
        label = self.label
        if self.shortcut:
            key = fonts.text(self.shortcut, "tiny", theme.MUTED)
            room = self.rect.width - key.get_width() - fonts.px(18)
            draw_text(surface, fonts, label, (self.rect.left + fonts.px(8), self.rect.centery),
                      self.role, text_colour, anchor="midleft", max_width=room)
            surface.blit(key, key.get_rect(midright=(self.rect.right - fonts.px(6),
                                                     self.rect.centery)))
        else:
            draw_text(surface, fonts, label, self.rect.center, self.role, text_colour,
                      anchor="center", max_width=self.rect.width - fonts.px(8))


@dataclass(slots=True)
class TextField:
    """A one-line text field fed by TEXTINPUT and KEYDOWN events."""

    text: str = ""
    placeholder: str = ""
    max_len: int = 40
    focused: bool = False
    rect: pygame.Rect = field(default_factory=lambda: pygame.Rect(0, 0, 0, 0))
    on_enter: Callable[[str], None] | None = None
    #: The character of the shortcut key that focused the field: SDL sends it
    #: again as text right after the key press, and it must not be typed.
    swallow: str = ""

    def focus(self, shortcut: str = "") -> None:
        """Take the keyboard; ``shortcut`` is the text of the key that asked for it."""
        self.focused = True
        self.swallow = shortcut

    def handle(self, event: pygame.event.Event) -> bool:
        """Take the event if it is for this field; return whether it was used."""
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self.focused = self.rect.collidepoint(event.pos)
            return self.focused
        if not self.focused:
            return False
        if event.type == pygame.TEXTINPUT:
            if self.swallow and event.text == self.swallow:
                self.swallow = ""
                return True
            self.swallow = ""
            if len(self.text) < self.max_len:
                self.text += event.text[: self.max_len - len(self.text)]
            return True
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_BACKSPACE:
                self.text = self.text[:-1]
                return True
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                if self.on_enter is not None:
                    self.on_enter(self.text)
                return True
            if event.key == pygame.K_ESCAPE:
                self.focused = False
                return True
            # Letters arrive as TEXTINPUT; swallow their KEYDOWN so shortcuts do not fire.
            return bool(event.unicode and event.unicode.isprintable())
        return False

    def draw(self, surface: pygame.Surface, fonts: Fonts) -> None:
        border = theme.ACCENT_2 if self.focused else theme.LINE
        draw_panel(surface, self.rect, theme.PANEL_2, fonts.px(6), border)
        shown = self.text + ("|" if self.focused else "")
        colour = theme.TEXT
        if not self.text and not self.focused:
            shown, colour = self.placeholder, theme.FAINT
        pad = fonts.px(8)
        text = fonts.ellipsis(shown, "body", self.rect.width - 2 * pad)
        draw_text(surface, fonts, text, (self.rect.left + pad, self.rect.centery), "body",
                  colour, anchor="midleft")
