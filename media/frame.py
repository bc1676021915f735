"""A camera frame made ready for the checks: one downscale, one grey copy.

Every camera check reads the same small copy so that the whole pass stays far
under a frame's budget (research §2.1: a lighting, blur and colour pass on a
320-px copy costs well under 2 ms).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import cv2
import numpy as np
from numpy.typing import NDArray

__all__ = ["ANALYSIS_WIDTH", "Gray", "Image", "Prepared", "as_bgr", "prepare", "u8"]

#: Width of the copy the checks measure (research §2.1: "320 px wide is plenty").
ANALYSIS_WIDTH = 320

Image = NDArray[np.uint8]
Gray = NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A frame and its analysis copies.

    ``frame`` is the original BGR frame (kept for the focus check, which needs
    full detail on the face); ``small`` is a BGR copy ``ANALYSIS_WIDTH`` wide
    and ``gray`` its BT.601 luma.
    """

    frame: Image
    small: Image
    gray: Gray

    @property
    def width(self) -> int:
        return int(self.frame.shape[1])

    @property
    def height(self) -> int:
        return int(self.frame.shape[0])


def u8(array: object) -> Image:
    """Type an OpenCV result as the ``uint8`` image it is (cv2's stubs say "any array")."""
    return cast(Image, array)


def as_bgr(frame: NDArray[np.generic]) -> Image:
    """Accept BGR, BGRA or grey ``uint8`` frames; return contiguous BGR."""
    if frame.dtype != np.uint8:
        raise ValueError(f"expected a uint8 frame, got {frame.dtype}")
    if frame.ndim == 2:
        return u8(cv2.cvtColor(u8(frame), cv2.COLOR_GRAY2BGR))
    if frame.ndim == 3 and frame.shape[2] == 4:
        return u8(cv2.cvtColor(u8(frame), cv2.COLOR_BGRA2BGR))
    if frame.ndim == 3 and frame.shape[2] == 3:
        return u8(np.ascontiguousarray(frame))
    raise ValueError(f"expected an HxW, HxWx3 or HxWx4 frame, got shape {frame.shape}")


def prepare(frame: NDArray[np.generic]) -> Prepared:
    """Make the analysis copies of ``frame`` (any size, BGR/BGRA/grey ``uint8``)."""
    bgr = as_bgr(frame)
    h, w = bgr.shape[:2]
    if w > ANALYSIS_WIDTH:
        new_h = max(1, round(h * ANALYSIS_WIDTH / w))
        # INTER_AREA averages, which also lowers sensor noise before measuring.
        small = u8(cv2.resize(bgr, (ANALYSIS_WIDTH, new_h), interpolation=cv2.INTER_AREA))
    else:
        small = bgr
    gray = u8(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY))
    return Prepared(frame=bgr, small=small, gray=gray)
