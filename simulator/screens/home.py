"""Home: the trainee's name, language, text size and the scenario to rehearse."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

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
        px = self.fonts.px
        pad = px(28)
        left_w = px(380)
        self.name.placeholder = self.tr("desktop.name_placeholder")
        self.name.rect = pygame.Rect(pad, px(190), left_w, px(44))
        y = px(300)
        self.lang_buttons = [
            Button("Bahasa Indonesia", lambda: self.app.set_language("id"),
                   pygame.Rect(pad, y, left_w // 2 - px(4), px(44)),
                   selected=self.app.lang == "id"),
            Button("English", lambda: self.app.set_language("en"),
                   pygame.Rect(pad + left_w // 2 + px(4), y, left_w // 2 - px(4), px(44)),
                   selected=self.app.lang == "en"),
        ]
        large = Button(self.tr("desktop.large_text_on" if self.app.large_text
                              else "desktop.large_text_off"), self.app.toggle_large_text,
                       pygame.Rect(pad, px(390), left_w, px(44)), shortcut="F3")
        self.start_button = Button(self.tr("desktop.start"), self.start,
                                   pygame.Rect(pad, height - px(150), left_w, px(56)),
                                   shortcut="Enter", colour=theme.BUTTON_PRIMARY, role="h2")
        skip = Button(self.tr("desktop.start_skip_checks"), lambda: self.start(skip=True),
                      pygame.Rect(pad, height - px(84), left_w, px(44)), shortcut="Ctrl+Enter")
        self.buttons = [*self.lang_buttons, large, self.start_button, skip]
        self.size = (width, height)
        self._place_cards()

    def _place_cards(self) -> None:
        """Scenario cards on the right: as many as fit, scrolled to keep the choice visible."""
        px = self.fonts.px
        width, height = self.size
        pad = px(28)
        x = pad * 2 + px(380)
        w = width - x - pad
        top = px(120)
        gap = px(12)
        card_h = px(126)
        n = len(self.app.scenarios())
        fit = max(1, (height - top - pad + gap) // (card_h + gap))
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
            n = len(self.app.scenarios())
            if n:
                self.selected = max(0, min(n - 1, self.selected - event.y))
                self._place_cards()
            return
        super().handle_event(event)

    def draw(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        width, height = surface.get_size()
        surface.fill(theme.BG)
        pad = px(28)
        draw_text(surface, fonts, "Gladi", (pad, px(24)), "huge", theme.ACCENT, bold=True)
        draw_wrapped(surface, fonts, self.tr("desktop.tagline"),
                     pygame.Rect(pad, px(96), px(380), px(50)), "small", theme.MUTED, max_lines=2)
        draw_text(surface, fonts, self.tr("desktop.name_label"), (pad, px(160)), "label",
                  theme.TEXT, bold=True)
        self.name.draw(surface, fonts)
        draw_text(surface, fonts, self.tr("desktop.language_label") + "  (F2)", (pad, px(270)),
                  "label", theme.TEXT, bold=True)
        draw_text(surface, fonts, self.tr("desktop.text_size_label"), (pad, px(360)), "label",
                  theme.TEXT, bold=True)
        draw_wrapped(surface, fonts, self.tr("desktop.home_hint"),
                     pygame.Rect(pad, px(460), px(380), px(120)), "small", theme.MUTED)
        self.draw_buttons(surface)
        lang = self.app.lang
        scenarios = self.app.scenarios()
        left = self.cards[0][1].left if self.cards else pad
        draw_text(surface, fonts, self.tr("desktop.choose_scenario"), (left, px(76)), "h2",
                  theme.TEXT, bold=True)
        if len(self.cards) < len(scenarios):
            draw_text(surface, fonts, self.tr("desktop.more_scenarios", shown=len(self.cards),
                                             total=len(scenarios)),
                      (width - pad, px(84)), "small", theme.MUTED, anchor="topright")
        for i, rect in self.cards:
            scenario = scenarios[i]
            chosen = i == self.selected
            draw_panel(surface, rect, theme.SELECT if chosen else theme.PANEL, px(12),
                       theme.ACCENT_2 if chosen else None)
            inner = rect.inflate(-px(32), -px(24))
            draw_text(surface, fonts, scenario.title.get(lang), inner.topleft, "h2", theme.TEXT,
                      bold=True, max_width=inner.width - px(260))
            diff = self.tr(f"desktop.difficulty_{scenario.difficulty}")
            minutes = max(1, round(scenario.duration_s / 60))
            meta = self.tr("desktop.scenario_meta", difficulty=diff, minutes=minutes)
            draw_text(surface, fonts, meta, (inner.right, inner.top), "small", theme.MUTED,
                      anchor="topright")
            score = self.scores.get(scenario.id)
            last = (self.tr("desktop.last_score", score=f"{score:.0f}") if score is not None
                    else self.tr("desktop.never_played"))
            draw_text(surface, fonts, last, (inner.right, inner.top + px(24)), "small",
                      theme.GOLD if score is not None else theme.FAINT, anchor="topright")
            body = pygame.Rect(inner.left, inner.top + px(50), inner.width,
                               inner.height - px(50))
            lines = max(1, body.height // fonts.line_height("body"))
            draw_wrapped(surface, fonts, scenario.summary.get(lang), body, "body", theme.MUTED,
                         max_lines=lines)
