"""Home: the trainee's name, language, text size and the scenario to rehearse."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from debrief.report_text import clock
from i18n.formats import decimal
from scenarios.schema import Scenario
from simulator import theme
from simulator.intents import Intent, KeyMap
from simulator.screen import Screen, register
from simulator.storage import scores_for_home
from simulator.widgets import Button, TextField, draw_panel, draw_text, draw_wrapped

if TYPE_CHECKING:
    from simulator.app import App

__all__ = ["HomeScreen"]


@register("home")
class HomeScreen(Screen):
    """The first screen: who rehearses, in which language, and which scenario."""

    keymap = KeyMap.HOME

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.name = TextField(text=app.trainee, max_len=40, on_enter=lambda _: self.start())
        self.selected = 0
        self.scores = scores_for_home(app.trainee)
        self.cards: list[tuple[int, pygame.Rect]] = []  # (scenario index, rect) on screen
        self.first = 0  # first scenario shown (the list scrolls)
        self.size = (0, 0)
        self.start_button: Button | None = None

    def layout(self, width: int, height: int) -> None:
        """The left column stacked from the top by the text's own heights, the start buttons
        at the bottom, the hint in what is left between (so large text never overlaps)."""
        fonts = self.fonts
        px = fonts.px
        pad = px(28)
        left_w = min(px(380), width // 3)
        line = fonts.line_height
        y = pad
        self.title_at = y
        y += line("huge")
        self.tagline = pygame.Rect(pad, y, left_w, 2 * line("small"))
        y = self.tagline.bottom + px(16)
        self.name_label_at = y
        y += line("label") + px(6)
        field_h = max(px(44), line("body") + px(12))
        self.name.placeholder = self.tr("desktop.name_placeholder")
        self.name.rect = pygame.Rect(pad, y, left_w, field_h)
        y = self.name.rect.bottom + px(16)
        self.lang_label_at = y
        y += line("label") + px(6)
        button_h = max(px(44), line("label") + px(14))
        self.lang_buttons = [
            Button("Bahasa Indonesia", lambda: self.app.set_language("id"),
                   pygame.Rect(pad, y, left_w // 2 - px(4), button_h),
                   selected=self.app.lang == "id"),
            Button("English", lambda: self.app.set_language("en"),
                   pygame.Rect(pad + left_w // 2 + px(4), y, left_w // 2 - px(4), button_h),
                   selected=self.app.lang == "en"),
        ]
        y += button_h + px(16)
        self.size_label_at = y
        y += line("label") + px(6)
        large = Button(self.tr("desktop.large_text_on" if self.app.large_text
                              else "desktop.large_text_off"), self.app.toggle_large_text,
                       pygame.Rect(pad, y, left_w, button_h), shortcut="F3")
        y += button_h + px(16)
        skip_h = button_h
        start_h = max(px(56), line("h2") + px(16))
        skip = Button(self.tr("desktop.start_skip_checks"), lambda: self.start(skip=True),
                      pygame.Rect(pad, height - pad - skip_h, left_w, skip_h),
                      shortcut="Ctrl+Enter")
        self.start_button = Button(self.tr("desktop.start"), self.start,
                                   pygame.Rect(pad, skip.rect.top - px(10) - start_h, left_w,
                                               start_h),
                                   shortcut="Enter", colour=theme.BUTTON_PRIMARY, role="h2")
        #: "Gabung gladi kelompok": host a group drill (simulator.screens.drill).
        drill = Button(self.tr("drill.home_button"), self.join_drill,
                       pygame.Rect(pad, self.start_button.rect.top - px(10) - button_h, left_w,
                                   button_h))
        #: The hint fills what is left between the text-size button and the start buttons.
        self.hint = pygame.Rect(pad, y, left_w, max(0, drill.rect.top - px(10) - y))
        self.buttons = [*self.lang_buttons, large, self.start_button, skip, drill]
        self.size = (width, height)
        self._place_cards()

    def _card_height(self) -> int:
        fonts = self.fonts
        px = fonts.px
        return (fonts.line_height("h2") + fonts.line_height("small")
                + 2 * fonts.line_height("body") + px(32))

    def _place_cards(self, follow: bool = True) -> None:
        """Scenario cards on the right: as many as fit, scrolled to keep the choice visible
        (``follow``; the mouse wheel scrolls without moving the choice)."""
        fonts = self.fonts
        px = fonts.px
        width, height = self.size
        pad = px(28)
        x = pad * 2 + min(px(380), width // 3)
        w = width - x - pad
        top = pad + fonts.line_height("h2") + px(16)
        gap = px(12)
        card_h = self._card_height()
        n = len(self.app.scenarios())
        fit = max(1, (height - top - pad + gap) // (card_h + gap))
        if follow:
            if self.selected < self.first:
                self.first = self.selected
            elif self.selected >= self.first + fit:
                self.first = self.selected - fit + 1
        self.first = max(0, min(self.first, max(0, n - fit)))
        self.cards = [(i, pygame.Rect(x, top + (i - self.first) * (card_h + gap), w, card_h))
                      for i in range(self.first, min(n, self.first + fit))]

    def start(self, skip: bool = False) -> None:
        scenarios = self.app.scenarios()
        if not scenarios:
            return
        self.app.trainee = self.name.text.strip()
        sid = scenarios[self.selected].id
        self.app.replace("live" if skip else "preflight", scenario_id=sid)

    def join_drill(self) -> None:
        self.app.trainee = self.name.text.strip()
        self.app.replace("drill_join")

    def take_input(self, event: pygame.event.Event) -> bool:
        return self.name.handle(event)

    def handle_intent(self, intent: Intent) -> None:
        n = len(self.app.scenarios())
        if intent in (Intent.SELECT_NEXT, Intent.SELECT_PREVIOUS) and n:
            step = 1 if intent is Intent.SELECT_NEXT else -1
            self.selected = (self.selected + step) % n
            self._place_cards()
        elif intent is Intent.CONFIRM:
            self.start()
        elif intent is Intent.START_SKIPPING_CHECKS:
            self.start(skip=True)
        elif intent is Intent.FOCUS_NAME:
            self.name.focus()
        elif intent is Intent.BACK:
            self.app.quit()

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for i, rect in self.cards:
                if rect.collidepoint(event.pos):
                    self.selected = i
                    return
        if event.type == pygame.MOUSEWHEEL:
            # The wheel scrolls the list; the choice stays where it is.
            self.first -= event.y
            self._place_cards(follow=False)
            return
        super().handle_event(event)

    def draw(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        width, _height = surface.get_size()
        surface.fill(theme.BG)
        pad = px(28)
        draw_text(surface, fonts, "Gladi", (pad, self.title_at), "huge", theme.ACCENT, bold=True)
        draw_wrapped(surface, fonts, self.tr("desktop.tagline"), self.tagline, "small",
                     theme.MUTED, max_lines=2)
        draw_text(surface, fonts, self.tr("desktop.name_label"), (pad, self.name_label_at),
                  "label", theme.TEXT, bold=True, max_width=self.tagline.width)
        self.name.draw(surface, fonts)
        draw_text(surface, fonts, self.tr("desktop.language_label") + "  (F2)",
                  (pad, self.lang_label_at), "label", theme.TEXT, bold=True)
        draw_text(surface, fonts, self.tr("desktop.text_size_label"), (pad, self.size_label_at),
                  "label", theme.TEXT, bold=True)
        lines = self.hint.height // fonts.line_height("small")
        if lines > 0:
            draw_wrapped(surface, fonts, self.tr("desktop.home_hint"), self.hint, "small",
                         theme.MUTED, max_lines=lines)
        self.draw_buttons(surface)
        scenarios = self.app.scenarios()
        left = self.cards[0][1].left if self.cards else pad
        heading = draw_text(surface, fonts, self.tr("desktop.choose_scenario"), (left, pad),
                            "h2", theme.TEXT, bold=True)
        if len(self.cards) < len(scenarios):
            draw_text(surface, fonts, self.tr("desktop.more_scenarios", shown=len(self.cards),
                                             total=len(scenarios)),
                      (width - pad, heading.bottom), "small", theme.MUTED, anchor="bottomright",
                      max_width=width - pad - heading.right - px(16))
        for i, rect in self.cards:
            self._draw_card(surface, scenarios[i], rect, i == self.selected)

    def _draw_card(self, surface: pygame.Surface, scenario: Scenario, rect: pygame.Rect,
                   chosen: bool) -> None:
        """Title; difficulty, length and the last result; the summary."""
        fonts = self.fonts
        px = fonts.px
        lang = self.app.lang
        draw_panel(surface, rect, theme.SELECT if chosen else theme.PANEL, px(12),
                   theme.ACCENT_2 if chosen else None)
        inner = rect.inflate(-px(32), -px(20))
        y = inner.top
        draw_text(surface, fonts, scenario.title.get(lang), (inner.left, y), "h2", theme.TEXT,
                  bold=True, max_width=inner.width)
        y += fonts.line_height("h2")
        diff = self.tr(f"desktop.difficulty_{scenario.difficulty}")
        minutes = max(1, round(scenario.duration_s / 60))
        meta = draw_text(surface, fonts, self.tr("desktop.scenario_meta", difficulty=diff,
                                                 minutes=minutes),
                         (inner.left, y), "small", theme.MUTED)
        score = self.scores.scores.get(scenario.id)
        stopped = self.scores.stopped.get(scenario.id)
        if score is not None:
            last, colour = self.tr("desktop.last_score", score=decimal(score, lang, 0)), \
                theme.GOLD
        elif stopped is not None:
            last, colour = self.tr("desktop.last_stopped", elapsed=clock(round(stopped * 1000))), \
                theme.WARN
        else:
            last, colour = self.tr("desktop.never_played"), theme.FAINT
        draw_text(surface, fonts, last, (inner.right, y), "small", colour, anchor="topright",
                  max_width=inner.right - meta.right - px(16))
        y += fonts.line_height("small") + px(4)
        body = pygame.Rect(inner.left, y, inner.width, inner.bottom - y)
        lines = max(1, body.height // fonts.line_height("body"))
        draw_wrapped(surface, fonts, scenario.summary.get(lang), body, "body", theme.MUTED,
                     max_lines=lines)
