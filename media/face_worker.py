"""Run the face detector off the render loop, at a few detections a second.

A full Haar scan of a 320×240 copy costs about 20-30 ms on the 2-core dev
machine (docs/benchmarks.md), too much for every frame of a 30 fps loop but
plenty at 4-5 times a second. :class:`FaceTracker` makes most detections cheap
by searching near the last face first, with a full scan every
``full_scan_every`` detections (to notice a second face) and whenever the face
is lost. :class:`FaceWorker` runs a tracker on its own thread: the render loop
hands it the latest frame with :meth:`FaceWorker.submit`, which never blocks,
and reads the newest answer with :meth:`FaceWorker.latest`. OpenCV releases
the GIL while it detects, so the render loop keeps running.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .faces import FaceBox, FaceDetector

__all__ = ["FaceResult", "FaceTracker", "FaceWorker"]


@dataclass(frozen=True, slots=True)
class FaceResult:
    """Faces found in frame ``frame_index`` (the index the caller submitted)."""

    faces: tuple[FaceBox, ...]
    frame_index: int
    full_scan: bool


class FaceTracker:
    """Detect faces frame after frame, searching near the last face when it can."""

    def __init__(self, detector: FaceDetector, *, full_scan_every: int = 5) -> None:
        self.detector = detector
        self.full_scan_every = max(1, full_scan_every)
        self._last: FaceBox | None = None
        self._others: list[FaceBox] = []
        self._since_full = 0

    def step(self, frame: NDArray[np.generic]) -> tuple[list[FaceBox], bool]:
        """Faces in ``frame`` (biggest first) and whether this was a full scan.

        A near-search only looks around the tracked face, so between full scans
        the other faces of the last full scan are reported as they were: the
        face *count* is at most ``full_scan_every`` detections old.
        """
        full = self._last is None or self._since_full + 1 >= self.full_scan_every
        near = None if full else self._last
        faces = self.detector.detect(frame, near=near)
        # A near-search that found nothing falls back to a full scan inside
        # detect(), so a lost face is noticed at once.
        if full or not faces:
            self._others = faces[1:]
            self._since_full = 0
        else:
            faces = [faces[0], *self._others]
            self._since_full += 1
        self._last = faces[0] if faces else None
        return faces, full


class FaceWorker:
    """A daemon thread that runs a :class:`FaceTracker` on the latest submitted frame.

    ``min_interval`` (seconds) caps the rate: 0.2 s gives at most 5 detections
    a second. ``clock`` is injectable for tests.
    """

    def __init__(
        self,
        detector: FaceDetector,
        *,
        min_interval: float = 0.2,
        full_scan_every: int = 5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._tracker = FaceTracker(detector, full_scan_every=full_scan_every)
        self._min_interval = min_interval
        self._clock = clock
        self._cond = threading.Condition()
        self._pending: tuple[NDArray[np.generic], int] | None = None
        self._latest: FaceResult | None = None
        self._error: BaseException | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="gladi-faces", daemon=True)

    def start(self) -> FaceWorker:
        self._thread.start()
        return self

    def __enter__(self) -> FaceWorker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Ask the thread to end and wait for it."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join()

    def submit(self, frame: NDArray[np.generic], frame_index: int) -> None:
        """Offer a frame; an older frame not yet started is dropped. Never blocks on detection.

        The worker keeps a reference: do not write into ``frame`` afterwards.
        """
        with self._cond:
            self._pending = (frame, frame_index)
            self._cond.notify_all()

    def latest(self) -> FaceResult | None:
        """The newest result, or ``None`` before the first detection finishes."""
        with self._cond:
            if self._error is not None:
                raise RuntimeError("face detection failed") from self._error
            return self._latest

    def wait_for(self, frame_index: int, timeout: float | None = None) -> FaceResult | None:
        """Block until a result for ``frame_index`` or later exists (for callers that must wait)."""
        with self._cond:
            self._cond.wait_for(
                lambda: (
                    self._error is not None
                    or self._stopping
                    or (self._latest is not None and self._latest.frame_index >= frame_index)
                ),
                timeout,
            )
            if self._error is not None:
                raise RuntimeError("face detection failed") from self._error
            return self._latest

    def _run(self) -> None:
        next_start = self._clock()
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._stopping or self._pending is not None)
                if self._stopping:
                    return
                # Rate cap: wait out the rest of the interval. The clock is asked
                # again after every wake-up (stop() and submit() wake us too).
                while not self._stopping and (delay := next_start - self._clock()) > 0:
                    self._cond.wait(delay)
                if self._stopping:
                    return
                assert self._pending is not None
                frame, index = self._pending
                self._pending = None
            next_start = self._clock() + self._min_interval
            try:
                faces, full = self._tracker.step(frame)
            except BaseException as error:  # surfaced to the caller by latest()
                with self._cond:
                    self._error = error
                    self._cond.notify_all()
                return
            with self._cond:
                self._latest = FaceResult(tuple(faces), index, full)
                self._cond.notify_all()
