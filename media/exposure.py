"""Exposure checks: too dark, too bright, blown highlights, backlight.

Measured on the luma of the 320-px analysis copy (research §2.1). When a face
is known, the face decides (a dark wall behind a well-lit face is fine); when
none is, the whole frame does.

The face levels were calibrated on three real portraits with different skin
tones (see ``tests/media/make_fixtures.py``): in good light their face means
were 148-179, at -4.3 stops 38-54, and the backlit variants 56-69. A darker
skin tone reflects less light, so the backlight rule demands both a bright
background *and* a face that is dark in absolute terms, not only a low
face/background ratio: a dark-skinned host in front of a white wall is not
backlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .faces import FaceBox
from .frame import Gray
from .results import CheckResult, Level

__all__ = [
    "ExposureLimits",
    "ExposureStats",
    "check_backlight",
    "check_brightness",
    "check_highlights",
    "face_region",
    "measure_exposure",
]

#: A pixel at or above this is blown out; research §2.1 counts ``>= 250``.
CLIP_LEVEL = 250


@dataclass(frozen=True, slots=True)
class ExposureLimits:
    """Thresholds on 8-bit luma (0-255); see the module docstring and docs/preflight.md."""

    face_fail_dark: float = 60.0
    face_warn_dark: float = 85.0
    face_warn_bright: float = 215.0
    face_fail_bright: float = 235.0
    frame_fail_dark: float = 40.0
    frame_warn_dark: float = 70.0
    frame_warn_bright: float = 190.0
    frame_fail_bright: float = 220.0
    # Share of face pixels that are blown out.
    face_warn_clip: float = 0.05
    face_fail_clip: float = 0.20
    # Share of the frame that is blown out when no face is seen.
    frame_warn_clip: float = 0.25
    # Backlight: face mean / background mean below this, with a bright background.
    backlight_ratio: float = 0.5
    backlight_strong_ratio: float = 0.4
    background_bright_mean: float = 140.0
    background_bright_clip: float = 0.05


@dataclass(frozen=True, slots=True)
class ExposureStats:
    """What the exposure checks look at; face fields are ``nan`` when there is no face."""

    frame_mean: float
    frame_clip: float
    face_mean: float = float("nan")
    face_clip: float = float("nan")
    background_mean: float = float("nan")
    background_clip: float = float("nan")

    @property
    def has_face(self) -> bool:
        return not np.isnan(self.face_mean)


def face_region(face: FaceBox) -> FaceBox:
    """The skin part of a detector box: cut hair, ears and background at the edges."""
    return face.shrunk(0.20, 0.15, 0.10)


def _mean_and_clip(pixels: NDArray[np.uint8]) -> tuple[float, float]:
    if pixels.size == 0:
        return float("nan"), float("nan")
    return float(pixels.mean()), float(np.count_nonzero(pixels >= CLIP_LEVEL) / pixels.size)


def measure_exposure(gray: Gray, face: FaceBox | None) -> ExposureStats:
    """Measure luma statistics of the frame, the face and the background behind it."""
    frame_mean, frame_clip = _mean_and_clip(gray)
    if face is None:
        return ExposureStats(frame_mean, frame_clip)
    h, w = gray.shape
    fx, fy, fw, fh = face_region(face).to_pixels(w, h)
    face_mean, face_clip = _mean_and_clip(gray[fy : fy + fh, fx : fx + fw])
    # Background: everything but the person. The person is the face box widened
    # by half its width on each side, from a little above the face down to the
    # bottom of the frame (shoulders and body).
    bx, by, bw, bh = face.to_pixels(w, h)
    mask = np.ones((h, w), dtype=bool)
    mask[max(0, by - bh // 3) :, max(0, bx - bw // 2) : min(w, bx + bw + bw // 2)] = False
    background = gray[mask]
    if background.size < 0.1 * gray.size:  # face fills the frame: no background to compare
        return ExposureStats(frame_mean, frame_clip, face_mean, face_clip)
    bg_mean, bg_clip = _mean_and_clip(background)
    return ExposureStats(frame_mean, frame_clip, face_mean, face_clip, bg_mean, bg_clip)


def check_brightness(
    stats: ExposureStats, limits: ExposureLimits = ExposureLimits()
) -> CheckResult:
    """Too dark or too bright: the face's mean luma, or the frame's when no face is seen."""
    if stats.has_face:
        value = stats.face_mean
        fail_dark, warn_dark = limits.face_fail_dark, limits.face_warn_dark
        warn_bright, fail_bright = limits.face_warn_bright, limits.face_fail_bright
        dark_key, bright_key = "face_too_dark", "face_too_bright"
    else:
        value = stats.frame_mean
        fail_dark, warn_dark = limits.frame_fail_dark, limits.frame_warn_dark
        warn_bright, fail_bright = limits.frame_warn_bright, limits.frame_fail_bright
        dark_key, bright_key = "frame_too_dark", "frame_too_bright"
    if value < fail_dark:
        level, key = Level.FAIL, dark_key
    elif value < warn_dark:
        level, key = Level.WARN, dark_key
    elif value > fail_bright:
        level, key = Level.FAIL, bright_key
    elif value > warn_bright:
        level, key = Level.WARN, bright_key
    else:
        level, key = Level.OK, "brightness_ok"
    return CheckResult.make("brightness", level, round(value, 1), "/255", key)


def check_highlights(
    stats: ExposureStats, limits: ExposureLimits = ExposureLimits()
) -> CheckResult:
    """Blown-out highlights: the share of face pixels (or frame pixels) at full white."""
    if stats.has_face:
        share = stats.face_clip
        if share >= limits.face_fail_clip:
            level = Level.FAIL
        elif share >= limits.face_warn_clip:
            level = Level.WARN
        else:
            level = Level.OK
        key = "face_clipped" if level is not Level.OK else "highlights_ok"
    else:
        share = stats.frame_clip
        level = Level.WARN if share >= limits.frame_warn_clip else Level.OK
        key = "frame_clipped" if level is Level.WARN else "highlights_ok"
    percent = round(100 * share, 1)
    return CheckResult.make("highlights", level, percent, "%", key, percent=percent)


def check_backlight(stats: ExposureStats, limits: ExposureLimits = ExposureLimits()) -> CheckResult:
    """Backlight: the face much darker than a bright background (a window behind the host)."""
    if not stats.has_face or np.isnan(stats.background_mean):
        return CheckResult.make("backlight", Level.SKIP, None, "", "backlight_skip")
    ratio = stats.face_mean / max(stats.background_mean, 1.0)
    bright_background = (
        stats.background_mean >= limits.background_bright_mean
        or stats.background_clip >= limits.background_bright_clip
    )
    level = Level.OK
    if bright_background and ratio < limits.backlight_ratio:
        if stats.face_mean < limits.face_warn_dark:
            level = Level.FAIL  # the face is under-exposed because of the light behind
        elif ratio < limits.backlight_strong_ratio:
            level = Level.WARN  # the face is usable, but auto-exposure may darken it
    key = "backlit" if level is not Level.OK else "backlight_ok"
    return CheckResult.make("backlight", level, round(ratio, 2), "×", key)
