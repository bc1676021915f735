"""Sample-level audio measures: dBFS, peaks, clipping, format conversion.

All audio inside Gladi is mono ``float32`` in [-1, 1]; the microphone and WAV
sources convert to that once (:func:`to_mono_float`). For that fixed-point range a
*sample* peak is at most 0 dBFS: a sample cannot go past full scale, it sits there
(clipped). The signal the samples stand for can swing higher between them, which is
what the *true peak* (:class:`TruePeak`, ITU-R BS.1770-4 Annex 2) estimates.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "CLIP_THRESHOLD",
    "FLOOR_DB",
    "Samples",
    "TRUE_PEAK_PHASES",
    "TruePeak",
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
    """Sample peak in dBFS, at most 0: a sample past full scale counts as full scale."""
    if x.size == 0:
        return FLOOR_DB
    peak = min(1.0, float(np.max(np.abs(x))))
    return db(peak * peak)


def clipped_count(x: Samples) -> int:
    """How many samples sit at (or within 1 % of) full scale."""
    return int(np.count_nonzero(np.abs(x) >= CLIP_THRESHOLD))


#: The interpolation filter of ITU-R BS.1770-4, Annex 2, Table 1 (48 taps as four phases of
#: 12, for 4x oversampling): https://www.itu.int/rec/R-REC-BS.1770 . Phase ``p`` estimates the
#: signal ``p/4`` of a sample period along; the set of phases is its own mirror image, so
#: the highest value over all four does not depend on which end of a phase meets the newest
#: sample.
TRUE_PEAK_PHASES = np.array([
    [0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875,
     0.1373291015625, 0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250,
     0.0148925781250, -0.0083007812500],
    [-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500,
     0.4650878906250, 0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625,
     0.0330810546875, -0.0189208984375],
    [-0.0189208984375, 0.0330810546875, -0.0582275390625, 0.1015625000000, -0.2003173828125,
     0.7797851562500, 0.4650878906250, -0.1665039062500, 0.0891113281250, -0.0517578125000,
     0.0292968750000, -0.0291748046875],
    [-0.0083007812500, 0.0148925781250, -0.0266113281250, 0.0476074218750, -0.1022949218750,
     0.9721679687500, 0.1373291015625, -0.0594482421875, 0.0332031250000, -0.0196533203125,
     0.0109863281250, 0.0017089843750],
])


class TruePeak:
    """True peak in dBTP of consecutive blocks of one signal (BS.1770-4 Annex 2).

    Each block is oversampled four times with :data:`TRUE_PEAK_PHASES`, continuing from
    the end of the block before, and its highest absolute value (or the highest sample,
    if that is higher) is the block's true peak. A clipped voice reads above 0 dBTP: the
    waveform the flat tops cut off went higher. Holds state, does no I/O.
    """

    def __init__(self) -> None:
        self._taps = TRUE_PEAK_PHASES.shape[1]
        self._phases = np.ascontiguousarray(TRUE_PEAK_PHASES.T)
        self._history = np.zeros(self._taps - 1, np.float64)

    def reset(self) -> None:
        self._history[:] = 0.0

    def measure(self, block: Samples) -> float:
        """The true peak (dBTP) of ``block``, which follows the block measured before."""
        if block.size == 0:
            return FLOOR_DB
        x = np.concatenate([self._history, block.astype(np.float64)])
        self._history = x[-(self._taps - 1):].copy()
        # Every run of 12 samples times every phase: the four interpolated points per sample.
        points = np.lib.stride_tricks.sliding_window_view(x, self._taps) @ self._phases
        peak = max(float(np.max(np.abs(block))), float(np.max(np.abs(points))))
        return db(peak * peak)


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
