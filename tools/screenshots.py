"""Take the desktop app's screenshots in docs/img: ``uv run python tools/screenshots.py docs/img``.

Drives the app with a fake clock (like the tests) at 1366×768 through home, pre-flight,
a live of ``serbuan-troll`` (a disguised troll comment read out in plain letters, a block
that can still be undone, the list held under the pointer), the debrief of the live run
to its end, the short quiz and a replay; then home, live and debrief again with large
text (``*-large.png``). Run it under a real or virtual display
(``Xvfb :99 -screen 0 1366x768x24 &`` then ``DISPLAY=:99 SDL_VIDEODRIVER=x11``) or
headless with ``SDL_VIDEODRIVER=dummy``; the pictures are the same. A second
argument picks the language (``id``, the default, or ``en``).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402

import simulator.screens  # noqa: E402, F401  (registers the screens for their routes)
from debrief.session import load  # noqa: E402
from gladi.cli import main as gladi  # noqa: E402
from simulator.app import App, Options  # noqa: E402
from simulator.clock import FakeClock  # noqa: E402
from simulator.intents import HOLD_S, is_typing_key  # noqa: E402
from simulator.lookalike import plain_form  # noqa: E402
from simulator.routes import Live, Playback  # noqa: E402
from simulator.screens.home import HomeScreen  # noqa: E402
from simulator.screens.live import LiveScreen  # noqa: E402

SHOTS = ("desktop-home.png", "desktop-preflight.png", "desktop-live.png", "desktop-debrief.png",
         "desktop-quiz.png", "desktop-quiz-result.png", "desktop-replay.png",
         "desktop-home-large.png", "desktop-live-large.png", "desktop-debrief-large.png")
SCENARIO = "serbuan-troll"


class Shooter:
    """The app under a fake clock, and the folder its pictures go to."""

    def __init__(self, out: Path, lang: str, large_text: bool = False) -> None:
        self.out = out
        self.clock = FakeClock()
        self.suffix = "-large" if large_text else ""
        self.app = App(Options(camera="synthetic", mic="synthetic", threaded_media=False,
                               detect_faces=True, seed=3, trainee="Bu Sari", lang=lang,
                               size=(1366, 768), large_text=large_text),
                       wall=self.clock)

    def frames(self, seconds: float, fps: int = 20) -> None:
        for _ in range(round(seconds * fps)):
            self.clock.advance(1 / fps)
            self.app.step()

    def key(self, key: int, text: str = "") -> None:
        """A key press as SDL sends it; a typed letter waits out the live's typing guard."""
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=text))
        if is_typing_key(text, 0):
            pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=text))
        self.app.step()
        if is_typing_key(text, 0):
            self.clock.advance(HOLD_S)
            self.app.step()

    def point(self, pos: tuple[int, int]) -> None:
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0),
                                             buttons=(0, 0, 0)))
        self.app.step()

    def save(self, name: str) -> None:
        pygame.image.save(self.app.surface, self.out / name.replace(".png", f"{self.suffix}.png"))

    def home(self) -> None:
        self.app.start()
        self.app.step()
        home = self.app.top
        assert isinstance(home, HomeScreen)
        home.selected = [s.id for s in self.app.scenarios()].index(SCENARIO)
        home.layout(*self.app.size)
        self.app.step()
        self.save("desktop-home.png")

    def preflight(self) -> None:
        self.key(pygame.K_RETURN)
        for _ in range(60):  # the face detector runs on its own thread: give it real time
            self.clock.advance(0.1)
            self.app.step()
            time.sleep(0.03)
        self.key(pygame.K_3, "3")
        self.key(pygame.K_2, "2")
        self.save("desktop-preflight.png")

    def live_and_debrief(self) -> None:
        """A disguised troll blocked (the undo still offered), the list held under the
        pointer; then the live runs to its end and the debrief shows."""
        live = self.app.top
        assert isinstance(live, LiveScreen)
        truth = live.model.session.truth
        comments = live.panel.comments
        for i in range(240 * 20):
            if i % 100 == 0:
                live.model.talk(live.now(), 5000)
            self.clock.advance(0.05)
            self.app.step()
            disguised = [c for _, c in comments.rows if truth[c.id].harmful
                         and not c.filtered and plain_form(c.text) is not None]
            if disguised and i > 60 * 20:
                break
        self.point(live.panel.list_rect.center)  # the pointer holds the list still
        trolls = [c for _, c in comments.rows if truth[c.id].harmful and not c.filtered]
        if trolls:
            comments.selected = trolls[0].id
            self.key(pygame.K_b, "b")
        self.frames(1)
        self.save("desktop-live.png")
        self.point((5, 5))
        while not live.finished:  # the rest of the live, a few frames a second
            if round(live.now() / 250) % 40 == 0:
                live.model.talk(live.now(), 5000)
            self.clock.advance(0.25)
            self.app.step()
        self.app.step()
        self.save("desktop-debrief.png")

    def quiz(self) -> None:
        """One question half answered, then the explained result."""
        self.key(pygame.K_k, "k")
        self.key(pygame.K_2, "2")
        self.key(pygame.K_4, "4")
        self.save("desktop-quiz.png")
        quiz = self.app.top
        while getattr(quiz, "result", None) is None:
            for k in (pygame.K_2, pygame.K_4, pygame.K_3):
                self.key(k)
        self.app.step()
        self.save("desktop-quiz-result.png")

    def replay(self, lang: str) -> None:
        """``gladi replay --watch`` of a busy session (the "good" autopilot moderating), at 4×."""
        saved = Path(tempfile.mkdtemp(prefix="gladi-shots-")) / "sesi.json"
        with contextlib.redirect_stdout(io.StringIO()):
            gladi(["simulate", "--scenario", SCENARIO, "--seed", "3", "--autopilot",
                   "good", "--trainee", "Bu Sari", "--out", str(saved), "--no-history"])
        self.app.trainee = "Bu Sari"
        self.app.replace(Playback(loaded=load(saved, lang), speed=4.0))
        self.frames(50, fps=10)
        self.save("desktop-replay.png")


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/img")
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("GLADI_DATA_DIR", tempfile.mkdtemp(prefix="gladi-shots-"))
    lang = argv[1] if len(argv) > 1 else "id"
    shooter = Shooter(out, lang)
    shooter.home()
    shooter.preflight()
    shooter.key(pygame.K_RETURN)
    shooter.live_and_debrief()
    shooter.quiz()
    shooter.replay(lang)
    shooter.app.close()
    large = Shooter(out, lang, large_text=True)
    large.home()
    large.app.replace(Live(scenario_id=SCENARIO))
    large.live_and_debrief()
    large.app.close()
    print(f"{len(SHOTS)} screenshots in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
