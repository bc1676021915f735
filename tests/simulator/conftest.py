"""Run the desktop app off-screen: SDL's dummy drivers, a fake clock, a temp data folder."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

import simulator.screens  # noqa: E402, F401  (registers the screens the app builds by name)
from simulator.app import App, Options  # noqa: E402
from simulator.clock import FakeClock  # noqa: E402
from simulator.intents import HOLD_S, is_typing_key  # noqa: E402


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("GLADI_DATA_DIR", str(folder))
    return folder


class Driver:
    """Drives an :class:`App` with posted events and a fake clock, one frame at a time."""

    def __init__(self, app: App, clock: FakeClock) -> None:
        self.app = app
        self.clock = clock

    def frame(self, seconds: float = 1 / 30) -> None:
        self.clock.advance(seconds)
        self.app.step()

    def run(self, seconds: float, fps: int = 10) -> None:
        for _ in range(round(seconds * fps)):
            self.frame(1 / fps)

    def key(self, key: int, mod: int = 0, text: str = "") -> None:
        """Press a key as a person does: SDL sends the typed character as text too, and a
        screen of letter shortcuts lets it through once no other character follows."""
        self.tap(key, mod, text)
        if is_typing_key(text, mod):
            self.frame(HOLD_S)

    def tap(self, key: int, mod: int = 0, text: str = "") -> None:
        """One key press and its text, without waiting: typing, when taps come quickly."""
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode=text,
                                             scancode=0))
        if is_typing_key(text, mod):
            pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=text))
        self.frame(0)

    def end_live(self) -> None:
        """F10 on the live, then Enter to confirm "end the live now?"."""
        self.key(pygame.K_F10)
        self.key(pygame.K_RETURN)

    def type(self, text: str) -> None:
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=text))
        self.frame(0)

    def move(self, pos: tuple[int, int]) -> None:
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0),
                                             buttons=(0, 0, 0)))
        self.frame(0)

    def click(self, pos: tuple[int, int]) -> None:
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0),
                                             buttons=(0, 0, 0)))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))
        self.frame(0)


def make_app(**changes: object) -> tuple[App, FakeClock]:
    clock = FakeClock()
    defaults: dict[str, object] = dict(camera="synthetic", use_mic=False, threaded_media=False,
                                       detect_faces=False, seed=7, size=(1366, 768))
    defaults.update(changes)
    app = App(Options(**defaults), wall=clock)  # type: ignore[arg-type]
    return app, clock


@pytest.fixture
def driver() -> Iterator[Driver]:
    app, clock = make_app()
    yield Driver(app, clock)
    app.close()
