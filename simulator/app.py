"""The main loop: a stack of screens, one frame at a time.

:class:`App` owns the window, the fonts, the camera and microphone feeds and
the stack. Screens are built by their registered name (``simulator.screen``):
the app never imports a screen module, and ``simulator.screens`` must be
imported once before the app starts. Key presses are translated into intents
here, once (``simulator.intents``). :meth:`App.step` runs exactly one frame
(events, update, draw, flip); :meth:`App.run` repeats it at up to 60 frames a
second. The wall clock is injected, so tests step the app with a fake clock and
posted events.
"""

from __future__ import annotations

import random
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pygame

from debrief.errors import UserError
from i18n import DEFAULT_LANGUAGE, LANGUAGES, Lang, normalise_language, translate
from moderation import sessionfile
from moderation.judge import Scorecard
from scenarios import builtin_scenario_ids, load_scenario
from scenarios.schema import Scenario
from simulator import theme
from simulator.clock import WallClock
from simulator.feeds import CameraFeed, MicFeed
from simulator.fonts import Fonts
from simulator.intents import Intent, KeyMap, TypingGuard, intent_for, is_typing_key
from simulator.model import LiveModel
from simulator.routes import Home, Live, Preflight, Route
from simulator.screen import Screen, build
from simulator.storage import record_history, save_session

__all__ = ["App", "Options", "window_size"]

#: What a taskbar and the window's title bar take of a laptop screen's height.
TASKBAR_AND_TITLE = 80


def window_size(desktop: tuple[int, int] | None) -> tuple[int, int]:
    """The window's first size on a screen of ``desktop`` pixels: the design size
    (1366×768) where it fits with a taskbar, else the screen less the taskbar and title
    bar (1280×720 → 1280×640), never below the smallest layout (theme.MIN_W × MIN_H)."""
    if desktop is None:
        return theme.BASE_W, theme.BASE_H
    width, height = desktop
    return (max(theme.MIN_W, min(theme.BASE_W, width)),
            max(theme.MIN_H, min(theme.BASE_H, height - TASKBAR_AND_TITLE)))


