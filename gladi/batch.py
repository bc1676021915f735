"""Helpers for running whole sessions in one go (``gladi simulate``, benchmarks)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a session is played.

    A simulated hour keeps hundreds of thousands of small event objects alive
    until the end, and the collector would walk all of them again and again
    (it cost about 45% of the run time in the engine benchmark). The events
    form no reference cycles, so reference counting frees them all the same;
    the collector is switched back on, and run once, when the batch is done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
