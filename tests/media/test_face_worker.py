"""The tracker's scan cadence and the worker thread's hand-over (no sleeps)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from media.face_worker import FaceTracker, FaceWorker
from media.faces import FaceBox, FaceDetector, HaarFaceDetector

from .conftest import photo

FACE = FaceBox(0.4, 0.3, 0.2, 0.3)


class CountingDetector(FaceDetector):
    """Records how it was called; finds a face unless told the frame is empty."""

    def __init__(self) -> None:
        self.calls: list[FaceBox | None] = []
        self.gate: threading.Event | None = None

    def detect(self, frame: np.ndarray, near: FaceBox | None = None) -> list[FaceBox]:
        if self.gate is not None:
            self.gate.wait()
        self.calls.append(near)
        return [] if frame.sum() == 0 else [FACE]


def frame(face: bool = True) -> np.ndarray:
    return np.ones((4, 4), np.uint8) if face else np.zeros((4, 4), np.uint8)


def test_tracker_searches_near_and_rescans_every_n() -> None:
    detector = CountingDetector()
    tracker = FaceTracker(detector, full_scan_every=3)
    fulls = [tracker.step(frame())[1] for _ in range(7)]
    assert fulls == [True, False, False, True, False, False, True]
    assert detector.calls == [None, FACE, FACE, None, FACE, FACE, None]


def test_tracker_rescans_after_losing_the_face() -> None:
    detector = CountingDetector()
    tracker = FaceTracker(detector, full_scan_every=10)
    tracker.step(frame())
    faces, _ = tracker.step(frame(face=False))
    assert faces == []
    _, full = tracker.step(frame())
    assert full


def test_tracker_with_the_real_detector() -> None:
    tracker = FaceTracker(HaarFaceDetector(), full_scan_every=4)
    for _ in range(4):
        faces, _ = tracker.step(photo("astronaut_good"))
        assert len(faces) == 1


def test_worker_answers_the_latest_frame() -> None:
    detector = CountingDetector()
    with FaceWorker(detector, min_interval=0.0) as worker:
        assert worker.latest() is None
        worker.submit(frame(), 1)
        result = worker.wait_for(1, timeout=10)
        assert result is not None and result.frame_index == 1 and result.faces == (FACE,)
        worker.submit(frame(face=False), 2)
        result = worker.wait_for(2, timeout=10)
        assert result is not None and result.faces == ()


def test_submit_never_waits_for_detection_and_drops_stale_frames() -> None:
    detector = CountingDetector()
    detector.gate = threading.Event()  # detection blocks until we open the gate
    with FaceWorker(detector, min_interval=0.0) as worker:
        worker.submit(frame(), 1)
        for index in range(2, 50):  # the render loop keeps going meanwhile
            worker.submit(frame(), index)
        detector.gate.set()
        result = worker.wait_for(49, timeout=10)
        assert result is not None and result.frame_index == 49
    # Frame 1 may have started before the rest arrived; 2..48 were dropped.
    assert len(detector.calls) <= 2


class WatchedClock:
    """A clock that stands still where the test puts it and counts who asked it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.asked = 0
        self.changed = threading.Condition()

    def __call__(self) -> float:
        with self.changed:
            self.asked += 1
            self.changed.notify_all()
            return self.now


class TellingDetector(CountingDetector):
    """A :class:`CountingDetector` that wakes whoever waits on ``changed`` after each call."""

    def __init__(self, changed: threading.Condition) -> None:
        super().__init__()
        self.changed = changed

    def detect(self, frame: np.ndarray, near: FaceBox | None = None) -> list[FaceBox]:
        found = super().detect(frame, near)
        with self.changed:
            self.changed.notify_all()
        return found


def test_rate_cap_uses_the_injected_clock() -> None:
    clock = WatchedClock()
    detector = TellingDetector(clock.changed)
    with FaceWorker(detector, min_interval=0.25, clock=clock) as worker:
        worker.submit(frame(), 1)
        assert worker.wait_for(1, timeout=10) is not None
        with clock.changed:
            before = clock.asked
        worker.submit(frame(), 2)
        # The clock stands still at 0.0 < 0.25. A worker that keeps the cap asks it again
        # after each real-time wait and never starts frame 2; one that does not detects
        # frame 2 after at most two questions (the cap's and the next start's). Waiting
        # for a third question, or a detection, decides between them without a race.
        with clock.changed:
            assert clock.changed.wait_for(
                lambda: len(detector.calls) > 1 or clock.asked >= before + 3, timeout=10)
        assert len(detector.calls) == 1
        latest = worker.latest()
        assert latest is not None and latest.frame_index == 1
        with clock.changed:
            clock.now = 1.0
        worker.submit(frame(), 2)  # wakes the worker, which asks the clock again
        result = worker.wait_for(2, timeout=10)
        assert result is not None and result.frame_index == 2


def test_detector_errors_reach_the_caller() -> None:
    class Broken(FaceDetector):
        def detect(self, frame: np.ndarray, near: FaceBox | None = None) -> list[FaceBox]:
            raise ValueError("bad frame")

    with FaceWorker(Broken(), min_interval=0.0) as worker:
        worker.submit(frame(), 1)
        with pytest.raises(RuntimeError):
            worker.wait_for(1, timeout=10)


def test_tracker_keeps_counting_other_faces_between_full_scans(detector: HaarFaceDetector) -> None:
    tracker = FaceTracker(detector, full_scan_every=3)
    counts = [len(tracker.step(photo("two_people"))[0]) for _ in range(4)]
    assert counts == [2, 2, 2, 2]
