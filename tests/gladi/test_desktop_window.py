"""The desktop app in a real X server: ``gladi rehearse`` opens its window in Xvfb and a
person's keys (xdotool, through the XTEST extension) take it home → pre-flight → live →
debrief. Every other desktop test draws with SDL's dummy driver; this one reads the
X server's own screen (Xvfb writes it to a file: ``-fbdir``) and the session file the app
saves when the live ends.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from moderation.sessionfile import check_replay, parse, replay
from scenarios import load_content
from tests.realparts import XDOTOOL, XVFB, needs

pytestmark = [needs(XVFB, "xvfb"), needs(XDOTOOL, "xdotool")]

ROOT = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 1366, 768
#: A new screen redraws far more than this share of the pixels; the live and pre-flight
#: screens' own motion (camera, meters, comments) about 2 % between two looks.
NEW_SCREEN = 0.25
#: How long a step may take on a busy two-core machine before the test gives up.
PATIENCE_S = 90.0

Screen = NDArray[np.uint8]


def screenshot(framebuffer: Path) -> Screen:
    """The X screen as rows × columns × (blue, green, red): Xvfb's XWD file (X11/XWDFile.h)."""
    data = framebuffer.read_bytes()
    header = np.frombuffer(data[:100], ">u4")
    size, bits, row_bytes, colours = int(header[0]), int(header[11]), int(header[12]), \
        int(header[19])
    assert bits == 32, bits
    pixels = np.frombuffer(data, np.uint8, offset=size + 12 * colours,
                           count=row_bytes * HEIGHT).reshape(HEIGHT, row_bytes)
    return pixels[:, :WIDTH * 4].reshape(HEIGHT, WIDTH, 4)[:, :, :3].copy()


def changed(a: Screen, b: Screen) -> float:
    """The share of pixels that differ between two screenshots."""
    return float((a != b).any(axis=2).mean())


def wait_until(what: str, condition: Callable[[], bool]) -> None:
    """Look again until ``condition`` holds (the app draws at its own pace)."""
    deadline = time.monotonic() + PATIENCE_S
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def xserver(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Xvfb on a display it picks itself; yields the display and its screen file."""
    fbdir = tmp_path / "fb"
    fbdir.mkdir()
    read, write = os.pipe()
    server = subprocess.Popen(
        [str(XVFB), "-displayfd", str(write), "-screen", "0", f"{WIDTH}x{HEIGHT}x24",
         "-fbdir", str(fbdir), "-nolisten", "tcp"], pass_fds=(write,))
    os.close(write)
    try:
        with os.fdopen(read) as ready:  # Xvfb writes the display number once it serves
            display = ready.readline().strip()
        assert display, "Xvfb did not start"
        yield f":{display}", fbdir / "Xvfb_screen0"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_home_preflight_live_debrief_with_real_keys(xserver: tuple[str, Path],
                                                    tmp_path: Path) -> None:
    display, framebuffer = xserver
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SDL_")}
    env.update(DISPLAY=display, GLADI_DATA_DIR=str(data), PYGAME_HIDE_SUPPORT_PROMPT="1")
    env.pop("GLADI_LANG", None)

    def xdotool(*args: str) -> str:
        done = subprocess.run([str(XDOTOOL), *args], env=env, capture_output=True, text=True,
                              timeout=PATIENCE_S)
        assert done.returncode == 0, done.stderr
        return done.stdout

    app = subprocess.Popen(
        [sys.executable, "-m", "gladi", "--lang", "en", "rehearse", "--seed", "4", "--camera",
         "synthetic", "--mic", "synthetic", "--trainee", "Sari"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        window = xdotool("search", "--sync", "--pid", str(app.pid)).split()[0]
        xdotool("windowfocus", "--sync", window)
        blank = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
        wait_until("the home screen", lambda: changed(blank, screenshot(framebuffer)) > 0.5)
        screens = {"home": screenshot(framebuffer)}

        def press(key: str, name: str, before: str) -> None:
            xdotool("key", key)
            wait_until(name, lambda: changed(screens[before], screenshot(framebuffer))
                       > NEW_SCREEN)
            screens[name] = screenshot(framebuffer)

        press("Return", "preflight", "home")  # home: Enter starts the pre-flight check
        press("Return", "live", "preflight")  # pre-flight: Enter goes live
        xdotool("key", "F10")  # live: F10 asks "end the live now?" ...
        press("Return", "debrief", "live")  # ... and Enter ends it: the debrief
        sessions = data / "sessions"
        wait_until("the saved session", lambda: any(sessions.glob("*.json")))
        looks = [screenshot(framebuffer)]

        def holds_still() -> bool:
            looks.append(screenshot(framebuffer))
            return changed(looks[-2], looks[-1]) == 0.0

        wait_until("a debrief that holds still", holds_still)  # unlike the live, it is done
        xdotool("key", "Escape")  # debrief: Esc goes home
        wait_until("the home screen again",
                   lambda: changed(screens["debrief"], screenshot(framebuffer)) > NEW_SCREEN)
    finally:
        app.terminate()
        output, _ = app.communicate(timeout=30)
    assert "Traceback" not in output, output

    names = list(screens)
    for i, a in enumerate(names):  # four different screens, not one redrawn
        for b in names[i + 1:]:
            assert changed(screens[a], screens[b]) > NEW_SCREEN, (a, b)
    [saved] = sessions.glob("*.json")
    record = parse(saved.read_text(encoding="utf-8"))
    assert record.seed == 4
    assert record.meta["trainee"] == "Sari" and record.meta["app"] == "desktop"
    assert 0 < record.end_t < record.scenario.duration_s * 1000  # ended early, by the keys
    assert check_replay(record, replay(record, load_content(record.scenario))) is None
