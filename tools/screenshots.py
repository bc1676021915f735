"""Take the screenshots in docs/img: ``python -m simulator.screenshots docs/img``.

Drives the app with a fake clock (like the tests) through home, pre-flight,
a live with a troll selected and the mute menu open, and the debrief. Run it
under a real or virtual display (``Xvfb :99 & DISPLAY=:99 SDL_VIDEODRIVER=x11``)
or headless with ``SDL_VIDEODRIVER=dummy``; the pictures are the same.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/img")
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    os.environ.setdefault("GLADI_DATA_DIR", tempfile.mkdtemp(prefix="gladi-shots-"))
    lang = argv[1] if len(argv) > 1 else "id"
    import pygame

    from simulator.app import App, Options
    from simulator.clock import FakeClock
    from simulator.screens.live import LiveScreen

    clock = FakeClock()
    app = App(Options(camera="synthetic", mic="synthetic", threaded_media=False,
                      detect_faces=True, seed=3, trainee="Bu Sari", lang=lang), wall=clock)

    def frames(seconds: float, fps: int = 20) -> None:
        for _ in range(round(seconds * fps)):
            clock.advance(1 / fps)
            app.step()

    def key(k: int, text: str = "") -> None:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=text))
        app.step()

    app.start()
    app.step()
    key(pygame.K_DOWN)
    app.step()
    pygame.image.save(app.surface, out / "desktop-home.png")
    key(pygame.K_RETURN)
    for _ in range(60):  # the face detector runs on its own thread: give it real time
        clock.advance(0.1)
        app.step()
        time.sleep(0.03)
    key(pygame.K_3, "3")
    key(pygame.K_2, "2")
    pygame.image.save(app.surface, out / "desktop-preflight.png")
    key(pygame.K_RETURN)
    live = app.top
    assert isinstance(live, LiveScreen)
    truth = live.model.session.truth
    for i in range(240 * 20):
        if i % 100 == 0:
            live.model.talk(live.now(), 5000)
        clock.advance(0.05)
        app.step()
        trolls = [c for _, c in live.panel.rows if truth[c.id].harmful]
        if trolls and i > 60 * 20:
            live.panel.selected = trolls[-1].id
            break
    key(pygame.K_m, "m")
    frames(0.1)
    pygame.image.save(app.surface, out / "desktop-live.png")
    key(pygame.K_2, "2")
    frames(20)
    key(pygame.K_F10)
    app.step()
    pygame.image.save(app.surface, out / "desktop-debrief.png")
    # The short quiz: one question half answered, then the explained result.
    key(pygame.K_k, "k")
    key(pygame.K_2, "2")
    key(pygame.K_4, "4")
    pygame.image.save(app.surface, out / "desktop-quiz.png")
    quiz = app.top
    while getattr(quiz, "result", None) is None:
        for k in (pygame.K_2, pygame.K_4, pygame.K_3):
            key(k)
    app.step()
    pygame.image.save(app.surface, out / "desktop-quiz-result.png")
    # `gladi replay --watch` of a busy session (the "good" autopilot moderating), at 4×.
    import contextlib
    import io

    from debrief.session import load
    from gladi.cli import main as gladi
    from simulator.screens.playback import PlaybackScreen

    saved = Path(tempfile.mkdtemp(prefix="gladi-shots-")) / "sesi.json"
    with contextlib.redirect_stdout(io.StringIO()):
        gladi(["simulate", "--scenario", "serbuan-troll", "--seed", "3", "--autopilot", "good",
               "--trainee", "Bu Sari", "--out", str(saved), "--no-history"])
    app.trainee = "Bu Sari"
    app.replace(PlaybackScreen(app, load(saved, lang), 4.0))
    frames(50, fps=10)
    pygame.image.save(app.surface, out / "desktop-replay.png")
    app.close()
    print(f"7 screenshots in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
