"""Live coaching: the pre-flight checks of :mod:`media`, run on what the host sends.

The trainer cannot stand behind every host, so the server watches the host's
picture and listens to the voice with the same checks as ``gladi check`` and
the desktop pre-flight (light on the face, backlight, framing, focus, colour;
level, clipping, noise, voice above noise, speech) and turns them into timed
warnings: *1:42 the face is too dark*, and when it is fixed, *cleared*.

The picture judged is the one the seats see (the relay's portrait crop), a
few times a second; the voice is every received sample, at 16 kHz. One odd
frame must not raise a warning, so each check is judged over a short window
(:func:`media.preflight.camera_checks` takes medians) and a warning is raised
only when it has lasted ``confirm_ms`` and cleared only after ``clear_ms`` of
good results. Warnings are codes and parameters (the ``check`` catalogue's
keys, rendered by :mod:`media.text`); the room time is passed in.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from av.audio.frame import AudioFrame
from av.audio.resampler import AudioResampler
from av.video.frame import VideoFrame

from media.face_worker import FaceTracker
from media.faces import FaceDetector
from media.mic_checks import AudioMeter, mic_checks
from media.preflight import CameraObservation, camera_checks, observe
from media.results import CheckResult, Level, Param
from media.voice import FRAME_SECONDS

__all__ = ["Change", "CoachSettings", "CoachingChange", "CoachingWarning", "LiveCoach"]

#: The sample rate the voice checks run at (media.voice works at any rate >= 8 kHz).
LISTEN_RATE = 16_000
#: Checks that mean something without a face detector (as in the desktop's live screen).
WITHOUT_FACES = frozenset({"brightness", "highlights"})


class Change(StrEnum):
    """What happened to a warning."""

    RAISED = "raised"
    CLEARED = "cleared"


@dataclass(frozen=True, slots=True)
class CoachSettings:
    """How often and how patiently the coach judges. Defaults suit a live drill."""

    #: Seconds between two looks at the picture.
    look_every_s: float = 0.5
    #: Looks judged together (their medians).
    window: int = 4
    #: Milliseconds between two judgements.
    judge_every_ms: int = 1000
    #: A problem is shown after it has lasted this long…
    confirm_ms: int = 2000
    #: …and cleared after this long without it.
    clear_ms: int = 2000
    #: Seconds of voice the microphone checks judge…
    listen_s: float = 6.0
    #: …once they have this much (the noise floor needs pauses between words).
    min_listen_s: float = 2.0


@dataclass(frozen=True, slots=True)
class CoachingWarning:
    """A problem the host should fix: the check's code, its message key and parameters."""

    check: str
    level: Level
    hint_key: str
    params: tuple[tuple[str, Param], ...]
    #: Room time (ms) at which the problem began.
    since_ms: int

    @classmethod
    def of(cls, result: CheckResult, since_ms: int) -> CoachingWarning:
        return cls(result.name, result.level, result.hint_key, result.params, since_ms)


@dataclass(frozen=True, slots=True)
class CoachingChange:
    """A warning raised or cleared at room time ``t_ms``."""

    t_ms: int
    change: Change
    warning: CoachingWarning


@dataclass(slots=True)
class _Track:
    """One check's recent history: since when it has been bad, or good."""

    bad: CheckResult | None = None
    bad_since: int | None = None
    good_since: int | None = None


@dataclass(slots=True)
class _Judgement:
    tracks: dict[str, _Track] = field(default_factory=dict)
    active: dict[str, CoachingWarning] = field(default_factory=dict)


