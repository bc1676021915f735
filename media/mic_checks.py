"""Microphone checks over a window of 20 ms frames.

:class:`AudioMeter` turns a stream of samples into per-frame features (level,
peak, clipped samples, speech or not); it holds state but does no I/O and reads
no clock. The ``check_*`` functions judge an :class:`AudioWindow` of those
features. Thresholds and their sources are in docs/preflight.md; in short
(research §2.5): conversational speech averages about -18 dBFS with peaks at
-12 to -6 dBFS; a room's noise floor should be at or below -50 dBFS; speech
should stand at least 20 dB above the noise, and under 10 dB it needs fixing;
more than 0.1 % of samples at full scale is clipping, and a true peak above
-1 dBTP (podcast and loudness guidance) is close to it.

Two rules keep verdicts that are read again and again (the desktop's live
screen, the drill server's coaching) from contradicting themselves:

* a window whose voice reached full scale (or came close) is never *too quiet*:
  the level is then *uneven*, and the clipping check says what to fix;
* given the previous level verdict, a voice that was too quiet (or too loud) has
  to come ``level_hysteresis_db`` back inside the band before it is OK again, so
  a voice near a threshold does not flip the verdict every second (a Schmitt
  trigger; OBS's noise gate opens at -26 dB and closes at -32 dB, research §1.1).

The room's noise is measured only in the pauses: frames the voice detector
calls speech, and ``pause_guard_frames`` either side of them, are left out, and
until ``min_pause_frames`` of pause were heard the noise is not judged at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .audio_levels import FLOOR_DB, Samples, TruePeak, clipped_count, peak_dbfs, rms_dbfs
from .results import CheckResult, Level
from .voice import FRAME_SECONDS, VoiceDetector

__all__ = [
    "AudioMeter",
    "AudioWindow",
    "MicLimits",
    "check_clipping",
    "check_level",
    "check_noise_floor",
    "check_signal",
    "check_snr",
    "check_speech",
    "check_talking_while_muted",
    "mic_checks",
    "noise_floor",
]


@dataclass(frozen=True, slots=True)
class MicLimits:
    """Thresholds in dBFS / dB / shares; defaults documented in docs/preflight.md."""

    silent_db: float = -60.0  # loudest frame below this: nothing is coming in
    level_fail_quiet: float = -42.0  # median speech-frame RMS
    level_warn_quiet: float = -32.0
    level_warn_loud: float = -9.0
    #: How far back inside the band a too quiet / too loud voice must come to be OK.
    level_hysteresis_db: float = 3.0
    clip_warn: float = 0.0001  # share of samples at full scale
    clip_fail: float = 0.001
    true_peak_warn: float = -1.0  # dBTP without clipping (research §2.5: "true peak <= -1 dBTP")
    #: Share of frames whose true peak reaches full scale (0 dBTP) that is clipping too:
    #: a codec (Opus) or a gain after the clipping rounds the flat tops off, so fewer
    #: samples sit at full scale but the waveform still overshoots it (docs/preflight.md).
    true_peak_fail_share: float = 0.05
    floor_warn: float = -50.0
    floor_fail: float = -35.0
    #: Pause frames needed before the room's noise is judged (0.3 s)…
    min_pause_frames: int = 15
    #: …leaving out this many frames either side of speech (onsets the detector is late for).
    pause_guard_frames: int = 3
    snr_warn: float = 20.0
    snr_fail: float = 10.0
    speech_min_share: float = 0.10
    min_speech_frames: int = 10
    muted_window_s: float = 0.7  # research §2.5, Jitsi "talk while muted"
    muted_share: float = 0.6


@dataclass(frozen=True, slots=True)
class AudioWindow:
    """Per-frame features of the last stretch of audio, oldest first."""

    rms_db: NDArray[np.float64]
    #: Sample peak, dBFS (at most 0).
    peak_db: NDArray[np.float64]
    #: True peak, dBTP (BS.1770-4: may pass 0 when the signal was clipped).
    true_peak_db: NDArray[np.float64]
    clipped: NDArray[np.int64]
    speech: NDArray[np.bool_]
    frame_size: int
    sample_rate: int

    @property
    def frames(self) -> int:
        return int(self.rms_db.size)

    @property
    def samples(self) -> int:
        return self.frames * self.frame_size


class AudioMeter:
    """Collects per-frame features of the latest ``seconds`` of audio.

    ``feed`` takes blocks of any length; samples that do not fill a 20 ms frame
    wait for the next block.
    """

    def __init__(self, sample_rate: int, seconds: float = 10.0) -> None:
        self.sample_rate = sample_rate
        self.detector = VoiceDetector(sample_rate)
        self.frame_size = self.detector.frame_size
        self.capacity = max(1, round(seconds / FRAME_SECONDS))
        self._rms = np.zeros(self.capacity)
        self._peak = np.zeros(self.capacity)
        self._true_peak = np.zeros(self.capacity)
        self._true_peak_meter = TruePeak()
        self._clipped = np.zeros(self.capacity, dtype=np.int64)
        self._speech = np.zeros(self.capacity, dtype=bool)
        self._count = 0
        self._pending: Samples = np.zeros(0, np.float32)

    def reset(self) -> None:
        """Drop all features and the detector's history."""
        self.detector.reset()
        self._true_peak_meter.reset()
        self._count = 0
        self._pending = np.zeros(0, np.float32)

    def feed(self, block: Samples) -> int:
        """Add samples; return how many new frames were measured."""
        data = block if self._pending.size == 0 else np.concatenate([self._pending, block])
        n = self.frame_size
        whole = data.size // n
        for i in range(whole):
            self._add(np.ascontiguousarray(data[i * n : (i + 1) * n], dtype=np.float32))
        self._pending = data[whole * n :].copy()
        return whole

    def _add(self, frame: Samples) -> None:
        slot = self._count % self.capacity
        self._rms[slot] = rms_dbfs(frame)
        self._peak[slot] = peak_dbfs(frame)
        self._true_peak[slot] = self._true_peak_meter.measure(frame)
        self._clipped[slot] = clipped_count(frame)
        self._speech[slot] = self.detector.process(frame)
        self._count += 1

    def window(self) -> AudioWindow:
        """The stored features in time order (copies)."""
        n = min(self._count, self.capacity)
        start = self._count % self.capacity if self._count > self.capacity else 0
        order = (np.arange(n) + start) % self.capacity
        return AudioWindow(
            self._rms[order].copy(),
            self._peak[order].copy(),
            self._true_peak[order].copy(),
            self._clipped[order].copy(),
            self._speech[order].copy(),
            self.frame_size,
            self.sample_rate,
        )


