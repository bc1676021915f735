"""The built-in test card and test voice: deterministic, and judged as fine."""

from __future__ import annotations

import numpy as np

from media.faces import HaarFaceDetector
from media.preflight import camera_checks, microphone_results, observe
from media.results import Level
from media.synthetic import synthetic_frame, synthetic_voice


def test_frames_are_deterministic_and_animated() -> None:
    assert np.array_equal(synthetic_frame(12), synthetic_frame(12))
    assert not np.array_equal(synthetic_frame(12), synthetic_frame(13))
    assert synthetic_frame(0, 1280, 720).shape == (720, 1280, 3)


def test_voice_slices_join_up() -> None:
    whole = synthetic_voice(1000, 800)
    parts = np.concatenate([synthetic_voice(1000, 300), synthetic_voice(1300, 500)])
    assert np.array_equal(whole, parts)


def test_the_test_card_passes_the_camera_checks(detector: HaarFaceDetector) -> None:
    frames = [synthetic_frame(i) for i in range(0, 240, 30)]
    observations = [observe(f, detector.detect(f)) for f in frames]
    found = sum(1 for o in observations if len(o.faces) == 1)
    assert found >= 7  # the drawn face is found in nearly every frame
    results = camera_checks(observations)
    assert all(r.level is Level.OK for r in results), results


def test_the_test_voice_passes_the_microphone_checks() -> None:
    results = microphone_results(synthetic_voice(0, 4 * 16_000), 16_000)
    assert all(r.level is Level.OK for r in results), results