@dataclass(frozen=True, slots=True)
class Options:
    """How the app was started (from ``gladi rehearse`` or a test)."""

    lang: str = DEFAULT_LANGUAGE
    #: The languages the home screen's buttons and F2 offer (``i18n.offered``).
    languages: tuple[Lang, ...] = LANGUAGES
    trainee: str = ""
    large_text: bool = False
    camera: str | None = None
    mic: str | None = None
    #: Open straight into this scenario's pre-flight (``gladi rehearse --scenario``).
    scenario: str | None = None
    seed: int | None = None
    #: The window's size; None: sized to the screen (:func:`window_size`).
    size: tuple[int, int] | None = None
    #: Tests run the camera and microphone synchronously, frame by frame.
    threaded_media: bool = True
    detect_faces: bool = True
    use_mic: bool = True
    save: bool = True
    skip_preflight: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class App:
    """The desktop rehearsal app."""

    def __init__(self, options: Options, wall: WallClock = time.monotonic) -> None:
        self.options = options
        self.wall = wall
        self.lang = normalise_language(options.lang)
        self.trainee = options.trainee
        self.large_text = options.large_text
        pygame.display.init()
        pygame.font.init()
        pygame.display.set_caption("Gladi")
        desktop = self._desktop()
        size = options.size or window_size(desktop)
        self.surface = pygame.display.set_mode(size, pygame.RESIZABLE)
        self._limit_window_size(maximise=options.size is None and desktop is not None
                                and size < (theme.BASE_W, theme.BASE_H))
        pygame.key.set_repeat(400, 40)
        self.fonts = Fonts(theme.scale_for(*self.surface.get_size(), self.large_text))
        self.stack: list[Screen] = []
        self.mouse: tuple[int, int] = (-1, -1)
        self.running = True
        self.camera: CameraFeed | None = None
        self.mic: MicFeed | None = None
        self.last_saved: str | None = None
        self.save_error: str | None = None
        self._last_wall = wall()
        self._scenarios: list[Scenario] | None = None
        self.typing_guard = TypingGuard()

    # ------------------------------------------------------------ helpers

    @staticmethod
    def _desktop() -> tuple[int, int] | None:
        """The first screen's size, if SDL knows it."""
        try:
            sizes = pygame.display.get_desktop_sizes()
        except pygame.error:
            return None
        return sizes[0] if sizes else None

    @staticmethod
    def _limit_window_size(maximise: bool) -> None:
        """Below 1024×600 the panel no longer fits; ask SDL not to shrink further. On a
        screen smaller than the design size, fill what the taskbar leaves (``maximise``):
        the window system knows that area, and a resize event lays the screens out."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                window = pygame.Window.from_display_module()
            window.minimum_size = (theme.MIN_W, theme.MIN_H)
            if maximise:
                window.maximize()
        except (AttributeError, pygame.error):  # older pygame-ce: no limit, still works
            pass

    def camera_spec(self) -> str | None:
        return self.camera.spec if self.camera is not None else self.options.camera

    def switch_camera(self) -> None:
        """Try the next camera: device 0, device 1, the test card, and round again."""
        specs = ["0", "1", "synthetic"]
        current = self.camera_spec()
        following = specs[(specs.index(current) + 1) % len(specs)] if current in specs \
            else specs[0]
        size = self.camera.size if self.camera is not None else (270, 480)
        if self.camera is not None:
            self.camera.stop()
        opts = self.options
        self.camera = CameraFeed(following, threaded=opts.threaded_media,
                                 detect=opts.detect_faces,
                                 **opts.extra.get("camera_kwargs", {}))
        self.camera.size = size
        self.camera.start()

    def tr(self, key: str, **params: object) -> str:
        """The text of a catalogue ``key`` in the app's current language."""
        return translate(key, self.lang, **params)

    @property
    def size(self) -> tuple[int, int]:
        return self.surface.get_size()

    def scenarios(self) -> list[Scenario]:
        """The built-in scenarios, loaded once."""
        if self._scenarios is None:
            self._scenarios = [load_scenario(sid) for sid in builtin_scenario_ids()]
        return self._scenarios

    def new_seed(self) -> int:
        if self.options.seed is not None:
            return self.options.seed
        return random.SystemRandom().randrange(1, 1_000_000)

    def ensure_media(self) -> None:
        """Open the camera and microphone (on their threads) the first time they are needed."""
        opts = self.options
        if self.camera is None:
            self.camera = CameraFeed(opts.camera, threaded=opts.threaded_media,
                                     detect=opts.detect_faces,
                                     **opts.extra.get("camera_kwargs", {})).start()
        if self.mic is None and opts.use_mic:
            self.mic = MicFeed(opts.mic, threaded=opts.threaded_media).start()

    # ------------------------------------------------------------ stack

    @property
    def top(self) -> Screen | None:
        return self.stack[-1] if self.stack else None

    def push(self, route: Route) -> Screen:
        """Build the screen registered for ``route`` and put it on top; return it."""
        screen = build(self, route)
        self.reopen(screen)
        return screen

    def reopen(self, screen: Screen) -> None:
        """Put a screen built earlier back on top (the debrief reopens its quiz)."""
        self.typing_guard.reset()
        if self.stack:
            self.stack[-1].on_cover()
        self.stack.append(screen)
        screen.layout(*self.size)
        screen.on_enter()

    def pop(self) -> None:
        self.typing_guard.reset()
        if self.stack:
            self.stack.pop().on_exit()
        if self.stack:
            self.stack[-1].layout(*self.size)
            self.stack[-1].on_enter()

    def replace(self, route: Route) -> Screen:
        """Build the screen registered for ``route``, then empty the stack and show it alone."""
        screen = build(self, route)
        while self.stack:
            self.stack.pop().on_exit()
        self.reopen(screen)
        return screen

    def relayout(self) -> None:
        self.fonts.set_scale(theme.scale_for(*self.size, self.large_text))
        for screen in self.stack:
            screen.layout(*self.size)

    def set_language(self, lang: str) -> None:
        self.lang = normalise_language(lang)
        self.relayout()

    def toggle_language(self) -> None:
        """The next language offered (F2), round to the first after the last."""
        offered = self.options.languages
        at = offered.index(self.lang) if self.lang in offered else -1
        self.set_language(offered[(at + 1) % len(offered)])

    def toggle_large_text(self) -> None:
        self.large_text = not self.large_text
        self.relayout()

    # ------------------------------------------------------------ flow

    def start(self) -> None:
        """Show the first screen the options ask for."""
        opts = self.options
        if opts.scenario is None:
            self.replace(Home())
        elif opts.skip_preflight:
            self.replace(Live(scenario_id=opts.scenario))
        else:
            self.replace(Preflight(scenario_id=opts.scenario))

    def save(self, model: LiveModel, card: Scorecard) -> None:
        """Save the finished session file; a failure is shown, never raised."""
        if not self.options.save:
            return
        session = model.session
        data = sessionfile.document(session, trainee=self.trainee or None,
                                  scenario=session.scenario.id, app="desktop")
        data["scorecard"] = card.to_json()
        try:
            self.last_saved = str(save_session(data, session.scenario.id))
            self.save_error = None
        except UserError as error:
            self.save_error = str(error)
        problem = record_history(session, card, self.trainee)
        if problem is not None and self.save_error is None:
            self.save_error = self.tr("desktop.history_failed", reason=problem)

    # ------------------------------------------------------------ loop

    def step(self) -> None:
        """One frame: events, update, draw, flip."""
        now = self.wall()
        dt = max(0.0, now - self._last_wall)
        self._last_wall = now
        for event in pygame.event.get():
            self.dispatch(event)
        top = self.top
        if top is None:
            self.running = False
            return
        held = self.typing_guard.due(now)
        if held is not None and top.guards_typing:
            top.handle_intent(held)
            top = self.top
            if top is None:
                return
        top.update(dt)
        self.draw()
        pygame.display.flip()

    def dispatch(self, event: pygame.event.Event) -> None:
        """One event: the window's own, then F2/F3, then the screen on top.

        A key press reaches the screen as an :class:`Intent` of its key map, unless a
        focused text field takes it first.
        """
        if event.type == pygame.QUIT:
            self.quit()
            return
        if event.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
            surface = pygame.display.get_surface()
            if surface is not None:
                self.surface = surface
            self.relayout()
            return
        if event.type in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            self.mouse = event.pos
        elif event.type == pygame.WINDOWLEAVE:
            self.mouse = (-1, -1)  # nothing is under the pointer any more
        if event.type == pygame.KEYDOWN:
            intent = intent_for(KeyMap.APP, event.key, event.mod)
            if intent is Intent.LANGUAGE:
                self.toggle_language()
                return
            if intent is Intent.TEXT_SIZE:
                self.toggle_large_text()
                return
        top = self.top
        if top is None or top.take_input(event):
            return
        if event.type == pygame.KEYDOWN:
            if top.keymap is not None:
                self._press(top, intent_for(top.keymap, event.key, event.mod),
                            is_typing_key(getattr(event, "unicode", ""), event.mod))
            return
        top.handle_event(event)

    def _press(self, top: Screen, intent: Intent | None, typed: bool) -> None:
        """Run a key's intent, through the typing guard on a screen of letter shortcuts."""
        if not top.guards_typing:
            if intent is not None:
                top.handle_intent(intent)
            return
        guard = self.typing_guard
        if typed:
            ready, typing = guard.press(intent, self.wall())
        else:
            held = guard.flush()
            ready, typing = ([] if held is None else [held]), False
            if intent is not None:
                ready.append(intent)
        for each in ready:
            if self.top is not top:
                return
            top.handle_intent(each)
        if typing:
            top.on_typing()

    def draw(self) -> None:
        # Draw from the last opaque screen up, so an overlay shows what is under it.
        start = len(self.stack) - 1
        while start > 0 and self.stack[start].overlay:
            start -= 1
        for screen in self.stack[start:]:
            screen.draw(self.surface)

    def quit(self) -> None:
        """Close the app; a live in progress is ended and saved first."""
        for screen in self.stack:
            screen.on_quit()
        self.running = False

    def run(self, start: Callable[[], object] | None = None) -> int:
        """The main loop, until the window closes; ``start`` shows the first screen
        (default :meth:`start`; ``gladi replay --watch`` opens its playback)."""
        (start or self.start)()
        clock = pygame.time.Clock()
        try:
            while self.running:
                self.step()
                clock.tick(60)
        except BaseException:
            self._save_on_crash()
            raise
        finally:
            self.close()
        return 0

    def _save_on_crash(self) -> None:
        """An unexpected error must not lose the trainee's session: end and save it first."""
        for screen in self.stack:
            try:
                screen.on_quit()
            except Exception:  # the crash report is about the first error
                pass

    def close(self) -> None:
        for feed in (self.camera, self.mic):
            if feed is not None:
                feed.stop()
        self.camera = self.mic = None
        pygame.display.quit()

