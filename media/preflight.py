"""Tie the checks together: a window of frames or samples in, a list of results out.

``observe`` measures one frame (given its faces); ``camera_checks`` judges a
window of observations by their medians, so one odd frame (a blink, a missed
detection) does not decide the verdict. ``sample_camera`` and ``sample_mic``
are the thin I/O part: they read a source for the window the CLI judges.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .audio_levels import Samples
from .camera import CameraSource
from .colour import SkinColour, check_colour_cast, measure_skin_colour
from .exposure import (
    ExposureStats,
    check_backlight,
    check_brightness,
    check_highlights,
    measure_exposure,
)
from .face_worker import FaceTracker
from .faces import FaceBox, FaceDetector
from .focus import check_focus, measure_sharpness
from .frame import prepare
from .framing import check_face_centre, check_face_count, check_face_height, check_face_size
from .mic_checks import AudioMeter, mic_checks
from .microphone import FileMic, MicSource
from .results import CheckResult

__all__ = [
    "CameraObservation",
    "camera_checks",
    "check_frame",
    "microphone_results",
    "observe",
    "sample_camera",
    "sample_mic",
]

#: Seconds of a live camera thrown away while auto-exposure settles (research §2.1).
CAMERA_WARMUP_S = 1.0
#: Seconds of camera judged, and how many frames to sample in them.
CAMERA_WINDOW_S = 1.5
CAMERA_SAMPLES = 8
MIC_WINDOW_S = 4.0
MAX_FILE_S = 30.0


@dataclass(frozen=True, slots=True)
class CameraObservation:
    """Everything the camera checks need from one frame."""

    width: int
    height: int
    faces: tuple[FaceBox, ...]
    exposure: ExposureStats
    sharpness: float
    skin: SkinColour | None


def observe(frame: NDArray[np.generic], faces: Sequence[FaceBox]) -> CameraObservation:
    """Measure one frame whose faces are already known (biggest first). Pure."""
    prepared = prepare(frame)
    face = faces[0] if faces else None
    return CameraObservation(
        width=prepared.width,
        height=prepared.height,
        faces=tuple(faces),
        exposure=measure_exposure(prepared.gray, face),
        sharpness=measure_sharpness(prepared.frame, face),
        skin=measure_skin_colour(prepared.small, face),
    )


def _median(values: Sequence[float]) -> float:
    finite = [v for v in values if not np.isnan(v)]
    return float(np.median(finite)) if finite else float("nan")


def camera_checks(
    observations: Sequence[CameraObservation], focus_baseline: float | None = None
) -> list[CheckResult]:
    """Judge a window of observations (at least one) by their medians."""
    if not observations:
        raise ValueError("camera_checks needs at least one observation")
    count = statistics.median_low([len(o.faces) for o in observations])
    with_face = [o for o in observations if o.faces] if count else []
    first = observations[0]
    face: FaceBox | None = None
    if with_face:
        face = FaceBox(
            _median([o.faces[0].x for o in with_face]),
            _median([o.faces[0].y for o in with_face]),
            _median([o.faces[0].w for o in with_face]),
            _median([o.faces[0].h for o in with_face]),
        )
    source = with_face or list(observations)
    exposure = ExposureStats(
        frame_mean=_median([o.exposure.frame_mean for o in source]),
        frame_clip=_median([o.exposure.frame_clip for o in source]),
        face_mean=_median([o.exposure.face_mean for o in with_face]),
        face_clip=_median([o.exposure.face_clip for o in with_face]),
        background_mean=_median([o.exposure.background_mean for o in with_face]),
        background_clip=_median([o.exposure.background_clip for o in with_face]),
    )
    skins = [o.skin for o in with_face if o.skin is not None]
    skin = (
        SkinColour(
            _median([s.lightness for s in skins]),
            _median([s.a for s in skins]),
            _median([s.b for s in skins]),
        )
        if skins
        else None
    )
    faces_for_count = [face] * count if face is not None else []
    return [
        check_face_count(faces_for_count),
        check_face_centre(face, first.width, first.height),
        check_face_height(face),
        check_face_size(face),
        check_brightness(exposure),
        check_highlights(exposure),
        check_backlight(exposure),
        check_focus(_median([o.sharpness for o in with_face]), focus_baseline),
        check_colour_cast(skin),
    ]


def check_frame(
    frame: NDArray[np.generic], detector: FaceDetector, focus_baseline: float | None = None
) -> list[CheckResult]:
    """Every camera check on a single frame (detects its faces first)."""
    return camera_checks([observe(frame, detector.detect(frame))], focus_baseline)


def sample_camera(source: CameraSource, detector: FaceDetector) -> list[CameraObservation]:
    """Read a window of frames from ``source`` and observe a sample of them.

    Live cameras are read for ``CAMERA_WARMUP_S`` first (auto-exposure), then
    ``CAMERA_SAMPLES`` frames spread over ``CAMERA_WINDOW_S`` are observed.
    """
    fps = max(1.0, source.fps)
    if source.live:
        for _ in range(round(CAMERA_WARMUP_S * fps)):
            source.read()
    step = max(1, round(CAMERA_WINDOW_S * fps / CAMERA_SAMPLES))
    # Every sampled frame gets a full scan: a one-off check can afford the
    # 20-30 ms each, and a full scan is what counts a second face.
    tracker = FaceTracker(detector, full_scan_every=1)
    observations = []
    for i in range(CAMERA_SAMPLES * step):
        frame = source.read()
        if i % step == 0:
            faces, _ = tracker.step(frame)
            observations.append(observe(frame, faces))
    return observations


def sample_mic(source: MicSource) -> Samples:
    """The audio to judge: ``MIC_WINDOW_S`` from a device or the synthetic voice,
    a whole recording (up to ``MAX_FILE_S``) from a file."""
    seconds = MAX_FILE_S if isinstance(source, FileMic) else MIC_WINDOW_S
    total = round(seconds * source.sample_rate)
    block = max(1, round(0.1 * source.sample_rate))
    chunks: list[Samples] = []
    got = 0
    while got < total:
        chunk = source.read(min(block, total - got))
        if chunk.size == 0:
            break
        chunks.append(chunk)
        got += chunk.size
    return np.concatenate(chunks) if chunks else np.zeros(0, np.float32)


def microphone_results(samples: Samples, sample_rate: int) -> list[CheckResult]:
    """Every microphone check on a recording."""
    meter = AudioMeter(sample_rate, seconds=max(1.0, samples.size / sample_rate + 0.1))
    meter.feed(samples)
    return mic_checks(meter.window())
