"""Debrief: the score and its parts, the three most important tips with their
times, the answer key, and what next (try again, the next scenario, home).

It is built from the scorecard the moment the live ends; it never waits for
the full HTML report (a separate feature).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pygame

from debrief.quiz import QuizResult
from debrief.report_text import TIPS_SHOWN, clock, tip_text
from moderation.judge import Item, Scorecard
from moderation.scorecard import Outcome
from moderation.sessionfile import scorecard_of
from scenarios.taxonomy import Category
from simulator import theme
from simulator.intents import Intent, KeyMap
from simulator.model import LiveModel
from simulator.screen import Screen, register
from simulator.widgets import Button, draw_bar, draw_panel, draw_text, draw_wrapped

if TYPE_CHECKING:
    from simulator.app import App

__all__ = ["DebriefScreen", "answer_key"]

#: Outcomes the answer key shows as handled well.
GOOD = frozenset({Outcome.HIT, Outcome.PREVENTED, Outcome.SILENCED})


def answer_key(card: Scorecard) -> list[Item]:
    """The comments worth reviewing: every harmful one, questions, and false alarms."""
    return [item for item in card.items
            if item.harmful or item.outcome is Outcome.FALSE_ALARM
            or item.category is Category.QUESTION]


@register("debrief")
class DebriefScreen(Screen):
    """The result of a live (or of a replay, whose "again" watches it again)."""

    keymap = KeyMap.DEBRIEF

    def __init__(self, app: App, model: LiveModel, card: Scorecard | None = None,
                 ref: str | None = None, again: Callable[[], None] | None = None,
                 again_label: str | None = None) -> None:
        super().__init__(app)
        self.model = model
        #: How the scenario was named (a built-in id or a YAML file), for "try again".
        self.ref = ref or model.session.scenario.id
        self.card = card or scorecard_of(model.session)
        self.scroll = 0
        self.key_rect = pygame.Rect(0, 0, 0, 0)
        self.items = answer_key(self.card)
        #: "Try again" (a fresh live) unless the caller says otherwise (a replay: watch again).
        self._again = again
        self.again_label = again_label
        #: The quiz, once opened: reopening it shows its result instead of asking again.
        self.quiz: Screen | None = None
        #: The quiz's result, once it is finished.
        self.quiz_result: QuizResult | None = None

    def layout(self, width: int, height: int) -> None:
        px = self.fonts.px
        pad = px(24)
        self.left = pygame.Rect(pad, px(24), px(560), height - px(120))
        self.key_rect = pygame.Rect(self.left.right + pad, px(24),
                                    width - self.left.right - 2 * pad, height - px(120))
        bw = px(270)
        y = height - px(80)
        result = self.quiz_result
        quiz_label = self.tr("quizapp.open") if result is None or not result.total else \
            self.tr("quizapp.open_done", correct=result.correct, total=result.total)
        self.buttons = [
            Button(self.again_label or self.tr("desktop.try_again"), self.again,
                   pygame.Rect(pad, y, bw, px(56)),
                   shortcut="Enter", colour=theme.BUTTON_PRIMARY, role="h2"),
            Button(quiz_label, self.open_quiz,
                   pygame.Rect(pad + bw + px(12), y, px(250), px(56)), shortcut="K",
                   colour=theme.SELECT if result is None else theme.BUTTON),
            Button(self.tr("desktop.next_scenario"), self.next_scenario,
                   pygame.Rect(pad + bw + px(274), y, px(240), px(56)), shortcut="N"),
            Button(self.tr("desktop.home"), self.go_home,
                   pygame.Rect(pad + bw + px(526), y, px(190), px(56)), shortcut="Esc"),
        ]

    def again(self) -> None:
        if self._again is not None:
            self._again()
        else:
            self.app.replace("live", scenario_id=self.ref)

    def go_home(self) -> None:
        self.app.replace("home")

    def open_quiz(self) -> None:
        """The short quiz on this session's own comments (``debrief.quiz``)."""
        if self.quiz is None:
            self.quiz = self.app.push("quiz", session=self.model.session, card=self.card,
                                      on_result=self._quiz_done)
        else:
            self.app.reopen(self.quiz)

    def _quiz_done(self, result: QuizResult) -> None:
        self.quiz_result = result

    def next_scenario(self) -> None:
        ids = [s.id for s in self.app.scenarios()]
        sid = self.model.session.scenario.id
        following = ids[(ids.index(sid) + 1) % len(ids)] if sid in ids else ids[0]
        self.app.replace("preflight", scenario_id=following)

    def handle_intent(self, intent: Intent) -> None:
        if intent is Intent.CONFIRM:
            self.again()
        elif intent is Intent.NEXT_SCENARIO:
            self.next_scenario()
        elif intent is Intent.OPEN_QUIZ:
            self.open_quiz()
        elif intent is Intent.BACK:
            self.go_home()
        elif intent is Intent.SCROLL_DOWN:
            self.scroll = min(max(0, len(self.items) - 1), self.scroll + 1)
        elif intent is Intent.SCROLL_UP:
            self.scroll = max(0, self.scroll - 1)

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.MOUSEWHEEL:
            self.scroll = max(0, min(max(0, len(self.items) - 1), self.scroll - event.y))
            return
        super().handle_event(event)

    def draw(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        lang = self.app.lang
        card = self.card
        surface.fill(theme.BG)
        left = self.left
        draw_panel(surface, left, theme.PANEL, px(12))
        x, y = left.left + px(18), left.top + px(14)
        scenario = self.model.session.scenario
        draw_text(surface, fonts, self.tr("desktop.debrief_title", scenario=scenario.title.get(
            lang)), (x, y), "h2", theme.TEXT, bold=True, max_width=left.width - px(36))
        y += px(40)
        colour = theme.OK if card.passed else theme.WARN
        draw_text(surface, fonts, f"{card.score:.0f}", (x, y), "huge", colour, bold=True)
        draw_text(surface, fonts, self.tr("desktop.score_of", pass_mark=card.pass_mark),
                  (x + px(130), y + px(12)), "body", theme.MUTED)
        draw_wrapped(surface, fonts, self.tr("judge.passed" if card.passed else "judge.not_passed"),
                     pygame.Rect(x + px(130), y + px(36), left.width - px(170), px(60)), "small",
                     colour, bold=True, max_lines=2)
        y += px(92)
        bar_w = left.width - px(36)
        for name, part in card.components.items():
            value = part.value
            label = self.tr(f"judge.part_{name}")
            shown = "—" if value is None else f"{round(100 * value)}"
            draw_text(surface, fonts, f"{label}: {shown}", (x, y), "small", theme.TEXT)
            y += fonts.line_height("small")
            draw_bar(surface, pygame.Rect(x, y, bar_w, px(10)), value or 0.0, theme.ACCENT_2)
            y += px(18)
        y += px(8)
        draw_text(surface, fonts, self.tr("desktop.top_tips"), (x, y), "label", theme.TEXT,
                  bold=True)
        y += px(28)
        items = {item.id: item for item in card.items}
        if not card.tips:
            draw_text(surface, fonts, self.tr("judge.no_tips"), (x, y), "small", theme.OK)
        for n, tip in enumerate(card.tips[:TIPS_SHOWN], 1):
            lines = tip_text(tip, items, lang)
            text = f"{n}. {lines[0]}"
            box = pygame.Rect(x, y, bar_w, left.bottom - y - px(8))
            if box.height <= 0:
                break
            y += draw_wrapped(surface, fonts, text, box, "small", theme.GOLD, bold=True,
                              max_lines=3)
            for line in lines[1:3]:
                box = pygame.Rect(x + px(16), y, bar_w - px(16), left.bottom - y - px(8))
                if box.height <= fonts.line_height("tiny"):
                    break
                y += draw_wrapped(surface, fonts, line, box, "tiny", theme.MUTED, max_lines=2)
            y += px(8)
        saved = self.app.last_saved if self.app.save_error is None else self.app.save_error
        if saved:
            draw_text(surface, fonts, self.tr("desktop.saved_to", path=saved)
                      if self.app.save_error is None else saved,
                      (left.left, left.bottom + px(4)), "tiny", theme.FAINT,
                      max_width=surface.get_width() - px(48))
        self._draw_key(surface)
        self.draw_buttons(surface)

    def _draw_key(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        lang = self.app.lang
        rect = self.key_rect
        draw_panel(surface, rect, theme.PANEL, px(12))
        x = rect.left + px(16)
        y = rect.top + px(12)
        draw_text(surface, fonts, self.tr("desktop.answer_key", count=len(self.items)), (x, y),
                  "label", theme.TEXT, bold=True)
        draw_text(surface, fonts, self.tr("desktop.scroll_hint"), (rect.right - px(16), y + 2),
                  "tiny", theme.MUTED, anchor="topright")
        y += px(34)
        width = rect.width - px(32)
        if not self.items:
            draw_text(surface, fonts, self.tr("desktop.answer_key_empty"), (x, y), "small",
                      theme.MUTED)
        for item in self.items[self.scroll:]:
            if y > rect.bottom - px(60):
                break
            question = item.category is Category.QUESTION
            if question and item.outcome is Outcome.OK:
                outcome = self.tr("desktop.outcome_answered" if item.answered_ms is not None
                                  else "desktop.outcome_unanswered")
            else:
                outcome = self.tr(f"desktop.outcome_{item.outcome.value}")
            category = self.tr(f"judge.cat_{item.category.value}")
            good = item.outcome in GOOD or (
                item.outcome is Outcome.OK and (not question or item.answered_ms is not None))
            head = f"{clock(item.t)}  {item.handle}  ·  {category}  ·  {outcome}"
            draw_text(surface, fonts, head, (x, y), "small", theme.OK if good else theme.WARN,
                      bold=True, max_width=width)
            y += fonts.line_height("small")
            box = pygame.Rect(x + px(12), y, width - px(12), rect.bottom - y)
            y += draw_wrapped(surface, fonts, f"“{item.text}”", box, "small", theme.TEXT,
                              max_lines=2)
            acceptable = ", ".join(self.tr(f"desktop.response_{r.value}")
                                   for r in item.template.acceptable)
            if acceptable:
                box = pygame.Rect(x + px(12), y, width - px(12), rect.bottom - y)
                y += draw_wrapped(surface, fonts, self.tr("desktop.acceptable", actions=acceptable),
                                  box, "tiny", theme.ACCENT_2, max_lines=2)
            box = pygame.Rect(x + px(12), y, width - px(12), rect.bottom - y)
            y += draw_wrapped(surface, fonts, item.template.explanation.get(lang), box, "tiny",
                              theme.MUTED, max_lines=3)
            y += px(10)
