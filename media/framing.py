"""Face framing for a vertical (9:16) TikTok crop: present, one face, centred, size.

The camera frame is usually landscape; the live shows the centre strip of it
(full height, 9/16 of the height wide). These rules are rehearsal heuristics
from research §2.3 ("face centre within ~±15 % of width of centre, eyes around
the upper third, face height ~20-40 % of frame height"), widened a little to
the size of a Haar box, which runs from the brows to the chin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .faces import FaceBox
from .results import CheckResult, Level

__all__ = [
    "FramingLimits",
    "check_face_count",
    "check_face_centre",
    "check_face_height",
    "check_face_size",
    "portrait_crop_width",
]

PORTRAIT_ASPECT = 9 / 16


@dataclass(frozen=True, slots=True)
class FramingLimits:
    """Thresholds for framing; offsets are in widths of the portrait crop."""

    centre_ok: float = 0.15
    centre_warn: float = 0.30
    # Face box height as a share of frame height.
    size_fail_small: float = 0.14
    size_warn_small: float = 0.19
    size_warn_large: float = 0.50
    size_fail_large: float = 0.62
    # Face centre height (0 = top of frame).
    low_warn: float = 0.55
    low_fail: float = 0.70
    top_margin: float = 0.02


def portrait_crop_width(width: int, height: int) -> float:
    """Width of the centred 9:16 crop as a share of the frame width (1.0 for portrait frames)."""
    return min(1.0, height * PORTRAIT_ASPECT / width)


def check_face_count(faces: Sequence[FaceBox]) -> CheckResult:
    """Exactly one face is what a solo live wants; none fails, several warn."""
    n = len(faces)
    if n == 0:
        return CheckResult.make("face", Level.FAIL, 0, "", "face_missing")
    if n > 1:
        return CheckResult.make("face", Level.WARN, n, "", "face_many", count=n)
    return CheckResult.make("face", Level.OK, 1, "", "face_ok")


def check_face_centre(
    face: FaceBox | None, width: int, height: int, limits: FramingLimits = FramingLimits()
) -> CheckResult:
    """Is the face centred in the portrait crop? Value: offset in % of the crop width."""
    if face is None:
        return CheckResult.make("centre", Level.SKIP, None, "", "no_face_skip")
    crop = portrait_crop_width(width, height)
    offset = (face.cx - 0.5) / crop
    if abs(offset) <= limits.centre_ok:
        level = Level.OK
    elif abs(offset) <= limits.centre_warn:
        level = Level.WARN
    else:
        level = Level.FAIL
    # A webcam frame is not mirrored: the host's own left shows on the right of
    # the frame. A face right of centre means the host should move to *their*
    # right (and in a mirrored preview the face then slides to the centre).
    key = "centre_ok" if level is Level.OK else ("move_right" if offset > 0 else "move_left")
    return CheckResult.make("centre", level, round(100 * offset, 1), "%", key)


def check_face_height(face: FaceBox | None, limits: FramingLimits = FramingLimits()) -> CheckResult:
    """Headroom: eyes near the upper third, not cut at the top, not sunk to the bottom."""
    if face is None:
        return CheckResult.make("headroom", Level.SKIP, None, "", "no_face_skip")
    value = round(100 * face.cy, 1)
    if face.y < limits.top_margin:
        return CheckResult.make("headroom", Level.WARN, value, "%", "face_too_high")
    if face.cy > limits.low_fail:
        return CheckResult.make("headroom", Level.FAIL, value, "%", "face_too_low")
    if face.cy > limits.low_warn:
        return CheckResult.make("headroom", Level.WARN, value, "%", "face_too_low")
    return CheckResult.make("headroom", Level.OK, value, "%", "headroom_ok")


def check_face_size(face: FaceBox | None, limits: FramingLimits = FramingLimits()) -> CheckResult:
    """Too far or too close: the face box height as a share of the frame height."""
    if face is None:
        return CheckResult.make("distance", Level.SKIP, None, "", "no_face_skip")
    size = face.h
    if size < limits.size_fail_small:
        level, key = Level.FAIL, "too_far"
    elif size < limits.size_warn_small:
        level, key = Level.WARN, "too_far"
    elif size > limits.size_fail_large:
        level, key = Level.FAIL, "too_close"
    elif size > limits.size_warn_large:
        level, key = Level.WARN, "too_close"
    else:
        level, key = Level.OK, "distance_ok"
    return CheckResult.make("distance", level, round(100 * size, 1), "%", key)
