"""Face boxes and the face detector that ships inside OpenCV 4.x.

Why Haar cascades: OpenCV 5 wheels ship no cascades and no wheel ships the
YuNet model (research §0.1, §0.2), so Gladi pins ``opencv-python-headless<5``,
whose ``cv2/data`` holds the cascade XML files. Nothing is downloaded.

A single cascade gives false faces on flags, helmets and curtains (measured on
the test photographs), so every candidate from ``frontalface_alt2`` must be
confirmed by ``frontalface_default`` on a small window around it. The
detector works on a copy ``DETECT_HEIGHT`` pixels high; see
:mod:`media.face_worker` for running it off the render loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from i18n.errors import GladiError

from .frame import Gray, as_bgr, u8

__all__ = [
    "DETECT_HEIGHT",
    "FaceBox",
    "FaceDetector",
    "FaceDetectorUnavailable",
    "HaarFaceDetector",
]

#: Height of the copy the detector scans. At 240 px the smallest face found is
#: the cascade's 24-px window, 10 % of the frame height: smaller than that is
#: "too far" for a live anyway.
DETECT_HEIGHT = 240
_PRIMARY = "haarcascade_frontalface_alt2.xml"
_VERIFIER = "haarcascade_frontalface_default.xml"


class FaceDetectorUnavailable(GladiError, RuntimeError):
    """The OpenCV build has no Haar cascades (for example OpenCV 5)."""


@dataclass(frozen=True, slots=True)
class FaceBox:
    """A face as fractions of the frame: ``x``, ``w`` of its width, ``y``, ``h`` of its height."""

    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def area(self) -> float:
        return self.w * self.h

    def to_pixels(self, width: int, height: int) -> tuple[int, int, int, int]:
        """The box as integer pixels ``(x, y, w, h)`` of a ``width`` × ``height`` image, clipped."""
        x0 = min(max(0, round(self.x * width)), width - 1)
        y0 = min(max(0, round(self.y * height)), height - 1)
        x1 = min(max(x0 + 1, round((self.x + self.w) * width)), width)
        y1 = min(max(y0 + 1, round((self.y + self.h) * height)), height)
        return x0, y0, x1 - x0, y1 - y0

    def shrunk(self, fx: float, fy_top: float, fy_bottom: float) -> FaceBox:
        """The box with ``fx`` of its width cut from each side and the given top/bottom cuts."""
        return FaceBox(
            self.x + fx * self.w,
            self.y + fy_top * self.h,
            self.w * (1 - 2 * fx),
            self.h * (1 - fy_top - fy_bottom),
        )


class FaceDetector:
    """Interface: find faces in a BGR or grey ``uint8`` frame, biggest first."""

    def detect(self, frame: NDArray[np.generic], near: FaceBox | None = None) -> list[FaceBox]:
        raise NotImplementedError


@cache
def _load_cascade(name: str) -> cv2.CascadeClassifier:
    folder = getattr(getattr(cv2, "data", None), "haarcascades", None)
    if not hasattr(cv2, "CascadeClassifier") or folder is None:
        raise FaceDetectorUnavailable("this OpenCV build has no Haar cascades (need OpenCV 4.x)")
    path = Path(folder) / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise FaceDetectorUnavailable(f"cannot read {path}: {error}") from error
    # Read through FileStorage from memory: CascadeClassifier(path) fails on
    # Windows when the install path holds non-ASCII characters.
    storage = cv2.FileStorage(text, cv2.FILE_STORAGE_READ | cv2.FILE_STORAGE_MEMORY)
    cascade = cv2.CascadeClassifier()
    if not cascade.read(storage.getFirstTopLevelNode()) or cascade.empty():
        raise FaceDetectorUnavailable(f"cannot load {name}")
    return cascade


class HaarFaceDetector(FaceDetector):
    """Two-cascade Haar face detector on a ``DETECT_HEIGHT``-pixel copy.

    ``detect(frame, near=box)`` first searches a window around ``box`` (a face
    seldom jumps between frames), which is several times cheaper than a full
    scan; it falls back to the full scan when the face is not there.
    """

    def __init__(self, *, scale_factor: float = 1.1, min_neighbours: int = 3) -> None:
        self._primary = _load_cascade(_PRIMARY)
        self._verifier = _load_cascade(_VERIFIER)
        self._scale_factor = scale_factor
        self._min_neighbours = min_neighbours

    def detect(self, frame: NDArray[np.generic], near: FaceBox | None = None) -> list[FaceBox]:
        """Return the confirmed faces in ``frame`` (BGR, BGRA or grey uint8), largest first."""
        gray = self._small_gray(frame)
        h, w = gray.shape
        if near is not None:
            found = self._search_near(gray, near)
            if found:
                return found
        min_side = max(24, round(0.10 * h))
        boxes = self._primary.detectMultiScale(
            gray, self._scale_factor, self._min_neighbours, minSize=(min_side, min_side)
        )
        return self._confirmed(gray, boxes)

    @staticmethod
    def _small_gray(frame: NDArray[np.generic]) -> Gray:
        if frame.ndim == 2:
            if frame.dtype != np.uint8:
                raise ValueError(f"expected a uint8 frame, got {frame.dtype}")
            gray = u8(frame)
        else:
            gray = u8(cv2.cvtColor(as_bgr(frame), cv2.COLOR_BGR2GRAY))
        h, w = gray.shape
        if h > DETECT_HEIGHT:
            size = (max(1, round(w * DETECT_HEIGHT / h)), DETECT_HEIGHT)
            gray = u8(cv2.resize(gray, size, interpolation=cv2.INTER_AREA))
        # Equalising makes dark and washed-out faces look like the training faces.
        return u8(cv2.equalizeHist(gray))

    def _search_near(self, gray: Gray, near: FaceBox) -> list[FaceBox]:
        h, w = gray.shape
        x, y, bw, bh = near.to_pixels(w, h)
        pad = max(bw, bh)
        x0, y0 = max(0, x - pad), max(0, y - pad)
        x1, y1 = min(w, x + bw + pad), min(h, y + bh + pad)
        window = gray[y0:y1, x0:x1]
        lo = max(24, round(0.7 * bh))
        hi = max(lo + 1, round(1.45 * bh))
        if window.shape[0] < lo or window.shape[1] < lo:
            return []
        boxes = self._primary.detectMultiScale(
            window, self._scale_factor, self._min_neighbours, minSize=(lo, lo), maxSize=(hi, hi)
        )
        shifted = [(bx + x0, by + y0, bw2, bh2) for bx, by, bw2, bh2 in boxes]
        return self._confirmed(gray, shifted)

    def _confirmed(self, gray: Gray, boxes: Sequence[Sequence[int]]) -> list[FaceBox]:
        h, w = gray.shape
        faces: list[FaceBox] = []
        for bx, by, bw, bh in boxes:
            pad = bw // 3
            x0, y0 = max(0, bx - pad), max(0, by - pad)
            window = gray[y0 : min(h, by + bh + pad), x0 : min(w, bx + bw + pad)]
            side = max(20, round(0.7 * bw))
            if window.shape[0] < side or window.shape[1] < side:
                continue
            again = self._verifier.detectMultiScale(window, 1.1, 3, minSize=(side, side))
            if len(again):
                faces.append(FaceBox(float(bx) / w, float(by) / h, float(bw) / w, float(bh) / h))
        faces.sort(key=lambda f: f.area, reverse=True)
        return faces
