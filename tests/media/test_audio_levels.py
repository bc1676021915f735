"""dBFS, clipping and PCM conversion (reading recordings: test_recordings.py)."""

from __future__ import annotations

import numpy as np
import pytest

from media.audio_levels import FLOOR_DB, clipped_count, peak_dbfs, rms_dbfs, to_mono_float


def test_levels_of_a_sine() -> None:
    t = np.arange(16_000) / 16_000
    sine = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    assert rms_dbfs(sine) == pytest.approx(20 * np.log10(0.5 / np.sqrt(2)), abs=0.01)
    assert peak_dbfs(sine) == pytest.approx(20 * np.log10(0.5), abs=0.01)
    assert rms_dbfs(np.zeros(10, np.float32)) == FLOOR_DB
    assert rms_dbfs(np.zeros(0, np.float32)) == FLOOR_DB


def test_clipped_count() -> None:
    x = np.array([0.0, 0.5, 0.995, -1.0, 0.98], np.float32)
    assert clipped_count(x) == 2


def test_to_mono_float() -> None:
    assert to_mono_float(np.array([-32768, 0, 16384], np.int16)).tolist() == [-1.0, 0.0, 0.5]
    assert to_mono_float(np.array([0, 128, 255], np.uint8))[1] == 0.0
    stereo = np.array([[1000, 3000], [-2000, 0]], np.int16)
    assert to_mono_float(stereo).tolist() == pytest.approx([2000 / 32768, -1000 / 32768])
    assert to_mono_float(np.array([2.0, -3.0], np.float64)).tolist() == [1.0, -1.0]
