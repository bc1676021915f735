"""Debrief: the score and its parts, the three most important tips with their
times, the answer key, and what next (try again, the next scenario, home).

It is built from the scorecard the moment the live ends; it never waits for
the full HTML report (a separate feature).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from debrief.history import stopped_at_s
from debrief.quiz import QuizResult
from debrief.report_text import TIPS_SHOWN, clock, setup_hidden_text, tip_text
from i18n.formats import decimal
from moderation.judge import Item, Scorecard
from moderation.scorecard import Outcome
from moderation.sessionfile import scorecard_of
from scenarios.taxonomy import Category
from simulator import theme
from simulator.intents import Intent, KeyMap
from simulator.routes import Debrief, Home, Live, Preflight, Quiz
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


@register(Debrief)
class DebriefScreen(Screen):
    """The result of a live (or of a replay, whose "again" watches it again)."""

    keymap = KeyMap.DEBRIEF

    def __init__(self, app: App, route: Debrief) -> None:
        super().__init__(app)
        model, card, ref = route.model, route.card, route.ref
        again, again_label = route.again, route.again_label
        self.model = model
        #: How the scenario was named (a built-in id or a YAML file), for "try again".
        self.ref = ref or model.session.scenario.id
        self.card = card or scorecard_of(model.session)
        session = model.session
        #: When the live was ended early (seconds in), or None: it ran to the end.
        self.stopped_at = stopped_at_s(session.now, session.scenario.duration_s)
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
        """The buttons along the bottom share the width; the saved-file line sits above
        them; the score and the answer key fill the rest (nothing overlaps, large text or
        not)."""
        fonts = self.fonts
        px = fonts.px
        pad = px(24)
        gap = px(12)
        button_h = max(px(56), fonts.line_height("h2") + px(16))
        y = height - pad - button_h
        self.saved_at = y - px(4) - fonts.line_height("tiny")
        panel_h = self.saved_at - px(6) - pad
        self.left = pygame.Rect(pad, pad, min(px(560), (width - 3 * pad) // 2), panel_h)
        self.key_rect = pygame.Rect(self.left.right + pad, pad,
                                    width - self.left.right - 2 * pad, panel_h)
        result = self.quiz_result
        quiz_label = self.tr("quizapp.open") if result is None or not result.total else \
            self.tr("quizapp.open_done", correct=result.correct, total=result.total)
        shares = (27, 25, 24, 19)  # of the row's width, in that order
        room = width - 2 * pad - gap * (len(shares) - 1)
        xs = [pad]
        for share in shares[:-1]:
            xs.append(xs[-1] + room * share // sum(shares) + gap)
        widths = [room * share // sum(shares) for share in shares]
        specs = [
            (self.again_label or self.tr("desktop.try_again"), self.again, "Enter",
             theme.BUTTON_PRIMARY, "h2"),
            (quiz_label, self.open_quiz, "K",
             theme.SELECT if result is None else theme.BUTTON, "label"),
            (self.tr("desktop.next_scenario"), self.next_scenario, "N", theme.BUTTON, "label"),
            (self.tr("desktop.home"), self.go_home, "Esc", theme.BUTTON, "label"),
        ]
        self.buttons = [
            Button(label, action, pygame.Rect(x, y, w, button_h), shortcut=key, colour=colour,
                   role=role)
            for (label, action, key, colour, role), x, w in zip(specs, xs, widths, strict=True)
        ]

    def again(self) -> None:
        if self._again is not None:
            self._again()
        else:
            self.app.replace(Live(scenario_id=self.ref))

    def go_home(self) -> None:
        self.app.replace(Home())

    def open_quiz(self) -> None:
        """The short quiz on this session's own comments (``debrief.quiz``)."""
        if self.quiz is None:
            self.quiz = self.app.push(Quiz(session=self.model.session, card=self.card,
                                           on_result=self._quiz_done))
        else:
            self.app.reopen(self.quiz)

    def _quiz_done(self, result: QuizResult) -> None:
        self.quiz_result = result

    def next_scenario(self) -> None:
        ids = [s.id for s in self.app.scenarios()]
        sid = self.model.session.scenario.id
        following = ids[(ids.index(sid) + 1) % len(ids)] if sid in ids else ids[0]
        self.app.replace(Preflight(scenario_id=following))

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
        y = self._draw_score(surface, x, y)
        bar_w = left.width - px(36)
        for name, part in card.components.items():
            value = part.value
            label = self.tr(f"judge.part_{name}")
            shown = "—" if value is None else f"{round(100 * value)}"
            draw_text(surface, fonts, f"{label}: {shown}", (x, y), "small", theme.TEXT)
            y += fonts.line_height("small")
            draw_bar(surface, pygame.Rect(x, y, bar_w, px(10)), value or 0.0, theme.ACCENT_2)
            y += px(18)
        hidden = setup_hidden_text(card, lang)
        if hidden:  # the scenario's own filter hid honest comments: say so
            y += draw_wrapped(surface, fonts, hidden, pygame.Rect(x, y, bar_w, px(60)), "tiny",
                              theme.MUTED, max_lines=3)
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
                      (left.left, self.saved_at), "tiny", theme.FAINT,
                      max_width=surface.get_width() - px(48))
        self._draw_key(surface)
        self.draw_buttons(surface)

    def verdict(self) -> tuple[str, bool]:
        """The line under the score, and whether it is a pass: a live stopped early never is."""
        card = self.card
        if self.stopped_at is not None:
            return self.tr("desktop.stopped", elapsed=clock(round(self.stopped_at * 1000)),
                           total=clock(self.model.session.duration)), False
        return self.tr("judge.passed" if card.passed else "judge.not_passed"), card.passed

    def _draw_score(self, surface: pygame.Surface, x: int, y: int) -> int:
        """The score, out of what, and the verdict; return the y below them."""
        fonts = self.fonts
        px = fonts.px
        card = self.card
        verdict, passed = self.verdict()
        colour = theme.OK if passed else theme.WARN
        score = fonts.text(decimal(card.score, self.app.lang, 0), "huge",
                           colour if self.stopped_at is None else theme.MUTED, True)
        surface.blit(score, (x, y))
        right = x + score.get_width() + px(20)
        width = self.left.right - px(18) - right
        y_text = y + px(6)
        out_of = self.tr("desktop.score_of", pass_mark=card.pass_mark)
        y_text += draw_wrapped(surface, fonts, out_of, pygame.Rect(right, y_text, width, px(60)),
                               "body", theme.MUTED, max_lines=1)
        y_text += draw_wrapped(surface, fonts, verdict, pygame.Rect(right, y_text, width, px(80)),
                               "small", colour, bold=True, max_lines=3)
        return max(y + score.get_height(), y_text) + px(12)

    def _draw_key(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        lang = self.app.lang
        rect = self.key_rect
        draw_panel(surface, rect, theme.PANEL, px(12))
        x = rect.left + px(16)
        y = rect.top + px(12)
        title = draw_text(surface, fonts, self.tr("desktop.answer_key", count=len(self.items)),
                          (x, y), "label", theme.TEXT, bold=True, max_width=rect.width - px(32))
        room = rect.right - px(16) - title.right - px(16)
        if room > px(80):
            draw_text(surface, fonts, self.tr("desktop.scroll_hint"),
                      (rect.right - px(16), title.bottom), "tiny", theme.MUTED,
                      anchor="bottomright", max_width=room)
        y = title.bottom + px(10)
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