class LiveCoach:
    """Turns received frames and audio into raised and cleared warnings.

    :meth:`measure` is the expensive part (face detection, about 20 ms) and is
    meant for a worker thread, one at a time; everything else runs on the event
    loop. Nothing here reads a clock.
    """

    def __init__(self, detector: FaceDetector | None = None,
                 settings: CoachSettings = CoachSettings()) -> None:
        self.settings = settings
        self._tracker = FaceTracker(detector) if detector is not None else None
        self._looks: deque[CameraObservation] = deque(maxlen=max(1, settings.window))
        self._focus_best: float | None = None
        self._meter = AudioMeter(LISTEN_RATE, seconds=settings.listen_s)
        self._resampler = AudioResampler(format="flt", layout="mono", rate=LISTEN_RATE)
        self._heard = 0
        self._judgement = _Judgement()

    # ------------------------------------------------------------ input

    def measure(self, picture: VideoFrame) -> CameraObservation:
        """Measure one picture (for a worker thread; one call at a time)."""
        bgr = picture.to_ndarray(format="bgr24")
        faces = self._tracker.step(bgr)[0] if self._tracker is not None else []
        return observe(bgr, faces)

    def look(self, observation: CameraObservation) -> None:
        """Add a measured picture to the window."""
        self._looks.append(observation)
        if observation.faces and not np.isnan(observation.sharpness):
            self._focus_best = max(self._focus_best or 0.0, observation.sharpness)

    def listen(self, frame: AudioFrame) -> None:
        """Add received audio (any format and rate)."""
        for chunk in self._resampler.resample(frame):
            samples = chunk.to_ndarray().reshape(-1).astype(np.float32, copy=False)
            self._heard += self._meter.feed(samples)

    def reset(self) -> None:
        """Forget everything (a new host connection); active warnings are dropped too."""
        self._looks.clear()
        self._focus_best = None
        self._meter.reset()
        self._heard = 0
        self._judgement = _Judgement()

    # ------------------------------------------------------------ judging

    def results(self) -> list[CheckResult]:
        """The checks as they stand now (camera, then microphone)."""
        out: list[CheckResult] = []
        if self._looks:
            camera = camera_checks(list(self._looks), self._focus_best)
            if self._tracker is None:
                camera = [r for r in camera if r.name in WITHOUT_FACES]
            out.extend(camera)
        if self._heard * FRAME_SECONDS >= self.settings.min_listen_s:
            out.extend(mic_checks(self._meter.window()))
        return out

    def judge(self, t_ms: int) -> list[CoachingChange]:
        """Judge the checks at room time ``t_ms``; the warnings raised and cleared."""
        changes: list[CoachingChange] = []
        for result in self.results():
            changes.extend(self._follow(result, t_ms))
        return changes

    def _follow(self, result: CheckResult, t_ms: int) -> list[CoachingChange]:
        settings, judgement = self.settings, self._judgement
        track = judgement.tracks.setdefault(result.name, _Track())
        active = judgement.active.get(result.name)
        if result.level is Level.SKIP:
            return []  # not measured: neither a problem nor a fix
        if result.level is Level.OK:
            track.bad, track.bad_since = None, None
            if track.good_since is None:
                track.good_since = t_ms
            if active is not None and t_ms - track.good_since >= settings.clear_ms:
                del judgement.active[result.name]
                return [CoachingChange(t_ms, Change.CLEARED, active)]
            return []
        track.good_since = None
        if track.bad is None or track.bad.hint_key != result.hint_key:
            track.bad, track.bad_since = result, t_ms
        track.bad = result
        assert track.bad_since is not None
        if active is not None and active.hint_key == result.hint_key:
            return []
        if t_ms - track.bad_since < settings.confirm_ms:
            return []
        warning = CoachingWarning.of(result, track.bad_since)
        judgement.active[result.name] = warning
        out = [] if active is None else [CoachingChange(t_ms, Change.CLEARED, active)]
        return [*out, CoachingChange(t_ms, Change.RAISED, warning)]

    @property
    def active(self) -> tuple[CoachingWarning, ...]:
        """The warnings in force, oldest first."""
        return tuple(sorted(self._judgement.active.values(), key=lambda w: w.since_ms))

    @property
    def speaking(self) -> bool:
        """Was the last 200 ms of voice speech (for the judge's dead air)?"""
        window = self._meter.window()
        return bool(window.speech[-10:].any()) if window.frames else False
