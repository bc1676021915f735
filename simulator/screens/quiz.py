"""The post-drill quiz in the app: three to five of the session's own comments.

Opened from the debrief ("Kuis singkat", key K). The questions and the
marking are :mod:`debrief.quiz` (the same pure code ``gladi quiz`` uses); this
screen only asks, explains and saves. For each comment the trainee clicks the
kind, what should be done, and how sure they are: clicking the confidence
commits the answer and moves on (keys 1–4 fill the next empty row,
Backspace takes the last choice back). The result view explains every answer
and the result goes into the history with ``debrief.history.record_quiz``,
exactly as ``gladi quiz`` records it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

import pygame

from debrief import history, quiz as core, timeline
from debrief.report_text import clock
from i18n import comment_translation
from moderation.engine import Session
from moderation.judge import Scorecard
from simulator import theme
from simulator.intents import Intent, KeyMap, choice_index
from simulator.routes import Quiz
from simulator.screen import Screen, register
from simulator.widgets import Button, draw_panel, draw_text, draw_wrapped

if TYPE_CHECKING:
    from simulator.app import App

__all__ = ["Choice", "QuizScreen", "questions_for"]

#: The three rows of a question, in the order keys 1–4 fill them.
ROWS = ("kind", "action", "confidence")


def questions_for(session: Session, card: Scorecard, count: int = 4) -> tuple[core.Question, ...]:
    """The session's quiz: the same questions ``gladi quiz`` asks for its file."""
    translations = timeline.translations(session.events, session.content.by_id)
    return core.draw(card.items, seed=session.seed, count=count, translations=translations)


@dataclass(slots=True)
class Choice:
    """A large, wrapped, clickable answer."""

    label: str
    on_click: Callable[[], None]
    rect: pygame.Rect = field(default_factory=lambda: pygame.Rect(0, 0, 0, 0))
    selected: bool = False
    enabled: bool = True
    shortcut: str = ""

    def click(self, pos: tuple[int, int]) -> bool:
        if self.enabled and self.rect.collidepoint(pos):
            self.on_click()
            return True
        return False


