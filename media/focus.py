"""Focus: how sharp the face is, relative to a per-session baseline.

The raw variance of the Laplacian depends on resolution, contrast and noise
(research §2.2: from 1,110 to 13 for the same photo at different sizes, and
noise doubles it). So the measure here is taken on the face only, resized to a
fixed ``FOCUS_SIZE`` square from the full-resolution frame, smoothed with a
3×3 Gaussian (noise), and divided by the face's own grey-level variance
(contrast: a dark face is not a blurred face). Values are then compared with
the sharpest recent value of the same session, the baseline; without a
baseline, conservative absolute limits catch only clearly blurred faces.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .faces import FaceBox
from .frame import Image, u8
from .results import CheckResult, Level

__all__ = ["FOCUS_SIZE", "FocusLimits", "check_focus", "measure_sharpness"]

FOCUS_SIZE = 96
#: Faces narrower than this many source pixels are too small to judge focus.
MIN_FACE_PIXELS = 48


@dataclass(frozen=True, slots=True)
class FocusLimits:
    """Relative limits (share of the baseline) and absolute fall-backs."""

    relative_fail: float = 0.35
    relative_warn: float = 0.60
    # Calibration portraits: sharp 0.039-0.086, defocused (σ = 4 px) 0.002-0.007.
    absolute_fail: float = 0.010
    absolute_warn: float = 0.016


def measure_sharpness(frame: Image, face: FaceBox | None) -> float:
    """Contrast-normalised Laplacian variance of the face; ``nan`` if there is nothing to judge."""
    if face is None:
        return float("nan")
    h, w = frame.shape[:2]
    x, y, fw, fh = face.to_pixels(w, h)
    if fw < MIN_FACE_PIXELS or fh < MIN_FACE_PIXELS:
        return float("nan")
    roi = frame[y : y + fh, x : x + fw]
    if roi.ndim == 3:
        roi = u8(cv2.cvtColor(roi, cv2.COLOR_BGR2GRAY))
    interp = cv2.INTER_AREA if fw > FOCUS_SIZE else cv2.INTER_LINEAR
    patch = cv2.resize(roi, (FOCUS_SIZE, FOCUS_SIZE), interpolation=interp).astype(np.float32)
    smooth = cv2.GaussianBlur(patch, (3, 3), 0)
    lap = cv2.Laplacian(smooth, cv2.CV_32F)
    _, lap_std = cv2.meanStdDev(lap)
    _, std = cv2.meanStdDev(patch)
    return float(lap_std[0, 0] ** 2 / (std[0, 0] ** 2 + 1.0))


def check_focus(
    sharpness: float, baseline: float | None = None, limits: FocusLimits = FocusLimits()
) -> CheckResult:
    """Judge ``sharpness`` against ``baseline`` (the session's sharp reference) if given.

    The value is % of the baseline when there is one, else the raw measure.
    """
    if np.isnan(sharpness):
        return CheckResult.make("focus", Level.SKIP, None, "", "focus_skip")
    if baseline is not None and baseline > 0:
        ratio = sharpness / baseline
        if ratio < limits.relative_fail:
            level = Level.FAIL
        elif ratio < limits.relative_warn:
            level = Level.WARN
        else:
            level = Level.OK
        value, unit = round(100 * min(ratio, 9.99), 1), "%"
    else:
        if sharpness < limits.absolute_fail:
            level = Level.FAIL
        elif sharpness < limits.absolute_warn:
            level = Level.WARN
        else:
            level = Level.OK
        value, unit = round(sharpness, 4), ""
    key = "blurred" if level is not Level.OK else "focus_ok"
    return CheckResult.make("focus", level, value, unit, key)
