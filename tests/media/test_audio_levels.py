"""dBFS, clipping and PCM conversion (reading recordings: test_recordings.py)."""

from __future__ import annotations

import numpy as np
import pytest

from media.audio_levels import (
    FLOOR_DB,
    TRUE_PEAK_PHASES,
    TruePeak,
    clipped_count,
    peak_dbfs,
    rms_dbfs,
    to_mono_float,
)

RATE = 48_000


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


def test_a_sample_peak_is_never_above_full_scale() -> None:
    assert peak_dbfs(np.array([0.2, -1.7, 1.3], np.float32)) == 0.0
    assert peak_dbfs(to_mono_float(np.array([32767], np.int16))) < 0.0


def true_peak(x: np.ndarray, block: int = 960) -> float:
    meter = TruePeak()
    return max(meter.measure(x[i : i + block].astype(np.float32)) for i in range(0, x.size, block))


def test_the_true_peak_finds_the_crest_between_two_samples() -> None:
    # A sine at a quarter of the sample rate, sampled 45 degrees off its crests: every
    # sample reads 0.707 of the amplitude (-3 dBFS) while the waveform reaches 0 dB
    # (BS.1770-4 Annex 2's own example of an inter-sample peak).
    n = np.arange(RATE)
    x = 0.999 * np.sin(np.pi / 2 * n + np.pi / 4)
    assert peak_dbfs(x.astype(np.float32)) == pytest.approx(-3.0, abs=0.05)
    assert true_peak(x) == pytest.approx(0.0, abs=0.3)


def test_the_true_peak_of_a_plain_sine_is_its_amplitude() -> None:
    t = np.arange(RATE) / RATE
    x = 0.5 * np.sin(2 * np.pi * 997 * t)
    assert true_peak(x) == pytest.approx(20 * np.log10(0.5), abs=0.1)
    assert true_peak(np.zeros(960)) == FLOOR_DB


@pytest.mark.parametrize("block", [1, 137, 960, 4800])
def test_the_true_peak_does_not_depend_on_how_the_stream_is_cut(block: int) -> None:
    x = np.random.default_rng(5).standard_normal(9600) * 0.1
    x[4000] = 0.9  # one click, wherever the cut falls
    assert true_peak(x, block) == pytest.approx(true_peak(x, 9600), abs=1e-9)


def test_the_interpolation_filter_is_the_published_one() -> None:
    # Four phases of 12 taps, each the mirror of another, each passing DC at about 1.
    assert TRUE_PEAK_PHASES.shape == (4, 12)
    assert np.allclose(TRUE_PEAK_PHASES[::-1, ::-1], TRUE_PEAK_PHASES)
    assert np.allclose(TRUE_PEAK_PHASES.sum(axis=1), 1.0, atol=0.03)
