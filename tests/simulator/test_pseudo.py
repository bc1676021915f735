"""The desktop screens in the pseudo-language ``xx``: nothing drawn shows a catalogue
string outside brackets (what that means: tests/pseudo.py, docs/i18n.md)."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import pygame
import pytest

from debrief.session import load
from gladi.cli import main
from i18n import CONVENTIONS, Lang, offered, translate
from simulator.app import App
from simulator.fonts import Fonts
from simulator.routes import Playback
from simulator.screens.debrief import DebriefScreen
from simulator.screens.home import HomeScreen
from simulator.screens.live import LiveScreen
from simulator.screens.playback import PlaybackScreen
from simulator.screens.quiz import QuizScreen
from simulator.theme import Colour

from ..pseudo import unwrapped_phrases
from .conftest import Driver, make_app


class Drawn:
    """Every text an app's fonts lay out or draw, whole: a line that ``wrap`` or
    ``ellipsis`` cut from a longer text counts as part of that text, not on its own."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fonts: Fonts) -> None:
        self.texts: dict[str, None] = {}
        self._pieces: set[str] = set()
        self._fonts = fonts
        wrap, ellipsis, text = fonts.wrap, fonts.ellipsis, fonts.text

        def on_wrap(whole: str, role: str, width: int, bold: bool = False) -> list[str]:
            self.texts[whole] = None
            lines = wrap(whole, role, width, bold)
            self._pieces.update(lines)
            return lines

        def on_ellipsis(whole: str, role: str, width: int, bold: bool = False) -> str:
            if whole.removesuffix("…") not in self._pieces:
                self.texts[whole] = None
            cut = ellipsis(whole, role, width, bold)
            self._pieces.add(cut)
            return cut

        def on_text(whole: str, role: str, colour: Colour, bold: bool = False) -> pygame.Surface:
            if whole not in self._pieces:
                self.texts[whole] = None
            return text(whole, role, colour, bold)

        monkeypatch.setattr(fonts, "wrap", on_wrap)
        monkeypatch.setattr(fonts, "ellipsis", on_ellipsis)
        monkeypatch.setattr(fonts, "text", on_text)

    def leaks(self, data: Iterable[str]) -> dict[str, list[str]]:
        """The drawn texts that show a catalogue phrase unbracketed, with the phrases, once
        ``data`` (what viewers type, their handles) is taken out of them."""
        known = sorted({*data, *(self._fonts.clean(d) for d in data)}, key=len, reverse=True)
        found = {}
        for text in self.texts:
            for piece in known:
                text = text.replace(piece, "")
            if words := unwrapped_phrases(text):
                found[text] = words
        return found


def viewer_data(events: Iterable[object]) -> set[str]:
    """What viewers wrote and their handles, in ``events``; and the languages' own names,
    which stay as they are in every language (their buttons on the home screen)."""
    found = {CONVENTIONS[lang].name for lang in Lang}
    for event in events:
        for field in ("text", "handle", "name"):
            value = getattr(event, field, None)
            if isinstance(value, str) and value:
                found.add(value)
    return found


@pytest.fixture
def pseudo_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Driver, Drawn]]:
    app, clock = make_app(lang="xx", languages=offered(pseudo=True))
    drawn = Drawn(monkeypatch, app.fonts)
    yield Driver(app, clock), drawn
    app.close()


def _top(app: App) -> object:
    return app.top


def test_every_desktop_screen_in_xx(pseudo_app: tuple[Driver, Drawn]) -> None:
    driver, drawn = pseudo_app
    app = driver.app
    app.start()
    driver.frame()
    home = _top(app)
    assert isinstance(home, HomeScreen)
    driver.click(home.name.rect.center)
    driver.type("Bu Sari")
    driver.key(pygame.K_RETURN)  # pre-flight
    driver.run(0.5)
    driver.key(pygame.K_1, text="1")
    driver.key(pygame.K_RETURN)  # live
    screen = _top(app)
    assert isinstance(screen, LiveScreen)
    events = screen.model.session.events
    driver.run(90)
    for _ in range(5):
        driver.key(pygame.K_TAB)
        driver.run(1)
    driver.key(pygame.K_F1)  # the shortcuts
    driver.key(pygame.K_ESCAPE)
    driver.key(pygame.K_F10)  # "end the live now?"
    driver.key(pygame.K_RETURN)
    assert isinstance(_top(app), DebriefScreen)
    driver.frame()
    for _ in range(3):
        driver.key(pygame.K_PAGEDOWN)
    driver.key(pygame.K_k, text="k")  # the quiz
    assert isinstance(_top(app), QuizScreen)
    for key in (pygame.K_1, pygame.K_1, pygame.K_1):
        driver.key(key, text="1")
    driver.frame()
    assert app.lang == Lang.XX
    assert len(drawn.texts) > 100
    assert drawn.leaks(viewer_data(events)) == {}


def test_playback_in_xx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "sesi.json"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["simulate", "--scenario", "serbuan-troll", "--seed", "3", "--autopilot",
                     "good", "--out", str(path), "--no-history"]) == 0
    app, clock = make_app(lang="xx", languages=offered(pseudo=True))
    drawn = Drawn(monkeypatch, app.fonts)
    loaded = load(path, "xx")
    app.replace(Playback(loaded=loaded, speed=4.0))
    driver = Driver(app, clock)
    driver.run(60)
    assert isinstance(_top(app), PlaybackScreen)
    assert len(drawn.texts) > 30
    assert drawn.leaks(viewer_data(loaded.session.events)) == {}
    app.close()


def test_f2_cycles_the_offered_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    for languages in (offered(), offered(pseudo=True)):
        app, clock = make_app(languages=languages)
        app.start()
        driver = Driver(app, clock)
        driver.frame()
        home = app.top
        assert isinstance(home, HomeScreen)
        assert [b.label for b in home.lang_buttons] == [CONVENTIONS[la].name for la in languages]
        seen = [app.lang]
        for _ in languages:
            driver.key(pygame.K_F2)
            seen.append(app.lang)
        assert seen == [*languages, languages[0]]
        app.close()
    assert Lang.XX not in offered()


def test_the_check_sees_an_unbracketed_label(pseudo_app: tuple[Driver, Drawn]) -> None:
    driver, drawn = pseudo_app
    driver.app.fonts.text(translate("desktop.start", "en"), "body", (0, 0, 0))
    assert list(drawn.leaks(())) == [translate("desktop.start", "en")]
