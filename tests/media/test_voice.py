"""The voice detector: speech is speech, steady noise is not (research §0.3)."""

from __future__ import annotations

import numpy as np
import pytest

from media.voice import VoiceDetector

from .conftest import recording

RATE = 16_000


def speech_share(x: np.ndarray, rate: int = RATE) -> float:
    detector = VoiceDetector(rate)
    n = detector.frame_size
    frames = [
        detector.process(np.ascontiguousarray(x[i : i + n])) for i in range(0, x.size - n + 1, n)
    ]
    return float(np.mean(frames))


def at_dbfs(x: np.ndarray, db: float) -> np.ndarray:
    scaled: np.ndarray = x / np.sqrt(np.mean(x**2)) * 10 ** (db / 20)
    return scaled.astype(np.float32)


def noises(seconds: float = 5.0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    brown = np.cumsum(rng.standard_normal(n))
    brown -= np.convolve(brown, np.ones(400) / 400, mode="same")
    blades = sum(np.sin(2 * np.pi * 100 * k * t + k) / k for k in range(1, 6))
    return {
        "white": rng.standard_normal(n),
        "brown": brown,
        "hum": np.sin(2 * np.pi * 50 * t) + 0.5 * np.sin(2 * np.pi * 150 * t),
        "fan": brown / brown.std() + 0.3 * blades * (1 + 0.1 * np.sin(2 * np.pi * 0.5 * t)),
    }


@pytest.mark.parametrize("kind", ["white", "brown", "hum", "fan"])
@pytest.mark.parametrize("db", [-50.0, -30.0, -20.0])
def test_steady_noise_is_not_speech(kind: str, db: float) -> None:
    # webrtcvad marks 97-100 % of these frames as speech at -30 dBFS.
    assert speech_share(at_dbfs(noises()[kind], db)) <= 0.02


def test_the_fan_noise_fixture_is_not_speech() -> None:
    samples, _ = recording("noise_fan")
    assert speech_share(samples) == 0.0


@pytest.mark.parametrize("name", ["speech_good", "speech_quiet", "speech_clipped"])
def test_speech_fixtures_are_speech(name: str) -> None:
    samples, _ = recording(name)
    # The takes hold 0.8 s of room tone around ~3.4 s of speech.
    assert speech_share(samples) >= 0.55


def test_speech_in_loud_fan_noise_is_still_heard() -> None:
    samples, _ = recording("speech_noisy")
    assert speech_share(samples) >= 0.4


def test_detector_is_deterministic_and_resettable() -> None:
    samples, _ = recording("speech_good")
    detector = VoiceDetector(RATE)
    n = detector.frame_size
    first = [detector.process(samples[i : i + n]) for i in range(0, 20 * n, n)]
    detector.reset()
    second = [detector.process(samples[i : i + n]) for i in range(0, 20 * n, n)]
    assert first == second


def test_rejects_wrong_frame_size_and_rate() -> None:
    with pytest.raises(ValueError):
        VoiceDetector(RATE).process(np.zeros(100, np.float32))
    with pytest.raises(ValueError):
        VoiceDetector(4000)