@register(Quiz)
class QuizScreen(Screen):
    """Ask the questions one by one, then show and save the result.

    ``on_result`` hears the result once the last question is answered (the debrief
    shows it on its quiz button).
    """

    keymap = KeyMap.QUIZ

    def __init__(self, app: App, route: Quiz) -> None:
        super().__init__(app)
        session = self.session = route.session
        self.on_result = route.on_result
        self.questions = questions_for(session, route.card, route.count)
        self.index = 0
        self.kind: int | None = None
        self.action: int | None = None
        self.answers: list[core.Answer] = []
        self.result: core.QuizResult | None = None
        #: None: not saved (yet, or saving is off); True: in the history; a text: why not.
        self.saved: bool | str | None = None
        self.scroll = 0
        self.choices: dict[str, list[Choice]] = {row: [] for row in ROWS}
        self.comment_rect = pygame.Rect(0, 0, 0, 0)
        self.result_rect = pygame.Rect(0, 0, 0, 0)
        self.row_titles: dict[str, tuple[int, int]] = {}
        if not self.questions:
            self._finish()

    # ------------------------------------------------------------ state

    @property
    def done(self) -> bool:
        return self.result is not None

    @property
    def question(self) -> core.Question | None:
        return None if self.done or not self.questions else self.questions[self.index]

    def pick_kind(self, n: int) -> None:
        self.kind = n
        self._refresh()

    def pick_action(self, n: int) -> None:
        self.action = n
        self._refresh()

    def pick_confidence(self, n: int) -> None:
        """The last click of a question: record the answer and go on."""
        q = self.question
        if q is None or self.kind is None or self.action is None:
            return
        self.answers.append(core.Answer(q.kinds[self.kind], q.actions[self.action], n + 1))
        self.kind = self.action = None
        if len(self.answers) == len(self.questions):
            self._finish()
        else:
            self.index += 1
        self.layout(*self.app.size)

    def undo(self) -> None:
        if self.action is not None:
            self.action = None
        elif self.kind is not None:
            self.kind = None
        self._refresh()

    def _finish(self) -> None:
        self.result = core.score(self.questions, self.answers)
        self.scroll = 0
        if self.questions and self.app.options.save:
            self.saved = self._save(self.result)
        if self.on_result is not None:
            self.on_result(self.result)

    def _save(self, result: core.QuizResult) -> bool | str:
        """Into the history, as ``gladi quiz`` does; a failure is shown, never raised."""
        try:
            history.record_quiz(history.session_key(self.session), self.app.trainee or None,
                                result.total, result.correct, result.to_json())
        except Exception as error:  # HistoryError, sqlite3: the trainee still sees the result
            reason = getattr(error, "reason", None) or str(error)
            return self.tr("quizapp.save_failed", reason=reason)
        return True

    def back(self) -> None:
        self.app.pop()

    # ------------------------------------------------------------ layout

    def layout(self, width: int, height: int) -> None:
        px = self.fonts.px
        pad = px(28)
        inner = width - 2 * pad
        self.buttons = [
            Button(self.tr("quizapp.back"), self.back,
                   pygame.Rect(pad, height - px(72), px(340), px(52)), shortcut="Esc",
                   colour=theme.BUTTON_PRIMARY if self.done else theme.BUTTON, role="label"),
        ]
        self.result_rect = pygame.Rect(pad, px(130), inner, height - px(130) - px(84))
        q = self.question
        if q is None:
            self.choices = {row: [] for row in ROWS}
            return
        self.comment_rect = pygame.Rect(pad, px(64), inner, px(104))
        gap = px(12)
        y = self.comment_rect.bottom + px(50)
        self.row_titles = {}
        # Kinds: one row of four.
        self.row_titles["kind"] = (pad, y - px(30))
        w = (inner - 3 * gap) // 4
        kinds = [Choice(self.tr(f"judge.cat_{k}"), partial(self.pick_kind, i),
                        pygame.Rect(pad + i * (w + gap), y, w, px(56)), shortcut=str(i + 1))
                 for i, k in enumerate(q.kinds)]
        y += px(56) + px(42)
        # Actions: their words are long, so two by two.
        self.row_titles["action"] = (pad, y - px(30))
        w2 = (inner - gap) // 2
        h2 = px(66)
        actions = [Choice(self.tr(f"quiz.action_{a}"), partial(self.pick_action, i),
                          pygame.Rect(pad + (i % 2) * (w2 + gap), y + (i // 2) * (h2 + gap),
                                      w2, h2), shortcut=str(i + 1))
                   for i, a in enumerate(q.actions)]
        y += 2 * h2 + gap + px(42)
        self.row_titles["confidence"] = (pad, y - px(30))
        sure = [Choice(self.tr(f"quiz.confidence_{c}"), partial(self.pick_confidence, i),
                       pygame.Rect(pad + i * (w + gap), y, w, px(56)), shortcut=str(i + 1))
                for i, c in enumerate(core.CONFIDENCE)]
        self.choices = {"kind": kinds, "action": actions, "confidence": sure}
        self._refresh()

    def _refresh(self) -> None:
        for i, c in enumerate(self.choices["kind"]):
            c.selected = i == self.kind
        for i, c in enumerate(self.choices["action"]):
            c.selected = i == self.action
        ready = self.kind is not None and self.action is not None
        for c in self.choices["confidence"]:
            c.enabled = ready

    # ------------------------------------------------------------ input

    def handle_intent(self, intent: Intent) -> None:
        index = choice_index(intent)
        if intent is Intent.BACK or (self.done and intent is Intent.CONFIRM):
            self.back()
        elif self.done and intent is Intent.SCROLL_DOWN:
            self.scroll = min(max(0, len(self.questions) - 1), self.scroll + 1)
        elif self.done and intent is Intent.SCROLL_UP:
            self.scroll = max(0, self.scroll - 1)
        elif not self.done and intent is Intent.UNDO:
            self.undo()
        elif not self.done and index is not None:
            self._number(index)

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.MOUSEWHEEL and self.done:
            self.scroll = max(0, min(max(0, len(self.questions) - 1), self.scroll - event.y))
            return
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for row in ROWS:
                for choice in self.choices[row]:
                    if choice.click(event.pos):
                        return
        super().handle_event(event)

    def _number(self, n: int) -> None:
        """Keys 1–4 answer the first row still open."""
        row = "kind" if self.kind is None else "action" if self.action is None else "confidence"
        options = self.choices[row]
        if n < len(options):
            options[n].on_click()

    # ------------------------------------------------------------ drawing

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BG)
        if self.done:
            self._draw_result(surface)
        else:
            self._draw_question(surface)
        self.draw_buttons(surface)

    def _draw_choice(self, surface: pygame.Surface, choice: Choice) -> None:
        fonts = self.fonts
        px = fonts.px
        colour = theme.SELECT if choice.selected else theme.BUTTON
        if not choice.enabled:
            colour = theme.PANEL_2
        elif not choice.selected and choice.rect.collidepoint(self.app.mouse):
            colour = theme.HOVER
        draw_panel(surface, choice.rect, colour, px(10),
                   theme.ACCENT_2 if choice.selected else None)
        text_colour = theme.TEXT if choice.enabled else theme.FAINT
        key_w = px(26)
        box = choice.rect.inflate(-px(20) - key_w, -px(10))
        box.left = choice.rect.left + px(10)
        lines = fonts.wrap(choice.label, "body", box.width, choice.selected)[:2]
        height = len(lines) * fonts.line_height("body")
        top = choice.rect.centery - height // 2
        for i, line in enumerate(lines):
            draw_text(surface, fonts, line, (box.left, top + i * fonts.line_height("body")),
                      "body", text_colour, bold=choice.selected, max_width=box.width)
        if choice.shortcut:
            draw_text(surface, fonts, choice.shortcut,
                      (choice.rect.right - px(8), choice.rect.centery), "tiny", theme.MUTED,
                      anchor="midright")

    def _draw_question(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        q = self.question
        if q is None:
            return
        width = surface.get_width()
        draw_text(surface, fonts, self.tr("quizapp.title", n=self.index + 1,
                                         total=len(self.questions)),
                  (px(28), px(16)), "h1", theme.TEXT, bold=True, max_width=width - px(56))
        rect = self.comment_rect
        draw_panel(surface, rect, theme.PANEL, px(12), theme.LINE)
        x = rect.left + px(16)
        draw_text(surface, fonts, self.tr("quizapp.wrote", time=clock(q.t), handle=q.handle),
                  (x, rect.top + px(8)), "small", theme.MUTED, max_width=rect.width - px(32))
        y = rect.top + px(8) + fonts.line_height("small")
        box = pygame.Rect(x, y, rect.width - px(32), rect.bottom - y)
        y += draw_wrapped(surface, fonts, f"“{q.text}”", box, "h2", theme.TEXT, bold=True,
                          max_lines=2)
        if shown := comment_translation(q.translation, self.app.lang):
            box = pygame.Rect(x, y, rect.width - px(32), rect.bottom - y)
            draw_wrapped(surface, fonts, self.tr("quizapp.translation", text=shown), box,
                         "small", theme.MUTED, max_lines=1)
        titles = {"kind": self.tr("quiz.ask_kind"), "action": self.tr("quiz.ask_action"),
                  "confidence": self.tr("quiz.ask_confidence")}
        for row in ROWS:
            pos = self.row_titles.get(row)
            if pos is not None:
                draw_text(surface, fonts, titles[row], pos, "label", theme.TEXT, bold=True)
            for choice in self.choices[row]:
                self._draw_choice(surface, choice)
        hint = self.tr("quizapp.hint")
        last = self.choices["confidence"][-1].rect if self.choices["confidence"] else rect
        draw_wrapped(surface, fonts, hint, pygame.Rect(px(28), last.bottom + px(14),
                                                       width - px(56), px(50)),
                     "small", theme.MUTED, max_lines=2)

    def _draw_result(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        result = self.result
        assert result is not None
        width = surface.get_width()
        x = px(28)
        if not self.questions:
            draw_text(surface, fonts, self.tr("quiz.no_questions"), (x, px(24)), "h2",
                      theme.TEXT, bold=True, max_width=width - 2 * x)
            return
        draw_text(surface, fonts, self.tr("quiz.summary", correct=result.correct,
                                         total=result.total, points=f"{result.points:g}"),
                  (x, px(16)), "h1", theme.OK if result.correct == result.total else theme.TEXT,
                  bold=True, max_width=width - 2 * x)
        y = px(16) + fonts.line_height("h1") + px(4)
        if result.overconfident:
            line, colour = self.tr("quiz.overconfident", count=result.overconfident), theme.WARN
        elif result.correct == result.total:
            line, colour = self.tr("quiz.all_right"), theme.OK
        else:
            line, colour = self.tr("quizapp.review"), theme.MUTED
        draw_wrapped(surface, fonts, line, pygame.Rect(x, y, width - 2 * x, px(48)), "body",
                     colour, max_lines=2)
        if self.saved is True:
            saved, colour = self.tr("quiz.recorded"), theme.OK
        elif isinstance(self.saved, str):
            saved, colour = self.saved, theme.WARN
        else:
            saved, colour = "", theme.MUTED
        if saved:
            draw_text(surface, fonts, saved, (x, self.result_rect.top - px(6)), "small", colour,
                      anchor="bottomleft", max_width=width - 2 * x)
        rect = self.result_rect
        draw_panel(surface, rect, theme.PANEL, px(12))
        if self.scroll:
            draw_text(surface, fonts, self.tr("desktop.scroll_hint"),
                      (rect.right - px(12), rect.top + px(6)), "tiny", theme.MUTED,
                      anchor="topright")
        y = rect.top + px(12)
        inner = rect.width - px(32)
        lang = self.app.lang
        for n, mark in enumerate(result.marks[self.scroll:], self.scroll + 1):
            if y > rect.bottom - px(50):
                draw_text(surface, fonts, self.tr("desktop.scroll_hint"),
                          (rect.right - px(12), rect.bottom - px(6)), "tiny", theme.MUTED,
                          anchor="bottomright")
                break
            y = self._draw_mark(surface, n, mark, rect.left + px(16), y, inner,
                                rect.bottom, lang)

    def _draw_mark(self, surface: pygame.Surface, n: int, mark: core.Mark, x: int, y: int,
                   width: int, bottom: int, lang: str) -> int:
        """One explained answer; returns where the next one starts."""
        fonts = self.fonts
        px = fonts.px
        q = mark.question
        verdict = self.tr("quiz.right") if mark.right else self.tr("quizapp.not_right")
        head = f"{n}. {clock(q.t)}  @{q.handle}  —  {verdict}"
        draw_text(surface, fonts, head, (x, y), "label", theme.OK if mark.right else theme.WARN,
                  bold=True, max_width=width)
        y += fonts.line_height("label")

        def line(text: str, role: str, colour: theme.Colour, lines: int,
                 bold: bool = False) -> None:
            nonlocal y
            box = pygame.Rect(x + px(14), y, width - px(14), max(0, bottom - y))
            if box.height > fonts.line_height(role):
                y += draw_wrapped(surface, fonts, text, box, role, colour, bold=bold,
                                  max_lines=lines)

        line(f"“{q.text}”", "body", theme.TEXT, 2)
        yours = self.tr("quizapp.yours", kind=self.tr(f"judge.cat_{mark.answer.kind}"),
                       action=self.tr(f"quiz.action_{mark.answer.action}"),
                       confidence=self.tr(f"quiz.confidence_{mark.answer.confidence}"))
        line(yours, "small", theme.MUTED, 2)
        if not mark.right:
            line(self.tr("quiz.wrong", kind=self.tr(f"judge.cat_{q.kind}"),
                        action=self.tr(f"quiz.action_{q.action}")), "small", theme.GOLD, 2,
                 bold=True)
        line(self.tr("quiz.why", text=q.explanation.get(lang)), "small", theme.TEXT, 3)
        if q.answer is not None:
            line(self.tr("judge.tip_answer", text=q.answer.get(lang), source=q.source or "—"),
                 "small", theme.ACCENT_2, 2)
        line(self.tr("quiz.in_session", outcome=self.tr(f"report.outcome_{q.outcome}")), "tiny",
             theme.MUTED, 1)
        return y + px(12)
