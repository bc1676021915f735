"""The microphone verdicts on real recorded (espeak-ng) speech and its variants."""

from __future__ import annotations

import numpy as np
import pytest

from media.mic_checks import AudioMeter, check_talking_while_muted, mic_checks
from media.preflight import microphone_results
from media.results import CheckResult, Level

from .conftest import recording


def by_name(results: list[CheckResult]) -> dict[str, CheckResult]:
    return {r.name: r for r in results}


def problems(results: list[CheckResult]) -> dict[str, Level]:
    return {r.name: r.level for r in results if r.level in (Level.WARN, Level.FAIL)}


def judge(name: str) -> dict[str, CheckResult]:
    samples, rate = recording(name)
    return by_name(microphone_results(samples, rate))


def test_good_speech_passes_everything() -> None:
    results = judge("speech_good")
    assert all(r.level is Level.OK for r in results.values()), results
    level = results["level"].value
    assert level is not None and -32 < level < -9


def test_quiet_speech_is_too_quiet() -> None:
    results = judge("speech_quiet")
    assert results["speech"].level is Level.OK  # still heard as speech
    assert results["level"].level is Level.FAIL
    assert results["level"].hint_key == "too_quiet"
    # Quiet speech also stands less far above the room: at most a warning there.
    assert set(problems(list(results.values()))) <= {"level", "snr"}


def test_clipped_speech_is_distorted() -> None:
    results = judge("speech_clipped")
    assert results["clipping"].level is Level.FAIL
    assert results["clipping"].hint_key == "clipped"
    assert results["level"].hint_key == "too_loud"
    assert set(problems(list(results.values()))) == {"clipping", "level"}


def test_speech_drowned_in_fan_noise() -> None:
    results = judge("speech_noisy")
    assert results["snr"].level is Level.FAIL
    assert results["snr"].hint_key == "drowned"
    assert results["noise"].level is Level.FAIL
    assert problems(list(results.values())) == {"snr": Level.FAIL, "noise": Level.FAIL}


def test_fan_noise_alone_is_not_speech() -> None:
    results = judge("noise_fan")
    assert results["speech"].level is Level.WARN
    assert results["speech"].value == 0.0
    assert results["noise"].level is Level.FAIL
    assert results["level"].level is Level.SKIP
    assert results["snr"].level is Level.SKIP


def test_silence_means_nothing_comes_in() -> None:
    results = judge("silence")
    assert results["signal"].level is Level.FAIL
    assert results["signal"].hint_key == "silent"
    assert results["speech"].level is Level.WARN
    assert results["noise"].level is Level.OK


def test_digital_silence_and_empty_input() -> None:
    meter = AudioMeter(16_000)
    meter.feed(np.zeros(16_000, np.float32))
    assert by_name(mic_checks(meter.window()))["signal"].level is Level.FAIL
    empty = AudioMeter(16_000).window()
    assert by_name(mic_checks(empty))["signal"].hint_key == "no_audio"


@pytest.mark.parametrize("block", [1, 137, 320, 1000, 16_000])
def test_block_size_does_not_change_the_features(block: int) -> None:
    samples, rate = recording("speech_good")
    whole = AudioMeter(rate)
    whole.feed(samples)
    pieces = AudioMeter(rate)
    for start in range(0, samples.size, block):
        pieces.feed(samples[start : start + block])
    a, b = whole.window(), pieces.window()
    assert np.array_equal(a.rms_db, b.rms_db)
    assert np.array_equal(a.speech, b.speech)


def test_same_verdicts_at_48_khz() -> None:
    for name in ("speech_good", "speech_quiet", "speech_noisy", "noise_fan"):
        samples, rate = recording(name)
        t16 = np.arange(samples.size) / rate
        t48 = np.arange(samples.size * 3) / (3 * rate)
        up = np.interp(t48, t16, samples).astype(np.float32)
        at16 = {r.name: r.level for r in microphone_results(samples, rate)}
        at48 = {r.name: r.level for r in microphone_results(up, 3 * rate)}
        assert at16 == at48, name


def test_meter_keeps_only_the_latest_seconds() -> None:
    samples, rate = recording("speech_good")
    meter = AudioMeter(rate, seconds=1.0)
    meter.feed(samples)
    window = meter.window()
    assert window.frames == 50
    full = AudioMeter(rate)
    full.feed(samples)
    assert np.array_equal(window.rms_db, full.window().rms_db[-50:])


def test_talking_while_muted() -> None:
    samples, rate = recording("speech_good")
    meter = AudioMeter(rate)
    meter.feed(samples[: int(1.5 * rate)])  # in the middle of the sentence
    window = meter.window()
    assert check_talking_while_muted(window, muted=True).level is Level.WARN
    assert check_talking_while_muted(window, muted=False).level is Level.SKIP
    quiet = AudioMeter(rate)
    quiet.feed(recording("noise_fan")[0])
    assert check_talking_while_muted(quiet.window(), muted=True).level is Level.OK
    assert "muted" in by_name(mic_checks(window, muted=True))
