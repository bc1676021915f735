"""A screen of the app's stack, and the registry the stack builds screens from.

After Tuxemon's state stack (https://github.com/Tuxemon/Tuxemon, ``tuxemon/state.py`` and
``tuxemon/client.py``): each screen class registers itself for its route with
:func:`register` (a typed record of its parameters, :mod:`simulator.routes`), and the app
builds the screen from the route (``app.push(Pause(live=self))``), so the stack never
imports a screen module. ``simulator.screens`` imports every screen module once, which
registers them; whoever starts the app imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import pygame

from i18n.errors import GladiError
from simulator.fonts import Fonts
from simulator.intents import Intent, KeyMap
from simulator.routes import Route
from simulator.widgets import Button

if TYPE_CHECKING:
    from simulator.app import App

__all__ = ["SCREENS", "Screen", "UnknownScreen", "build", "register"]


class Screen:
    """Base class: a full-window screen on the app's stack.

    The stack calls these hooks, in this order over a screen's life:

    * ``__init__(app, **params)``: when ``App.push`` or ``App.replace`` builds it from its
      registered name. The window size is not known yet.
    * :meth:`layout`: right after it is put on the stack; again whenever the window is
      resized or the language or text size changes, and when the screen above it is popped.
    * :meth:`on_enter`: each time it becomes the top: after its first layout, and after the
      screen above it is popped.
    * :meth:`on_cover`: when another screen is pushed on top of it (pause, help, the quiz).
    * Input, only while it is the top, for each event of a frame: :meth:`take_input` first
      (a focused text field); then a key press becomes an :class:`Intent` for
      :meth:`handle_intent` (``simulator.intents``; with :attr:`guards_typing` a typed
      character's intent comes a moment later, or never and :meth:`on_typing` instead),
      and any other event goes to :meth:`handle_event`.
    * :meth:`update`: once a frame, only while it is the top, after the input.
    * :meth:`draw`: once a frame while it is the top, or under an :attr:`overlay` on top.
    * :meth:`on_exit`: once, when it is popped or replaced.
    * :meth:`on_quit`: when the window closes or the app crashes, for every screen on the
      stack, bottom first.
    """

    #: Screens below an overlay (pause, help) keep being drawn under it.
    overlay = False
    #: The keys this screen listens to (its column of ``simulator.intents.KEYS``); None: none.
    keymap: KeyMap | None = None
    #: Single-letter shortcuts: the app holds typed characters back with a
    #: ``simulator.intents.TypingGuard`` so that typing a word fires none of them.
    guards_typing = False

    def __init__(self, app: App) -> None:
        self.app = app
        self.buttons: list[Button] = []

    @property
    def fonts(self) -> Fonts:
        return self.app.fonts

    def tr(self, key: str, **params: object) -> str:
        """The text of a catalogue ``key`` in the app's language."""
        return self.app.tr(key, **params)

    def layout(self, width: int, height: int) -> None:
        """Place widgets for a window of this size (and after a language switch)."""

    def on_enter(self) -> None:
        """The screen became the top of the stack."""

    def on_cover(self) -> None:
        """A screen was pushed on top of this one: stop what must not run unseen."""

    def on_exit(self) -> None:
        """The screen left the stack."""

    def on_quit(self) -> None:
        """The app is closing (or crashed): save what must not be lost; never raise."""

    def take_input(self, event: pygame.event.Event) -> bool:
        """Give a key or typed text to a focused text field first; True when it took it."""
        return False

    def handle_intent(self, intent: Intent) -> None:
        """A key press, translated by the app with :attr:`keymap`."""

    def on_typing(self) -> None:
        """Characters came too quickly to be shortcuts (only with :attr:`guards_typing`):
        the user is typing a word, and none of them fired."""

    def handle_event(self, event: pygame.event.Event) -> None:
        """Any other event: mouse, wheel, text. By default a left click presses a button."""
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for button in list(self.buttons):
                if button.click(event.pos):
                    return

    def update(self, dt: float) -> None:
        """Advance by ``dt`` seconds of wall time."""

    def draw(self, surface: pygame.Surface) -> None:
        raise NotImplementedError

    def draw_buttons(self, surface: pygame.Surface) -> None:
        for button in self.buttons:
            button.draw(surface, self.app.fonts, self.app.mouse)


#: Every screen class by the route it is built for. A screen takes ``(app, route)`` with its
#: own route's type (``tests/simulator/test_stack.py`` holds every pair to that), which a
#: table of all of them cannot say to the type checker: hence the one ``Any``.
SCREENS: dict[type[Route], Callable[[App, Any], Screen]] = {}

S = TypeVar("S", bound=Screen)


def register(route: type[Route]) -> Callable[[type[S]], type[S]]:
    """Class decorator: the stack builds this screen for ``app.push(route)``."""

    def add(cls: type[S]) -> type[S]:
        if route in SCREENS and SCREENS[route] is not cls:
            raise ValueError(f"two screens registered for {route.__name__}")
        SCREENS[route] = cls
        return cls

    return add


class UnknownScreen(GladiError, LookupError):
    """No screen is registered for a route (``simulator.screens`` was not imported?)."""


def build(app: App, route: Route) -> Screen:
    """The screen registered for ``route``'s type, built for it."""
    try:
        make = SCREENS[type(route)]
    except KeyError:
        raise UnknownScreen(f"no screen for {type(route).__name__}; registered: "
                            f"{sorted(r.__name__ for r in SCREENS)}; "
                            "import simulator.screens before starting the app") from None
    return make(app, route)
