"""Simulated time for a live rehearsal, read from the wall clock by the app layer.

The engine never reads a clock (docs/engine.md). The app asks :class:`LiveClock`
for "milliseconds of the live so far": wall-clock time since the start minus
the time spent paused. The wall clock itself is injected, so tests drive the
app with a fake clock and never sleep.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["FakeClock", "LiveClock", "WallClock"]

WallClock = Callable[[], float]


class FakeClock:
    """A clock for tests: time moves only when told to."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class LiveClock:
    """Milliseconds of live time: wall time since :meth:`start`, minus pauses."""

    def __init__(self, wall: WallClock = time.monotonic) -> None:
        self._wall = wall
        self._start: float | None = None
        self._paused_at: float | None = None
        self._paused_total = 0.0

    def start(self) -> None:
        self._start = self._wall()
        self._paused_at = None
        self._paused_total = 0.0

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    def pause(self) -> None:
        if self._paused_at is None:
            self._paused_at = self._wall()

    def resume(self) -> None:
        if self._paused_at is not None:
            self._paused_total += self._wall() - self._paused_at
            self._paused_at = None

    def ms(self) -> int:
        """Live time in whole milliseconds (0 before the start; frozen while paused)."""
        if self._start is None:
            return 0
        now = self._paused_at if self._paused_at is not None else self._wall()
        return max(0, int((now - self._start - self._paused_total) * 1000))