def _speech_level(window: AudioWindow) -> float | None:
    voiced = window.rms_db[window.speech]
    return float(np.median(voiced)) if voiced.size else None


def _pauses(window: AudioWindow, limits: MicLimits) -> NDArray[np.bool_]:
    """Frames of room sound only: not speech, and not within the guard of speech."""
    speech = window.speech
    near = speech.copy()
    for k in range(1, min(limits.pause_guard_frames, speech.size) + 1):
        near[k:] |= speech[:-k]
        near[:-k] |= speech[k:]
    return ~near


def noise_floor(window: AudioWindow, limits: MicLimits = MicLimits()) -> float | None:
    """The room's level without the voice: 10th percentile of the pause frames; None
    until ``limits.min_pause_frames`` of pause were heard."""
    quiet = window.rms_db[_pauses(window, limits)]
    if quiet.size < limits.min_pause_frames:
        return None
    return float(np.percentile(quiet, 10))


def _clip_share(window: AudioWindow) -> float:
    return float(window.clipped.sum()) / window.samples if window.frames else 0.0


def _peak_param(window: AudioWindow) -> float:
    """The sample peak (dBFS) with one decimal; a peak just under full scale reads -0,1,
    never "-0" or more."""
    peak = min(0.0, float(window.peak_db.max())) if window.frames else FLOOR_DB
    value = round(peak, 1)
    return -0.1 if value == 0.0 and peak < 0.0 else value + 0.0  # + 0.0: no -0.0


def _too_hot(window: AudioWindow, limits: MicLimits) -> bool:
    """Did the voice reach full scale, or come within ``true_peak_warn`` of it?"""
    return window.frames > 0 and (bool(window.clipped.any())
                                  or float(window.true_peak_db.max()) > limits.true_peak_warn)


def check_signal(window: AudioWindow, limits: MicLimits = MicLimits()) -> CheckResult:
    """Is anything coming in at all? (A muted or wrong input reads near silence.)"""
    if window.frames == 0:
        return CheckResult.make("signal", Level.FAIL, None, "dBFS", "no_audio")
    loudest = float(window.rms_db.max())
    if loudest < limits.silent_db:
        return CheckResult.make("signal", Level.FAIL, round(loudest, 1), "dBFS", "silent")
    return CheckResult.make("signal", Level.OK, round(loudest, 1), "dBFS", "signal_ok")


def check_level(window: AudioWindow, limits: MicLimits = MicLimits(),
                previous: CheckResult | None = None) -> CheckResult:
    """Voice level: median RMS of the speech frames (skipped until enough speech is heard).

    ``previous`` is the last level verdict on this stream: after *too quiet* (or *too
    loud*) the voice must come ``level_hysteresis_db`` inside the band to be OK. A voice
    that also reached full scale is *uneven*, never *too quiet*.
    """
    if int(window.speech.sum()) < limits.min_speech_frames:
        return CheckResult.make("level", Level.SKIP, None, "dBFS", "speak_to_measure")
    level = _speech_level(window)
    assert level is not None
    value = round(level, 1)
    quiet_below, loud_above = limits.level_warn_quiet, limits.level_warn_loud
    if previous is not None and previous.hint_key == "too_quiet":
        quiet_below += limits.level_hysteresis_db
    elif previous is not None and previous.hint_key == "too_loud":
        loud_above -= limits.level_hysteresis_db
    if level < quiet_below:
        if _too_hot(window, limits):
            return CheckResult.make("level", Level.WARN, value, "dBFS", "level_uneven")
        failed = level < limits.level_fail_quiet
        return CheckResult.make("level", Level.FAIL if failed else Level.WARN, value, "dBFS",
                                "too_quiet")
    if level > loud_above:
        return CheckResult.make("level", Level.WARN, value, "dBFS", "too_loud")
    return CheckResult.make("level", Level.OK, value, "dBFS", "level_ok")


