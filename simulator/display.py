"""Is there a screen to open a window on? Decided without importing pygame."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

__all__ = ["has_display"]


def has_display(env: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """True when a window can be opened.

    On Linux and other X11/Wayland systems that means ``DISPLAY`` or
    ``WAYLAND_DISPLAY`` is set, or SDL was told to draw off-screen
    (``SDL_VIDEODRIVER=dummy``, used by tests and the benchmark). Windows and
    macOS always have a desktop; a failure there is caught when the window opens.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if platform.startswith(("win", "darwin")):
        return True
    if env.get("SDL_VIDEODRIVER", "").lower() in ("dummy", "offscreen"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
