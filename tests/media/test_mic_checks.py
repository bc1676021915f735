"""The microphone verdicts on real recorded (espeak-ng) speech and its variants."""

from __future__ import annotations

import fractions

import av
import numpy as np
import pytest

from media.mic_checks import (
    AudioMeter,
    AudioWindow,
    MicLimits,
    check_clipping,
    check_level,
    check_noise_floor,
    check_talking_while_muted,
    mic_checks,
    noise_floor,
)
from media.preflight import microphone_results
from media.results import CheckResult, Level
from media.synthetic import synthetic_voice
from media.text import check_hint

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
    # A clipped voice sits at full scale: said in words, with no number (a peak of
    # fixed-point samples is never above 0 dBFS).
    peak = results["clipping"].param_map["peak"]
    assert isinstance(peak, float) and peak <= 0.0
    assert "skala penuh" in check_hint(results["clipping"], "id")
    assert "full scale" in check_hint(results["clipping"], "en")
    assert not any(ch.isdigit() for ch in check_hint(results["clipping"], "id"))


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


def window_of(samples: np.ndarray, rate: int) -> AudioWindow:
    meter = AudioMeter(rate, seconds=samples.size / rate + 0.1)
    meter.feed(samples.astype(np.float32))
    return meter.window()


def at_level(samples: np.ndarray, rate: int, target: float) -> np.ndarray:
    """``samples`` scaled so that its level (median speech-frame RMS) reads ``target``."""
    level = check_level(window_of(samples, rate)).value
    assert level is not None
    return samples * 10 ** ((target - level) / 20)


def test_a_voice_close_to_full_scale_is_written_as_a_negative_peak() -> None:
    samples, rate = recording("speech_good")
    hot = samples / np.abs(samples).max() * 10 ** (-0.6 / 20)  # sample peak -0.6 dBFS
    result = check_clipping(window_of(hot, rate))
    assert result.level is Level.WARN and result.hint_key == "near_clipping"
    assert result.param_map["peak"] == -0.6
    assert "puncak -0,6 dBFS" in check_hint(result, "id")
    assert "peak -0.6 dBFS" in check_hint(result, "en")
    # A peak a hair under full scale still reads below 0, never "-0" or "0".
    edge = samples / np.abs(samples).max() * (32767 / 32768)
    result = check_clipping(window_of(edge, rate))
    assert result.hint_key == "near_clipping_full"
    assert result.param_map["peak"] == -0.1
    assert "skala penuh" in check_hint(result, "id")


def test_the_true_peak_warns_before_any_sample_reaches_full_scale() -> None:
    # A tone whose samples all miss its crests: samples at -3.5 dBFS, crests at -0.5 dB.
    rate = 16_000
    n = np.arange(2 * rate)
    tone = 10 ** (-0.5 / 20) * np.sin(np.pi / 2 * n + np.pi / 4)
    window = window_of(tone, rate)
    assert float(window.peak_db.max()) == pytest.approx(-3.5, abs=0.05)
    assert float(window.true_peak_db.max()) > MicLimits().true_peak_warn
    result = check_clipping(window)
    assert result.level is Level.WARN and result.hint_key == "near_clipping"
    assert result.param_map["peak"] == -3.5
    # The same tone 2 dB lower is clean.
    assert check_clipping(window_of(tone * 10 ** (-2 / 20), rate)).level is Level.OK


def test_the_level_has_hysteresis() -> None:
    samples, rate = recording("speech_good")
    limits = MicLimits()
    quiet = window_of(at_level(samples, rate, limits.level_warn_quiet - 1.0), rate)
    between = window_of(at_level(samples, rate, limits.level_warn_quiet + 1.5), rate)
    back = window_of(at_level(samples, rate, limits.level_warn_quiet + 4.0), rate)
    too_quiet = check_level(quiet)
    assert too_quiet.hint_key == "too_quiet" and too_quiet.level is Level.WARN
    # 1.5 dB inside the band: OK for a fresh judgement, still too quiet after "too quiet".
    assert check_level(between).level is Level.OK
    assert check_level(between, previous=too_quiet).hint_key == "too_quiet"
    assert check_level(back, previous=too_quiet).level is Level.OK
    # The same on the loud side, and through mic_checks' ``previous``.
    loud = window_of(at_level(samples, rate, limits.level_warn_loud + 1.0), rate)
    under = window_of(at_level(samples, rate, limits.level_warn_loud - 1.5), rate)
    too_loud = by_name(mic_checks(loud))["level"]
    assert too_loud.hint_key == "too_loud"
    assert by_name(mic_checks(under))["level"].level is Level.OK
    assert by_name(mic_checks(under, previous=[too_loud]))["level"].hint_key == "too_loud"


