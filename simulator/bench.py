"""``gladi rehearse --bench SECONDS``: the live screen's frame time, headless.

The live screen runs under SDL's dummy video driver at 1280×720 with the
synthetic camera (on its thread, as in the app) and a scenario whose chat
runs at about 50 comments a second, driven by the wall clock exactly as in a
rehearsal; the host "talks" every few seconds. A baseline in the same run
blits the camera frame and flips, nothing else. Prints p50 and p99 frame
time and the frame rate of both.
"""

from __future__ import annotations

import os
import statistics
import time

import pygame

import simulator.screens  # noqa: F401  (registers the screens the app builds by name)
from i18n import translate
from moderation.setup import SessionSetup, load_setup
from scenarios.taxonomy import Category
from simulator.app import App, Options
from simulator.model import LiveModel
from simulator.routes import Live
from simulator.screens.live import LiveScreen

__all__ = ["bench_scenario", "run_bench"]

SIZE = (1280, 720)
#: Chat rates (comments per second at the peak audience), summing to ~50.
RATES = {"greeting": 18.0, "question": 10.0, "chitchat": 14.0, "praise": 7.0, "offtopic": 4.0,
         "hoax": 1.5, "sara": 1.0, "judol": 1.5, "spam": 1.0}


def bench_scenario(ref: str | None = None) -> SessionSetup:
    """A scenario (default ``serbuan-troll``) reshaped to a steady ~50 comments a second."""
    setup = load_setup(ref or "serbuan-troll")
    scenario, content, economy = setup.scenario, setup.content, setup.economy
    rates = {Category(k): v for k, v in RATES.items() if content.has(Category(k))}
    phase = scenario.phases[0].model_copy(update={"rates": rates, "start_s": 0, "gifts": 1.0})
    audience = scenario.audience.model_copy(update={"start_viewers": 400, "peak_viewers": 400,
                                                    "ramp_s": 0})
    scenario = scenario.model_copy(update={"phases": (phase,), "injects": (),
                                           "audience": audience, "duration_s": 3600})
    return SessionSetup(scenario, content, economy)


def _stats(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000
    fps = len(times) / sum(times) if times else 0.0
    return p50, p99, fps


def run_bench(seconds: float, scenario_ref: str | None = None, lang: str = "id") -> int:
    # Headless by default; SDL_VIDEODRIVER=x11 (e.g. under Xvfb) measures a real window.
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    setup = bench_scenario(scenario_ref)
    app = App(Options(camera="synthetic", use_mic=False, size=SIZE, save=False,
                      detect_faces=True, trainee="Bench"))
    app.ensure_media()
    camera = app.camera
    assert camera is not None
    model = LiveModel(setup.start(1))
    live = app.replace(Live(scenario_id=setup.scenario.id, model=model))
    assert isinstance(live, LiveScreen)
    # Wait for the first camera frame so the baseline and the live screen both draw one.
    deadline = time.monotonic() + 5
    while camera.view is None and time.monotonic() < deadline:
        time.sleep(0.01)
    times: list[float] = []
    start = time.perf_counter()
    last = start
    next_talk = 0
    while last - start < seconds:
        app.step()
        now_ms = live.clock.ms()
        if now_ms >= next_talk:
            model.talk(max(now_ms, model.now), 4000)
            next_talk = now_ms + 4000
        now = time.perf_counter()
        times.append(now - last)
        last = now
    comments = model.posted / max(1e-9, model.now / 1000)
    p50, p99, fps = _stats(times)
    print(translate("desktop.bench_result", lang, width=SIZE[0], height=SIZE[1],
                    seconds=f"{seconds:g}", comments=comments, p50=p50, p99=p99, fps=fps,
                    frames=len(times)))
    # Baseline: the camera frame blitted and flipped, nothing else.
    surface = app.surface
    base: list[float] = []
    last = time.perf_counter()
    for _ in range(min(len(times), 2000)):
        view = camera.view
        if view is not None:
            frame = pygame.image.frombuffer(view.pixels.data, view.size, "BGR")
            surface.blit(frame, live.stage)
        pygame.event.pump()
        pygame.display.flip()
        now = time.perf_counter()
        base.append(now - last)
        last = now
    b50, b99, bfps = _stats(base)
    print(translate("desktop.bench_baseline", lang, p50=b50, p99=b99, fps=bfps,
                    ratio=p50 / b50 if b50 > 0 else float("inf")))
    app.close()
    return 0