def check_clipping(window: AudioWindow, limits: MicLimits = MicLimits()) -> CheckResult:
    """Clipping: the share of samples at full scale, and the true peak (how many frames
    overshoot full scale; how close the highest came).

    The ``peak`` parameter is the sample peak in dBFS, never above 0; a message about a
    voice that reached full scale says so in words instead of a number.
    """
    if window.frames == 0:
        return CheckResult.make("clipping", Level.SKIP, None, "%", "speak_to_measure")
    share = _clip_share(window)
    peak = _peak_param(window)
    percent = round(100 * share, 3)
    over = float(np.mean(window.true_peak_db >= 0.0))
    if share >= limits.clip_fail or over >= limits.true_peak_fail_share:
        return CheckResult.make("clipping", Level.FAIL, percent, "%", "clipped", peak=peak)
    if window.clipped.any():
        return CheckResult.make("clipping", Level.WARN, percent, "%", "near_clipping_full",
                                peak=peak)
    if _too_hot(window, limits):
        return CheckResult.make("clipping", Level.WARN, percent, "%", "near_clipping", peak=peak)
    return CheckResult.make("clipping", Level.OK, percent, "%", "clipping_ok", peak=peak)


def check_noise_floor(window: AudioWindow, limits: MicLimits = MicLimits()) -> CheckResult:
    """Background noise level in the pauses (skipped until enough pause was heard)."""
    floor = noise_floor(window, limits)
    if floor is None:
        return CheckResult.make("noise", Level.SKIP, None, "dBFS", "noise_skip")
    value = round(floor, 1)
    if floor > limits.floor_fail:
        return CheckResult.make("noise", Level.FAIL, value, "dBFS", "noisy_room")
    if floor > limits.floor_warn:
        return CheckResult.make("noise", Level.WARN, value, "dBFS", "noisy_room")
    return CheckResult.make("noise", Level.OK, value, "dBFS", "noise_ok")


def check_snr(window: AudioWindow, limits: MicLimits = MicLimits()) -> CheckResult:
    """Voice above noise: speech level minus noise floor, in dB."""
    if int(window.speech.sum()) < limits.min_speech_frames:
        return CheckResult.make("snr", Level.SKIP, None, "dB", "snr_skip")
    floor = noise_floor(window, limits)
    if floor is None:
        return CheckResult.make("snr", Level.SKIP, None, "dB", "noise_skip")
    level = _speech_level(window)
    assert level is not None
    snr = level - floor
    value = round(snr, 1)
    if snr < limits.snr_fail:
        return CheckResult.make("snr", Level.FAIL, value, "dB", "drowned")
    if snr < limits.snr_warn:
        return CheckResult.make("snr", Level.WARN, value, "dB", "drowned")
    return CheckResult.make("snr", Level.OK, value, "dB", "snr_ok")


def check_speech(window: AudioWindow, limits: MicLimits = MicLimits()) -> CheckResult:
    """Was a voice heard? Value: % of the window that was speech."""
    if window.frames == 0:
        return CheckResult.make("speech", Level.SKIP, None, "%", "speak_to_measure")
    share = float(window.speech.mean())
    percent = round(100 * share, 1)
    if share < limits.speech_min_share or int(window.speech.sum()) < limits.min_speech_frames:
        return CheckResult.make("speech", Level.WARN, percent, "%", "no_speech")
    return CheckResult.make("speech", Level.OK, percent, "%", "speech_ok")


def check_talking_while_muted(
    window: AudioWindow, muted: bool, limits: MicLimits = MicLimits()
) -> CheckResult:
    """The host talks while Gladi's microphone is muted (the live hears nothing)."""
    if not muted:
        return CheckResult.make("muted", Level.SKIP, None, "", "not_muted")
    last = max(1, round(limits.muted_window_s / FRAME_SECONDS))
    recent = window.speech[-last:]
    if recent.size >= last and float(recent.mean()) >= limits.muted_share:
        return CheckResult.make("muted", Level.WARN, None, "", "talking_muted")
    return CheckResult.make("muted", Level.OK, None, "", "muted_quiet")


def mic_checks(
    window: AudioWindow, *, muted: bool | None = None, limits: MicLimits = MicLimits(),
    previous: Iterable[CheckResult] = (),
) -> list[CheckResult]:
    """Every microphone check on ``window``; the muted check only when ``muted`` is known.

    ``previous`` are the results of the last call on the same stream (for the level's
    hysteresis); a one-off judgement passes none.
    """
    level_before = next((r for r in previous if r.name == "level"), None)
    results = [
        check_signal(window, limits),
        check_speech(window, limits),
        check_level(window, limits, level_before),
        check_clipping(window, limits),
        check_noise_floor(window, limits),
        check_snr(window, limits),
    ]
    if muted is not None:
        results.append(check_talking_while_muted(window, muted, limits))
    return results