def test_a_quiet_voice_that_also_clipped_is_uneven_never_too_quiet() -> None:
    quiet, rate = recording("speech_quiet")
    clipped, _ = recording("speech_clipped")
    # Mostly quiet speech, then one loud second that clips.
    samples = np.concatenate([quiet, quiet, clipped[rate : 2 * rate]])
    results = by_name(mic_checks(window_of(samples, rate)))
    assert results["clipping"].level in (Level.WARN, Level.FAIL)
    assert results["level"].hint_key == "level_uneven"
    assert results["level"].level is Level.WARN
    assert "naik-turun" in check_hint(results["level"], "id")


def test_the_room_noise_is_not_judged_on_speech() -> None:
    rate = 16_000
    # 1.5 s of talk without a pause: no room to hear, so no verdict on it...
    talk = synthetic_voice(0, int(1.5 * rate), rate)
    window = window_of(talk, rate)
    assert noise_floor(window) is None
    noise = check_noise_floor(window)
    assert noise.level is Level.SKIP and noise.hint_key == "noise_skip"
    assert by_name(mic_checks(window))["snr"].level is Level.SKIP
    # ...and the frames around the words do not count as room, so loud talk in a quiet
    # room is never a noisy room: its floor is the room tone's (about -65 dBFS).
    loud = window_of(synthetic_voice(0, 8 * rate, rate) * 4.0, rate)
    floor = noise_floor(loud)
    assert floor is not None and floor < MicLimits().floor_warn
    assert check_noise_floor(loud).level is Level.OK


def opus(samples: np.ndarray, rate: int) -> np.ndarray:
    """``samples`` through libopus (PyAV) and back at 48 kHz, as a WebRTC peer hears them."""
    up = np.interp(np.arange(round(samples.size * 48_000 / rate)) * rate / 48_000,
                   np.arange(samples.size), samples)
    pcm = np.clip(np.round(up * 32767), -32768, 32767).astype(np.int16)
    encoder = av.CodecContext.create("libopus", "w")
    encoder.sample_rate, encoder.layout, encoder.format = 48_000, "stereo", "s16"
    decoder = av.CodecContext.create("libopus", "r")
    decoder.sample_rate, decoder.layout, decoder.format = 48_000, "stereo", "s16"
    out: list[np.ndarray] = []
    for i in range(0, pcm.size - 960, 960):
        frame = av.AudioFrame.from_ndarray(np.repeat(pcm[i : i + 960], 2).reshape(1, -1),
                                           format="s16", layout="stereo")
        frame.sample_rate, frame.pts, frame.time_base = 48_000, i, fractions.Fraction(1, 48_000)
        for packet in encoder.encode(frame):
            for decoded in decoder.decode(packet):
                out.append(decoded.to_ndarray().reshape(-1, 2)[:, 0])
    return np.concatenate(out).astype(np.float32) / 32768


def test_a_clipped_voice_rounded_off_by_the_codec_is_still_clipped() -> None:
    # Clipped at the microphone, 1 dB down after it (a gain stage), then Opus: few samples
    # sit at full scale any more, but the rounded flat tops overshoot it (true peak).
    samples, rate = recording("speech_clipped")
    heard = opus(samples * 10 ** (-1 / 20), rate)
    window = window_of(heard, 48_000)
    limits = MicLimits()
    assert float(window.clipped.sum()) / window.samples < limits.clip_fail
    assert float(np.mean(window.true_peak_db >= 0.0)) >= limits.true_peak_fail_share
    result = check_clipping(window)
    assert result.level is Level.FAIL and result.hint_key == "clipped"
    # Good speech through the same codec stays clean.
    good, _ = recording("speech_good")
    assert check_clipping(window_of(opus(good, rate), 48_000)).level is Level.OK
