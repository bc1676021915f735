"""Live coaching: the pre-flight checks of :mod:`media`, run on what the host sends.

The trainer cannot stand behind every host, so the server watches the host's
picture and listens to the voice with the same checks as ``gladi check`` and
the desktop pre-flight (light on the face, backlight, framing, focus, colour;
level, clipping, noise, voice above noise, speech) and turns them into timed
warnings: *1:42 the face is too dark*, and when it is fixed, *cleared*.

The picture judged is the one the seats see (the relay's portrait crop), a
few times a second; the voice is every received sample, as decoded (48 kHz
16-bit from Opus): its peaks are measured on those samples, so a peak is never
above full scale, and the true peak (ITU-R BS.1770-4) on the same samples says
how close to clipping the voice came. One odd frame must not raise a warning,
so each check is judged over a short window (:func:`media.preflight.camera_checks`
takes medians) and a problem is shown only when it has lasted ``confirm_ms`` and
taken down only after ``clear_ms`` of good results; the level check adds its
own hysteresis (:func:`media.mic_checks.check_level`).

A host can follow one instruction about her picture and one about her voice at
a time, so the coach shows **at most one warning per kind** (:class:`Kind`):
the first problem in :data:`ORDER` that has lasted ``confirm_ms``. A more
urgent problem of the same kind replaces the one shown (the shown one is
*cleared*: no longer in force, though not necessarily fixed); a less urgent one
waits until the shown one is fixed, or until the shown one's check can no
longer be judged (a *too quiet* voice that stopped talking). The room's noise
is measured in the pauses and, like *no voice heard*, never shown while the
host speaks (what noise does to a voice is the *snr* check's). Warnings are
codes and parameters (the ``check`` catalogue's keys, rendered by
:mod:`media.text`); the room time is passed in.
docs/preflight.md ("Live coaching") has the reasons and sources.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from av.audio.frame import AudioFrame
from av.video.frame import VideoFrame

from media.audio_levels import Samples, to_mono_float
from media.face_worker import FaceTracker
from media.faces import FaceDetector
from media.mic_checks import AudioMeter, mic_checks
from media.preflight import CameraObservation, camera_checks, observe
from media.results import CheckResult, Level, Param
from media.voice import FRAME_SECONDS

__all__ = ["ORDER", "Change", "CoachSettings", "CoachingChange", "CoachingWarning", "Kind",
           "LiveCoach", "kind_of"]

#: Checks that mean something without a face detector (as in the desktop's live screen).
WITHOUT_FACES = frozenset({"brightness", "highlights"})
#: Checks about what is heard between words (the room's noise; no voice at all): the
#: present contradicts them while the host speaks, so they are neither judged nor shown.
BETWEEN_WORDS = frozenset({"noise", "speech"})
#: The voice detector's lowest sample rate (:class:`media.voice.VoiceDetector`).
MIN_RATE = 8000


class Kind(StrEnum):
    """What a warning is about: one card of each at most."""

    #: The camera's picture: light, framing, focus, colour.
    PICTURE = "picture"
    #: The microphone's sound.
    VOICE = "voice"


#: Each kind's checks, most urgent first: along the way from the room to the viewer,
#: so the card shown is the one whose fix the others wait for (no face: nothing else
#: can be judged; a dead or muted microphone before a distorted one, distortion before
#: loudness, loudness before what the room adds).
ORDER: dict[Kind, tuple[str, ...]] = {
    Kind.PICTURE: ("face", "brightness", "backlight", "highlights", "distance", "centre",
                   "headroom", "focus", "colour"),
    Kind.VOICE: ("signal", "muted", "clipping", "level", "snr", "noise", "speech"),
}
_RANK = {name: (kind, rank) for kind, names in ORDER.items() for rank, name in enumerate(names)}


def kind_of(check: str) -> Kind:
    """The kind of a check by its name (an unknown check is about the picture)."""
    return _RANK.get(check, (Kind.PICTURE, 0))[0]


def _rank(check: str) -> int:
    return _RANK.get(check, (Kind.PICTURE, len(ORDER[Kind.PICTURE])))[1]


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
    """One check's recent history: since when it has been bad (and how), or good."""

    bad: CheckResult | None = None
    bad_since: int | None = None
    good_since: int | None = None
    #: False while the check cannot be judged (no voice to measure a level on, …).
    measured: bool = True

    def follow(self, result: CheckResult, t_ms: int) -> None:
        """Take in one judgement; a skipped check (not measured) is neither bad nor good."""
        self.measured = result.level is not Level.SKIP
        if not self.measured:
            return
        if result.level is Level.OK:
            self.bad, self.bad_since = None, None
            if self.good_since is None:
                self.good_since = t_ms
            return
        self.good_since = None
        if self.bad is None or self.bad.hint_key != result.hint_key:
            self.bad_since = t_ms
        self.bad = result

    def forget(self) -> None:
        self.bad, self.bad_since, self.good_since, self.measured = None, None, None, True

    def confirmed(self, t_ms: int, confirm_ms: int) -> bool:
        """Has the same problem lasted ``confirm_ms``?"""
        return self.bad_since is not None and t_ms - self.bad_since >= confirm_ms

    def fixed(self, t_ms: int, clear_ms: int) -> bool:
        """Has the check been good for ``clear_ms``?"""
        return self.good_since is not None and t_ms - self.good_since >= clear_ms


