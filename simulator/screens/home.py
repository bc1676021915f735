"""Home: the trainee's name, language, text size and the scenario to rehearse; and, when
the name's history has weak spots, a booster card (``debrief.booster``) that starts a short
drill of them (docs/desktop.md, "Screens")."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import TYPE_CHECKING

import pygame

from debrief.booster import DEFAULT_MINUTES, BoosterNeed, card_title, due_text
from debrief.errors import UserError
from debrief.report_text import clock
from debrief.scenario_text import describe_scenario_error
from i18n import CONVENTIONS
from i18n.formats import decimal
from scenarios import ScenarioError
from scenarios.schema import Scenario
from simulator import theme
from simulator.intents import Intent, KeyMap
from simulator.routes import DrillJoin, Home, Live, Preflight
from simulator.screen import Screen, register
from simulator.storage import booster_for_home, scores_for_home, write_home_booster
from simulator.widgets import Button, TextField, draw_panel, draw_text, draw_wrapped

if TYPE_CHECKING:
    from simulator.app import App

__all__ = ["HomeScreen"]


@register(Home)
class HomeScreen(Screen):
    """The first screen: who rehearses, in which language, and which scenario."""

    keymap = KeyMap.HOME

    def __init__(self, app: App, route: Home) -> None:
        super().__init__(app)
        self.name = TextField(text=app.trainee, max_len=40, on_enter=lambda _: self.start())
        self.selected = 0
        self.scores = scores_for_home(app.trainee)
        self.cards: list[tuple[int, pygame.Rect]] = []  # (scenario index, rect) on screen
        self.first = 0  # first scenario shown (the list scrolls)
        self.size = (0, 0)
        self.start_button: Button | None = None
        #: The booster card: the name it was looked up for, what it offers (None: no card),
        #: where it is, and whether it is being prepared (shown first, then built).
        self.booster_for: str | None = None
        self.booster: BoosterNeed | None = None
        self.booster_rect: pygame.Rect | None = None
        self.booster_button: Button | None = None
        self.booster_error: str | None = None
        self.booster_title_lines = 1
        self.preparing = False
        self._preparing_shown = False
        self._look_up_booster()

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
        offered = self.app.options.languages
        step = left_w // len(offered)
        self.lang_buttons = [
            Button(CONVENTIONS[lang].name, partial(self.app.set_language, lang),
                   pygame.Rect(pad + i * step + (px(4) if i else 0), y,
                               step - px(4), button_h),
                   selected=self.app.lang == lang)
            for i, lang in enumerate(offered)
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
        self._place_booster()
        self._place_cards()

    def _place_booster(self) -> None:
        """The booster card at the top of the right column, its start button at its right;
        the scenario list's heading goes under it (or to the top without a card)."""
        fonts = self.fonts
        px = fonts.px
        width, _height = self.size
        pad = px(28)
        x = pad * 2 + min(px(380), width // 3)
        self.heading_top = pad
        self.booster_rect = self.booster_button = None
        if self.booster is None:
            return
        button_h = max(px(44), fonts.line_height("label") + px(14))
        card_w = width - x - pad
        button_w = min(px(240), card_w // 3)
        #: What it trains may take two lines (large text, a narrow window); then the rest.
        title = card_title(self.booster, DEFAULT_MINUTES, self.app.lang)
        self.booster_title_lines = min(2, len(fonts.wrap(title, "label", card_w - button_w
                                                          - px(44), True)))
        text_h = (self.booster_title_lines * fonts.line_height("label")
                  + 2 * fonts.line_height("small"))
        self.booster_rect = pygame.Rect(x, pad, card_w, max(button_h, text_h) + px(24))
        self.booster_button = Button(
            self.tr("booster.card_start"), self.start_booster,
            pygame.Rect(self.booster_rect.right - px(12) - button_w,
                        self.booster_rect.centery - button_h // 2, button_w, button_h),
            shortcut="F5", colour=theme.BUTTON_PRIMARY)
        self.heading_top = self.booster_rect.bottom + px(16)

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
        top = self.heading_top + fonts.line_height("h2") + px(16)
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
        self.app.replace(Live(scenario_id=sid) if skip else Preflight(scenario_id=sid))

    def start_booster(self) -> None:
        """Start the booster card's drill: say it is being prepared, build it next frame."""
        if self.booster is None or self.preparing:
            return
        self.app.trainee = self.name.text.strip()
        self.preparing, self._preparing_shown, self.booster_error = True, False, None

    def _prepare_booster(self, need: BoosterNeed) -> None:
        """Write the drill to the data folder and open its pre-flight, like any scenario;
        a failure is shown on the card."""
        self.preparing = False
        lang = self.app.lang
        try:
            path = write_home_booster(need, lang)
        except UserError as error:
            self.booster_error = str(error)
            return
        except ScenarioError as error:
            self.booster_error = describe_scenario_error(error, lang)
            return
        self.app.replace(Preflight(scenario_id=str(path)))

    def _look_up_booster(self) -> None:
        """Look the booster up again when the name changed (the card comes and goes)."""
        name = self.name.text.strip()
        if name == self.booster_for:
            return
        self.booster_for = name
        need = booster_for_home(name)
        if need != self.booster:
            self.booster, self.booster_error = need, None
            if self.size != (0, 0):
                self.layout(*self.size)

    def update(self, dt: float) -> None:
        self._look_up_booster()
        if self.preparing and self._preparing_shown and self.booster is not None:
            self._prepare_booster(self.booster)

    def join_drill(self) -> None:
        self.app.trainee = self.name.text.strip()
        self.app.replace(DrillJoin())

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
        elif intent is Intent.START_BOOSTER:
            self.start_booster()
        elif intent is Intent.BACK:
            self.app.quit()

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            if self.booster_rect is not None and self.booster_rect.collidepoint(event.pos):
                self.start_booster()
                return
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
        heading = draw_text(surface, fonts, self.tr("desktop.choose_scenario"),
                            (left, self.heading_top), "h2", theme.TEXT, bold=True)
        if len(self.cards) < len(scenarios):
            draw_text(surface, fonts, self.tr("desktop.more_scenarios", shown=len(self.cards),
                                             total=len(scenarios)),
                      (width - pad, heading.bottom), "small", theme.MUTED, anchor="bottomright",
                      max_width=width - pad - heading.right - px(16))
        for i, rect in self.cards:
            self._draw_card(surface, scenarios[i], rect, i == self.selected)
        self._draw_booster(surface)

    def booster_lines(self) -> tuple[str, str] | None:
        """The booster card's two lines — what it trains; when it is due (or that it is
        being prepared, or why it could not be) — or None when there is no card."""
        need = self.booster
        if need is None:
            return None
        lang = self.app.lang
        if self.preparing:
            second = self.tr("booster.card_preparing")
        elif self.booster_error is not None:
            second = self.booster_error
        else:
            # The history's days are UTC dates; today is the computer's (docs/desktop.md).
            second = self.tr("booster.card_line",
                             due=due_text(need.due, dt.date.today(), lang))
        return card_title(need, DEFAULT_MINUTES, lang), second

    def _draw_booster(self, surface: pygame.Surface) -> None:
        lines = self.booster_lines()
        rect, button = self.booster_rect, self.booster_button
        if lines is None or rect is None or button is None:
            return
        fonts = self.fonts
        px = fonts.px
        draw_panel(surface, rect, theme.PANEL_2, px(12), theme.GOLD)
        room = button.rect.left - rect.left - px(32)
        title = pygame.Rect(rect.left + px(16), rect.top + px(12), room,
                            self.booster_title_lines * fonts.line_height("label"))
        draw_wrapped(surface, fonts, lines[0], title, "label", theme.GOLD, bold=True,
                     max_lines=self.booster_title_lines)
        colour = theme.WARN if self.booster_error is not None and not self.preparing \
            else theme.MUTED
        second = pygame.Rect(title.left, title.bottom, room, 2 * fonts.line_height("small"))
        draw_wrapped(surface, fonts, lines[1], second, "small", colour, max_lines=2)
        # Drawn over the card (a click anywhere on the card starts it: handle_event).
        button.draw(surface, fonts, self.app.mouse)
        if self.preparing:
            self._preparing_shown = True

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
