"""Colour cast (white balance), judged on skin.

Grey-world and the Lab cast factor (research §2.4) judge the whole scene, and
in the test photographs a blue wall, a red curtain or a flag moved them more
than a real white-balance error did. Skin, of every tone, sits in a narrow
band of hue in CIELAB: positive a* (red) and positive b* (yellow), hue about
45-62° in the three calibration portraits, chroma 19-40. A blue or green cast
pushes b* or a* below zero; tungsten light pushes chroma far up. So the check
reads the median a*, b* of the face and needs a face; it is skipped when the
face is too dark or too bright for colour to mean anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from .exposure import face_region
from .faces import FaceBox
from .frame import Image
from .results import CheckResult, Level

__all__ = ["ColourLimits", "SkinColour", "check_colour_cast", "measure_skin_colour"]

# Centre of the calibration faces' a*, b* (astronaut 9/17, Hopper 26/29, Obama 16/23).
TYPICAL_SKIN = (16.0, 22.0)


@dataclass(frozen=True, slots=True)
class SkinColour:
    """Median CIELAB of the face: ``lightness`` 0-100, ``a``/``b`` about -128..127."""

    lightness: float
    a: float
    b: float

    @property
    def hue(self) -> float:
        return math.degrees(math.atan2(self.b, self.a))

    @property
    def chroma(self) -> float:
        return math.hypot(self.a, self.b)

    @property
    def offset(self) -> float:
        """Distance from typical skin in the a*b* plane (the value shown to users)."""
        return math.hypot(self.a - TYPICAL_SKIN[0], self.b - TYPICAL_SKIN[1])


@dataclass(frozen=True, slots=True)
class ColourLimits:
    min_lightness: float = 25.0
    max_lightness: float = 92.0
    hue_low: float = 30.0  # below: magenta/pink
    hue_high: float = 78.0  # above: yellow-green
    warn_chroma: float = 48.0
    fail_chroma: float = 58.0


def measure_skin_colour(small: Image, face: FaceBox | None) -> SkinColour | None:
    """Median L*, a*, b* of the face region of the analysis copy, or ``None`` without a face."""
    if face is None:
        return None
    h, w = small.shape[:2]
    x, y, fw, fh = face_region(face).to_pixels(w, h)
    roi = small[y : y + fh, x : x + fw]
    lab = cv2.cvtColor(roi, cv2.COLOR_BGR2Lab).reshape(-1, 3)
    median = np.median(lab, axis=0)
    # 8-bit Lab: L scaled to 0-255, a and b offset by 128.
    return SkinColour(float(median[0]) * 100 / 255, float(median[1]) - 128, float(median[2]) - 128)


def check_colour_cast(
    skin: SkinColour | None, limits: ColourLimits = ColourLimits()
) -> CheckResult:
    """Blue, green, orange or pink cast on the face."""
    if skin is None:
        return CheckResult.make("colour", Level.SKIP, None, "", "colour_skip")
    if not limits.min_lightness <= skin.lightness <= limits.max_lightness:
        return CheckResult.make("colour", Level.SKIP, None, "", "colour_skip_light")
    value = round(skin.offset, 1)
    if skin.b <= 0:
        return CheckResult.make("colour", Level.FAIL, value, "ΔE", "cast_blue")
    if skin.a <= 0:
        return CheckResult.make("colour", Level.FAIL, value, "ΔE", "cast_green")
    if skin.chroma > limits.fail_chroma:
        return CheckResult.make("colour", Level.FAIL, value, "ΔE", "cast_orange")
    if skin.chroma > limits.warn_chroma:
        return CheckResult.make("colour", Level.WARN, value, "ΔE", "cast_orange")
    if skin.hue > limits.hue_high:
        return CheckResult.make("colour", Level.WARN, value, "ΔE", "cast_green")
    if skin.hue < limits.hue_low:
        return CheckResult.make("colour", Level.WARN, value, "ΔE", "cast_pink")
    return CheckResult.make("colour", Level.OK, value, "ΔE", "colour_ok")
