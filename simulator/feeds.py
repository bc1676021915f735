"""Camera and microphone off the render thread.

:class:`CameraFeed` opens the camera on its own thread (probing a webcam can
take a second), reads frames, crops the 9:16 portrait the stage shows, mirrors
it *for display only*, and runs the pre-flight checks on the unmirrored frame
(the framing hints assume a non-mirrored picture). Faces come from a
:class:`media.face_worker.FaceWorker`. :class:`MicFeed` reads the microphone
in blocks and keeps a level meter, the voice detector and the microphone
checks. The render loop only reads their latest results, never waits.

``threaded=False`` runs the same work synchronously from :meth:`poll` (tests
drive the app frame by frame this way, without threads or sleeps).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, Self, TypeVar

import cv2
import numpy as np
from numpy.typing import NDArray

from media.audio_levels import rms_dbfs
from media.camera import CameraSource, FallbackCamera, SyntheticCamera, open_camera
from media.face_worker import FaceWorker
from media.faces import FaceBox, HaarFaceDetector
from media.frame import u8
from media.mic_checks import AudioMeter, mic_checks
from media.microphone import MicSource, SyntheticMic, open_microphone
from media.preflight import CameraObservation, camera_checks, observe
from media.results import CheckResult
from media.sources import Notice, SourceError, SourceLost

__all__ = ["CameraFeed", "MicFeed", "portrait_crop"]

#: How often the camera checks run (seconds); the face worker runs at most 5 per second.
CHECK_EVERY_S = 0.5
CHECK_WINDOW = 4

Opener = Callable[[str | None], tuple[CameraSource, list[Notice]]]


def portrait_crop(frame: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], int]:
    """The centre 9:16 crop of a landscape frame, and where it starts (x in pixels)."""
    h, w = frame.shape[:2]
    cw = min(w, round(h * 9 / 16))
    x0 = (w - cw) // 2
    return frame[:, x0:x0 + cw], x0


@dataclass(frozen=True, slots=True)
class CameraView:
    """One display-ready frame: mirrored portrait BGR pixels of ``size``."""

    pixels: NDArray[np.uint8]
    size: tuple[int, int]
    index: int
    #: The biggest face, in fractions of the *displayed* (cropped, mirrored) frame.
    face: FaceBox | None


class _Closable(Protocol):
    def close(self) -> None: ...


S = TypeVar("S", bound=_Closable)


class _Feed(Generic[S]):
    """A device read on its own thread, or inline when ``threaded`` is off (tests)."""

    thread_name = "gladi-feed"

    def __init__(self, threaded: bool) -> None:
        self.threaded = threaded
        self.source: S | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        if self.threaded:
            self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
            self._thread.start()
        else:
            self._open()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=2.0)
        self._close()
        if self.source is not None:
            with contextlib.suppress(Exception):
                self.source.close()

    def _open(self) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        """Release what the feed holds besides its source."""


class CameraFeed(_Feed[CameraSource]):
    """The camera, opened and read away from the render thread."""

    thread_name = "gladi-camera"

    def __init__(self, spec: str | None, *, threaded: bool = True, detect: bool = True,
                 opener: Opener = open_camera, wall: Callable[[], float] = time.monotonic
                 ) -> None:
        super().__init__(threaded)
        self.spec = spec
        self.detect = detect
        self._opener = opener
        self._wall = wall
        self.size = (270, 480)  # display size the stage wants; set by the screen
        self.notices: list[Notice] = []
        self.error: str | None = None  # a SourceError's key when the chosen camera failed
        self.view: CameraView | None = None
        #: The latest picture as the camera gave it (not cropped or mirrored): what a drill
        #: sends to the room (simulator.drill).
        self.frame: NDArray[np.uint8] | None = None
        self.results: list[CheckResult] = []
        self.face_present = True
        self._index = 0
        self._observations: deque[CameraObservation] = deque(maxlen=CHECK_WINDOW)
        self._focus_best: float | None = None
        self._last_check = -1e9
        self._worker: FaceWorker | None = None
        self.opened = False

    # ------------------------------------------------------------ lifecycle

    def _close(self) -> None:
        worker = self._worker
        if worker is not None:
            with contextlib.suppress(Exception):
                worker.stop()

    def _open(self) -> None:
        try:
            self.source, notices = self._opener(self.spec)
            self.notices.extend(notices)
        except SourceError as error:
            # The camera the user named cannot be used: carry on with the test card.
            self.error = error.key
            self.notices.append(Notice.make(error.key, **error.params))
            self.source = SyntheticCamera()
        if self.detect:
            try:
                self._worker = FaceWorker(HaarFaceDetector()).start()
            except Exception:  # no cascades in this OpenCV build: run without face checks
                self._worker = None
        self.opened = True

    def _run(self) -> None:
        self._open()
        source = self.source
        assert source is not None
        period = 1.0 / max(1.0, min(60.0, source.fps))
        while not self._stop.is_set():
            started = self._wall()
            if not self._step():
                return
            # Files and the test card have no pace of their own: keep their frame rate.
            if self.source is not None and not self.source.live:
                rest = period - (self._wall() - started)
                if rest > 0:
                    self._stop.wait(rest)

    def poll(self) -> None:
        """Synchronous mode: read and process one frame now."""
        if not self.threaded and self.opened:
            self._step()

    # ------------------------------------------------------------ work

    @property
    def fell_back(self) -> bool:
        """The camera was lost during the session and the test card took over."""
        return isinstance(self.source, FallbackCamera) and self.source.fell_back

    @property
    def synthetic(self) -> bool:
        source = self.source
        if isinstance(source, FallbackCamera):
            source = source.current
        return isinstance(source, SyntheticCamera)

    def all_notices(self) -> list[Notice]:
        extra = self.source.notices if isinstance(self.source, FallbackCamera) else []
        return [*self.notices, *extra]

    def _step(self) -> bool:
        source = self.source
        if source is None:
            return False
        try:
            frame = source.read()
        except SourceLost:
            # Even the fall-back failed (or a file ended): switch to the test card.
            self.notices.append(Notice.make("camera_lost"))
            self.source = SyntheticCamera()
            return True
        except Exception:  # a driver error must not end the rehearsal
            self.notices.append(Notice.make("camera_lost"))
            self.source = SyntheticCamera()
            return True
        self._index += 1
        self.frame = frame
        crop, x0 = portrait_crop(frame)
        w, h = self.size
        shown = cv2.resize(crop, (w, h), interpolation=cv2.INTER_AREA if w < crop.shape[1]
                           else cv2.INTER_LINEAR)
        shown = u8(np.ascontiguousarray(cv2.flip(shown, 1)))
        worker = self._worker
        faces: list[FaceBox] = []
        if worker is not None:
            worker.submit(frame, self._index)
            with contextlib.suppress(RuntimeError):
                latest = worker.latest()
                if latest is not None:
                    faces = list(latest.faces)
        face = None
        if faces:
            fh, fw = frame.shape[:2]
            cw = crop.shape[1]
            f = faces[0]
            left = (f.x * fw - x0) / cw
            face = FaceBox(1.0 - left - f.w * fw / cw, f.y, f.w * fw / cw, f.h)
        self.view = CameraView(shown, (w, h), self._index, face)
        now = self._wall()
        if now - self._last_check >= CHECK_EVERY_S:
            self._last_check = now
            self._check(frame, faces)
        return True

    def _check(self, frame: NDArray[np.uint8], faces: list[FaceBox]) -> None:
        obs = observe(frame, faces)
        self._observations.append(obs)
        if obs.faces and not np.isnan(obs.sharpness):
            self._focus_best = max(self._focus_best or 0.0, obs.sharpness)
        results = camera_checks(list(self._observations), self._focus_best)
        if self._worker is None:
            # Without a detector the face checks mean nothing: leave them out.
            results = [r for r in results if r.name in ("brightness", "highlights")]
        self.results = results
        self.face_present = self._worker is None or bool(faces)


class MicFeed(_Feed[MicSource]):
    """The microphone: level, voice and checks, read in blocks on a thread."""

    thread_name = "gladi-mic"

    def __init__(self, spec: str | None, *, threaded: bool = True,
                 wall: Callable[[], float] = time.monotonic) -> None:
        super().__init__(threaded)
        self.spec = spec
        self._wall = wall
        self.notices: list[Notice] = []
        self.level_db = -90.0
        self.speaking = False
        self.results: list[CheckResult] = []
        #: Called with every block read and its sample rate (a drill sends the voice on).
        self.listeners: list[Callable[[NDArray[np.float32], int], None]] = []
        self._meter: AudioMeter | None = None
        self._last_check = -1e9
        self._last_voice = -1e9

    @property
    def live(self) -> bool:
        """A real microphone (its voice counts as the host talking)."""
        return self.source is not None and self.source.live

    def _open(self) -> None:
        try:
            self.source, notices = open_microphone(self.spec)
            self.notices.extend(notices)
        except SourceError as error:
            self.notices.append(Notice.make(error.key, **error.params))
            self.source = SyntheticMic()
        self._meter = AudioMeter(self.source.sample_rate, seconds=6.0)

    def _run(self) -> None:
        self._open()
        while not self._stop.is_set():
            started = self._wall()
            if not self._step():
                return
            if self.source is not None and not self.source.live:
                rest = 0.05 - (self._wall() - started)
                if rest > 0:
                    self._stop.wait(rest)

    def poll(self) -> None:
        if not self.threaded and self.source is not None:
            self._step()

    def _step(self) -> bool:
        source, meter = self.source, self._meter
        if source is None or meter is None:
            return False
        try:
            block = source.read(max(1, source.sample_rate // 20))
        except Exception:
            self.notices.append(Notice.make("mic_lost"))
            return False
        if block.size == 0:  # a WAV file ended: start it again
            if hasattr(source, "_position"):
                source._position = 0
            return True
        for listen in self.listeners:
            listen(block, source.sample_rate)
        new = meter.feed(block)
        self.level_db = float(rms_dbfs(block))
        now = self._wall()
        if new:
            window = meter.window()
            if bool(window.speech[-new:].any()):
                self._last_voice = now
        self.speaking = now - self._last_voice < 0.4
        if now - self._last_check >= 1.0:
            self._last_check = now
            self.results = mic_checks(meter.window(), previous=self.results)
        return True
