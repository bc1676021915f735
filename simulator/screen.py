"""The screen protocol of the state stack (after Tuxemon's states).

Each screen handles events, updates with the frame's ``dt`` and draws. ``draw``
never changes state: everything it needs was decided in ``handle_event``,
``update`` or ``layout``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from simulator.fonts import Fonts
from simulator.widgets import Button

if TYPE_CHECKING:
    from simulator.app import App

__all__ = ["Screen"]


class Screen:
    """Base class: a full-window screen on the app's stack."""

    #: Screens below an overlay (pause) keep being drawn under it.
    overlay = False

    def __init__(self, app: App) -> None:
        self.app = app
        self.buttons: list[Button] = []

    @property
    def fonts(self) -> Fonts:
        return self.app.fonts

    def t(self, key: str, **params: object) -> str:
        return self.app.t(key, **params)

    def layout(self, width: int, height: int) -> None:
        """Place widgets for a window of this size (and after a language switch)."""

    def on_enter(self) -> None:
        """The screen became the top of the stack."""

    def on_exit(self) -> None:
        """The screen left the stack."""

    def handle_event(self, event: pygame.event.Event) -> None:
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
