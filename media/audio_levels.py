"""Sample-level audio measures: dBFS, peak, clipping, format conversion.

All audio inside Gladi is mono ``float32`` in [-1, 1]; the microphone and WAV
sources convert to that once (:func:`to_mono_float`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "CLIP_THRESHOLD",
    "FLOOR_DB",
    "Samples",
    "clipped_count",
    "db",
    "peak_dbfs",
    "rms_dbfs",
    "to_mono_float",
]

Samples = NDArray[np.float32]

#: Lowest level reported; digital silence reads as this instead of -inf.
FLOOR_DB = -120.0
#: A sample at or above 0.99 of full scale counts as clipped (research §2.5;
#: int16 32,440).
CLIP_THRESHOLD = 0.99


def db(power: float) -> float:
    """A power ratio in decibels, floored at :data:`FLOOR_DB`."""
    if power <= 0.0:
        return FLOOR_DB
    return max(FLOOR_DB, 10.0 * float(np.log10(power)))


def rms_dbfs(x: Samples) -> float:
    """RMS level in dBFS (a full-scale square wave is 0 dBFS)."""
    if x.size == 0:
        return FLOOR_DB
    return db(float(np.dot(x, x)) / x.size)


def peak_dbfs(x: Samples) -> float:
    """Sample peak in dBFS."""
    if x.size == 0:
        return FLOOR_DB
    peak = float(np.max(np.abs(x)))
    return db(peak * peak)


def clipped_count(x: Samples) -> int:
    """How many samples sit at (or within 1 % of) full scale."""
    return int(np.count_nonzero(np.abs(x) >= CLIP_THRESHOLD))


def to_mono_float(data: NDArray[np.generic]) -> Samples:
    """Integer or float PCM (``frames`` or ``frames × channels``) to mono ``float32``.

    Channels are averaged; integers are scaled by their type's full scale.
    """
    array = np.asarray(data)
    if array.dtype == np.uint8:  # 8-bit WAV is unsigned
        scaled = (array.astype(np.float32) - 128.0) / 128.0
    elif np.issubdtype(array.dtype, np.integer):
        scaled = array.astype(np.float32) / (float(np.iinfo(array.dtype).max) + 1.0)
    else:
        scaled = np.clip(array.astype(np.float32), -1.0, 1.0)
    # Scale first, then mix the channels, so integer types keep their full scale.
    if scaled.ndim == 2:
        scaled = scaled.mean(axis=1) if scaled.shape[1] > 1 else scaled[:, 0]
    return np.ascontiguousarray(scaled, dtype=np.float32)
