"""dBFS, clipping and PCM conversion; WAV reading in every PCM width."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from media.audio_levels import FLOOR_DB, clipped_count, peak_dbfs, rms_dbfs, to_mono_float
from media.microphone import read_wav
from media.sources import SourceError
from media.text import source_text


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


def write(path: Path, raw: bytes, width: int, channels: int = 1, rate: int = 16_000) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(raw)
    return path


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_read_wav_every_width(tmp_path: Path, width: int) -> None:
    values = np.array([0.0, 0.5, -0.5, -1.0])
    if width == 1:
        raw = (values * 128 + 128).clip(0, 255).astype(np.uint8).tobytes()
    elif width == 3:
        ints = (values * 2**23).astype(np.int32)
        raw = b"".join(int(v).to_bytes(3, "little", signed=True) for v in ints)
    else:
        dtype = {2: "<i2", 4: "<i4"}[width]
        raw = (values * 2 ** (8 * width - 1)).astype(dtype).tobytes()
    samples, rate = read_wav(write(tmp_path / "x.wav", raw, width))
    assert rate == 16_000
    assert samples.tolist() == pytest.approx(values.tolist(), abs=1 / 127)


def test_read_wav_stereo_is_mixed(tmp_path: Path) -> None:
    raw = np.array([16384, 0, 0, -16384], "<i2").tobytes()
    samples, _ = read_wav(write(tmp_path / "s.wav", raw, 2, channels=2))
    assert samples.tolist() == [0.25, -0.25]


def test_read_wav_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as missing:
        read_wav(tmp_path / "none.wav")
    assert missing.value.key == "file_missing"
    (tmp_path / "bad.wav").write_bytes(b"not a wav at all")
    with pytest.raises(SourceError) as bad:
        read_wav(tmp_path / "bad.wav")
    assert bad.value.key == "wav_unreadable"
    assert "WAV" in source_text(bad.value, "en")
