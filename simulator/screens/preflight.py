"""Pre-flight: camera preview with the checks drawn on it, a microphone meter,
a checklist with hints and the go-live eligibility quiz."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import pygame

from media.results import CheckResult, Level
from media.text import check_hint, check_label, source_text
from scenarios import ScenarioError, load_scenario
from scenarios.schema import Scenario
from simulator import theme
from simulator.intents import Intent, KeyMap, choice_index
from simulator.routes import Home, Live, Preflight
from simulator.screen import Screen, register
from simulator.widgets import Button, draw_bar, draw_panel, draw_text, draw_wrapped

if TYPE_CHECKING:
    from simulator.app import App

__all__ = ["QUIZ", "PreflightScreen", "Question"]


@dataclass(frozen=True, slots=True)
class Question:
    """A quiz question: translation keys of its text, options and explanation."""

    key: str
    options: int
    correct: int


#: What field trainings had to explain with a borrowed account: the host requirements in
#: docs/research/content-anchors.md ("TikTok LIVE in Indonesia").
QUIZ = (Question("age", 3, 2), Question("followers", 3, 1), Question("standing", 2, 1))


def _scenario(app: App, ref: str) -> Scenario | None:
    """The scenario ``ref`` names (a built-in id or a file); None when it does not load
    (the live says why)."""
    found = next((s for s in app.scenarios() if s.id == ref), None)
    if found is not None:
        return found
    try:
        return load_scenario(ref)
    except ScenarioError:
        return None


@register(Preflight)
class PreflightScreen(Screen):
    """The checks before going live; they advise and never block."""

    keymap = KeyMap.PREFLIGHT

    def __init__(self, app: App, route: Preflight) -> None:
        super().__init__(app)
        scenario_id = route.scenario_id
        app.ensure_media()
        self.scenario_id = scenario_id
        #: For the title: a built-in scenario, or the file's (a booster drill from home).
        self.scenario = _scenario(app, scenario_id)
        self.answers: dict[int, int] = {}
        self.preview = pygame.Rect(0, 0, 0, 0)
        self.frame: pygame.Surface | None = None
        self._frame_pixels: object = None
        self.option_buttons: list[tuple[int, int, Button]] = []

    def layout(self, width: int, height: int) -> None:
        px = self.fonts.px
        pad = px(24)
        top = px(80)
        ph = height - top - px(110)
        pw = round(ph * 9 / 16)
        self.preview = pygame.Rect(pad, top, pw, ph)
        camera = self.app.camera
        if camera is not None:
            camera.size = (pw, ph)
        self.mid = pygame.Rect(self.preview.right + pad, top, px(430), ph)
        self.right = pygame.Rect(self.mid.right + pad, top, width - self.mid.right - 2 * pad, ph)
        self.buttons = [
            Button(self.tr("desktop.switch_camera"), self.app.switch_camera,
                   pygame.Rect(pad, height - px(80), pw, px(52)) if pw >= px(240) else
                   pygame.Rect(pad, top - px(46), px(240), px(40)), shortcut="C", role="small"),
            Button(self.tr("desktop.back"), self.go_home,
                   pygame.Rect(self.mid.left, height - px(80), px(200), px(52)),
                   shortcut="Esc"),
            Button(self.tr("desktop.go_live"), self.go_live,
                   pygame.Rect(width - pad - px(320), height - px(80), px(320), px(52)),
                   shortcut="Enter", colour=theme.BUTTON_PRIMARY, role="h2"),
        ]
        self.option_buttons = []
        y = self.right.top + px(44)
        bw = self.right.width - px(24)
        for qi, question in enumerate(QUIZ):
            y += px(8) + self._question_height(qi, bw)
            for oi in range(question.options):
                rect = pygame.Rect(self.right.left + px(12), y, bw, px(34))
                button = Button(f"{oi + 1}. " + self.tr(f"desktop.quiz_{question.key}_{oi}"),
                                partial(self.answer, qi, oi), rect, role="small")
                self.option_buttons.append((qi, oi, button))
                y += px(38)
            y += self._explanation_height(qi, bw)
        self.buttons.extend(b for _, _, b in self.option_buttons)
        self._mark_options()

    def _question_height(self, qi: int, width: int) -> int:
        lines = self.fonts.wrap(self.tr(f"desktop.quiz_{QUIZ[qi].key}_q"), "label", width, True)
        return len(lines) * self.fonts.line_height("label") + self.fonts.px(4)

    def _explanation_height(self, qi: int, width: int) -> int:
        if qi not in self.answers:
            return self.fonts.px(6)
        lines = self.fonts.wrap(self.explanation(qi), "small", width)
        return len(lines) * self.fonts.line_height("small") + self.fonts.px(10)

    def explanation(self, qi: int) -> str:
        question = QUIZ[qi]
        verdict = self.tr("desktop.quiz_right" if self.answers.get(qi) == question.correct
                         else "desktop.quiz_wrong")
        return f"{verdict} {self.tr(f'desktop.quiz_{question.key}_why')}"

    def _mark_options(self) -> None:
        for qi, oi, button in self.option_buttons:
            chosen = self.answers.get(qi)
            button.selected = False
            button.colour = theme.BUTTON
            if chosen is not None:
                if oi == QUIZ[qi].correct:
                    button.colour = (40, 120, 70)
                elif oi == chosen:
                    button.colour = theme.BUTTON_DANGER

    def answer(self, qi: int, oi: int) -> None:
        self.answers[qi] = oi
        self.layout(*self.app.size)

    def go_live(self) -> None:
        self.app.replace(Live(scenario_id=self.scenario_id))

    def go_home(self) -> None:
        self.app.replace(Home())

    def handle_intent(self, intent: Intent) -> None:
        if intent is Intent.CONFIRM:
            self.go_live()
        elif intent is Intent.BACK:
            self.go_home()
        elif intent is Intent.SWITCH_CAMERA:
            self.app.switch_camera()
        elif (index := choice_index(intent)) is not None:
            # Keys 1-3 answer the first question still open.
            pending = [i for i in range(len(QUIZ)) if i not in self.answers]
            if pending and index < QUIZ[pending[0]].options:
                self.answer(pending[0], index)

    def update(self, dt: float) -> None:
        camera, mic = self.app.camera, self.app.mic
        if camera is not None:
            camera.poll()
            view = camera.view
            if view is None:
                self.frame = None
            elif view.pixels is not self._frame_pixels:
                self._frame_pixels = view.pixels
                self.frame = pygame.image.frombuffer(view.pixels.data, view.size, "BGR")
        if mic is not None:
            mic.poll()

    def results(self) -> list[CheckResult]:
        out: list[CheckResult] = []
        if self.app.camera is not None:
            out.extend(self.app.camera.results)
        if self.app.mic is not None:
            out.extend(self.app.mic.results)
        return out

    def draw(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        surface.fill(theme.BG)
        scenario = self.scenario
        title = scenario.title.get(self.app.lang) if scenario else self.scenario_id
        draw_text(surface, fonts, self.tr("desktop.preflight_title", scenario=title),
                  (px(24), px(24)), "h1", theme.TEXT, bold=True)
        self._draw_preview(surface)
        self._draw_checks(surface)
        self._draw_quiz(surface)
        self.draw_buttons(surface)

    def _draw_preview(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        rect = self.preview
        draw_panel(surface, rect, theme.PANEL, 0)
        camera = self.app.camera
        if self.frame is not None and camera is not None and camera.view is not None:
            frame = self.frame
            if frame.get_size() != rect.size:
                frame = pygame.transform.scale(frame, rect.size)
            surface.blit(frame, rect)
            face = camera.view.face
            if face is not None:
                box = pygame.Rect(rect.left + face.x * rect.width, rect.top + face.y * rect.height,
                                  face.w * rect.width, face.h * rect.height)
                pygame.draw.rect(surface, theme.ACCENT_2, box, width=3, border_radius=px(6))
        else:
            draw_text(surface, fonts, self.tr("desktop.camera_opening"), rect.center, "body",
                      theme.MUTED, anchor="center")
        # Lighting meter: the brightness check's value on a 0-255 scale.
        light = next((r for r in self.results() if r.name == "brightness"), None)
        meter = pygame.Rect(rect.left + px(10), rect.bottom - px(34), rect.width - px(20), px(14))
        if light is not None and light.value is not None:
            draw_bar(surface, meter, light.value / 255, theme.level_colour(light.level.value))
            draw_text(surface, fonts, self.tr("desktop.light_meter"),
                      (meter.left, meter.top - px(4)), "tiny", theme.TEXT, anchor="bottomleft")
        if camera is not None:
            for i, notice in enumerate(camera.all_notices()[-2:]):
                line = pygame.Rect(rect.left + px(6), rect.top + px(6) + i * px(60),
                                   rect.width - px(12), px(58))
                draw_panel(surface, line, (90, 60, 10), px(6))
                draw_wrapped(surface, fonts, source_text(notice, self.app.lang),
                             line.inflate(-px(8), -px(6)), "tiny", theme.TEXT, max_lines=3)

    def _draw_checks(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        rect = self.mid
        draw_panel(surface, rect, theme.PANEL, px(10))
        x, y = rect.left + px(14), rect.top + px(12)
        draw_text(surface, fonts, self.tr("desktop.mic_meter"), (x, y), "label", theme.TEXT,
                  bold=True)
        mic = self.app.mic
        y += px(28)
        level = -90.0 if mic is None else mic.level_db
        frac = max(0.0, min(1.0, (level + 60) / 60))
        colour = theme.FAIL if level > -3 else theme.OK if level > -40 else theme.WARN
        draw_bar(surface, pygame.Rect(x, y, rect.width - px(28), px(16)), frac, colour)
        y += px(22)
        label = self.tr("desktop.mic_off") if mic is None else (
            self.tr("desktop.mic_level", db=f"{level:.0f}")
            + ("  ·  " + self.tr("desktop.voice_heard") if mic.speaking else ""))
        draw_text(surface, fonts, label, (x, y), "small", theme.MUTED)
        y += px(32)
        draw_text(surface, fonts, self.tr("desktop.checklist"), (x, y), "label", theme.TEXT,
                  bold=True)
        y += px(30)
        results = [r for r in self.results() if r.level is not Level.SKIP]
        if not results:
            draw_text(surface, fonts, self.tr("desktop.checking"), (x, y), "small", theme.MUTED)
        width = rect.width - px(44)
        for result in results:
            if y > rect.bottom - px(40):
                break
            colour = theme.level_colour(result.level.value)
            pygame.draw.circle(surface, colour, (x + px(6), y + px(10)), px(6))
            draw_text(surface, fonts, check_label(result, self.app.lang), (x + px(20), y), "small",
                      theme.TEXT, bold=True, max_width=width)
            y += fonts.line_height("small")
            if result.level is not Level.OK:
                used = draw_wrapped(surface, fonts, check_hint(result, self.app.lang),
                                    pygame.Rect(x + px(20), y, width, px(80)), "tiny",
                                    theme.MUTED, max_lines=3)
                y += used
            y += px(6)

    def _draw_quiz(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        rect = self.right
        draw_panel(surface, rect, theme.PANEL, px(10))
        draw_text(surface, fonts, self.tr("desktop.quiz_title"),
                  (rect.left + px(12), rect.top + px(12)), "label", theme.TEXT, bold=True)
        y = rect.top + px(44)
        bw = rect.width - px(24)
        for qi, question in enumerate(QUIZ):
            y += px(8)
            y += draw_wrapped(surface, fonts, self.tr(f"desktop.quiz_{question.key}_q"),
                              pygame.Rect(rect.left + px(12), y, bw, px(100)), "label",
                              theme.TEXT, bold=True) + px(4)
            y += question.options * px(38)
            if qi in self.answers:
                right = self.answers[qi] == question.correct
                y += draw_wrapped(surface, fonts, self.explanation(qi),
                                  pygame.Rect(rect.left + px(12), y, bw, px(120)), "small",
                                  theme.OK if right else theme.WARN) + px(10)
            else:
                y += px(6)