@dataclass(slots=True)
class _Judgement:
    tracks: dict[str, _Track] = field(default_factory=dict)
    #: The warning shown, by kind.
    shown: dict[Kind, CoachingWarning] = field(default_factory=dict)
    #: The last microphone results (the level's hysteresis starts from them).
    heard: list[CheckResult] = field(default_factory=list)


def _samples(frame: AudioFrame) -> Samples:
    """An audio frame's samples as mono float in [-1, 1], at the frame's own rate."""
    data = frame.to_ndarray()
    channels = max(1, len(frame.layout.channels))
    frames = data.T if frame.format.is_planar else data.reshape(-1, channels)
    return to_mono_float(frames)


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
        self._meter: AudioMeter | None = None
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
        """Add received audio (any sample format and layout; the meter follows its rate).

        The samples are measured as they arrive, not resampled: resampling a clipped
        voice rings past full scale and would read as a peak above 0 dBFS.
        """
        rate = frame.sample_rate
        if rate < MIN_RATE:
            return  # no voice codec sends this; nothing here could judge it
        if self._meter is None or self._meter.sample_rate != rate:
            self._meter = AudioMeter(rate, seconds=self.settings.listen_s)
            self._heard = 0
        self._heard += self._meter.feed(_samples(frame))

    def reset(self) -> None:
        """Forget everything (a new host connection); active warnings are dropped too."""
        self._looks.clear()
        self._focus_best = None
        self._meter = None
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
        if self._meter is not None and self._heard * FRAME_SECONDS >= self.settings.min_listen_s:
            out.extend(mic_checks(self._meter.window(), previous=self._judgement.heard))
        return out

    def judge(self, t_ms: int) -> list[CoachingChange]:
        """Judge the checks at room time ``t_ms``; the warnings raised and cleared."""
        judgement = self._judgement
        results = self.results()
        speaking = self.speaking
        judgement.heard = [r for r in results if kind_of(r.name) is Kind.VOICE]
        for result in results:
            track = judgement.tracks.setdefault(result.name, _Track())
            if result.name in BETWEEN_WORDS and speaking:
                track.forget()  # judged in the pauses only
            else:
                track.follow(result, t_ms)
        changes: list[CoachingChange] = []
        for kind in Kind:
            changes.extend(self._show(kind, t_ms, speaking))
        return changes

    def _show(self, kind: Kind, t_ms: int, speaking: bool) -> list[CoachingChange]:
        """The one warning of ``kind`` to show now, as changes to the one shown before."""
        settings, judgement = self.settings, self._judgement
        changes: list[CoachingChange] = []
        shown = judgement.shown.get(kind)
        if shown is not None:
            track = judgement.tracks[shown.check]
            contradicted = shown.check in BETWEEN_WORDS and speaking
            if contradicted or track.fixed(t_ms, settings.clear_ms):
                del judgement.shown[kind]
                changes.append(CoachingChange(t_ms, Change.CLEARED, shown))
                shown = None
        due = self._most_urgent(kind, t_ms)
        if due is None:
            return changes
        if shown is not None:
            same = due.check == shown.check and due.hint_key == shown.hint_key
            stale = not judgement.tracks[shown.check].measured
            if same or (_rank(due.check) > _rank(shown.check) and not stale):
                return changes  # shown already, or less urgent: it waits
            changes.append(CoachingChange(t_ms, Change.CLEARED, shown))
        judgement.shown[kind] = due
        changes.append(CoachingChange(t_ms, Change.RAISED, due))
        return changes

    def _most_urgent(self, kind: Kind, t_ms: int) -> CoachingWarning | None:
        """The first problem of ``kind`` in :data:`ORDER` that has lasted ``confirm_ms``."""
        tracks = self._judgement.tracks
        for name in ORDER[kind]:
            track = tracks.get(name)
            if track is not None and track.measured and track.bad is not None \
                    and track.confirmed(t_ms, self.settings.confirm_ms):
                assert track.bad_since is not None
                return CoachingWarning.of(track.bad, track.bad_since)
        return None

    @property
    def active(self) -> tuple[CoachingWarning, ...]:
        """The warnings in force (at most one per kind), oldest first."""
        return tuple(sorted(self._judgement.shown.values(), key=lambda w: w.since_ms))

    @property
    def speaking(self) -> bool:
        """Was the last 200 ms of voice speech (for the judge's dead air)?"""
        if self._meter is None:
            return False
        window = self._meter.window()
        return bool(window.speech[-10:].any()) if window.frames else False
