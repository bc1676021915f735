"""Windows of frames and samples: medians, sampling, and the whole-file rule."""

from __future__ import annotations

import numpy as np

from media.camera import ImageCamera, SyntheticCamera
from media.faces import HaarFaceDetector
from media.microphone import FileMic, SyntheticMic
from media.preflight import (
    CAMERA_SAMPLES,
    MIC_WINDOW_S,
    camera_checks,
    observe,
    sample_camera,
    sample_mic,
)
from media.results import CheckResult, Level

from .conftest import FIXTURES, photo


def levels(results: list[CheckResult]) -> dict[str, Level]:
    return {r.name: r.level for r in results}


def test_one_odd_frame_does_not_decide(detector: HaarFaceDetector) -> None:
    good, dark = photo("obama_good"), photo("obama_dark")
    window = [observe(f, detector.detect(f)) for f in (good, good, dark, good, good)]
    assert levels(camera_checks(window))["brightness"] is Level.OK
    window = [observe(f, detector.detect(f)) for f in (dark, dark, good, dark, dark)]
    assert levels(camera_checks(window))["brightness"] is Level.FAIL


def test_a_missed_detection_in_one_frame_is_outvoted(detector: HaarFaceDetector) -> None:
    good = photo("hopper_good")
    seen = observe(good, detector.detect(good))
    missed = observe(good, [])
    results = levels(camera_checks([seen, missed, seen]))
    assert results["face"] is Level.OK and results["focus"] is Level.OK
    results = levels(camera_checks([missed, seen, missed]))
    assert results["face"] is Level.FAIL


def test_sample_camera_from_a_photo(detector: HaarFaceDetector) -> None:
    observations = sample_camera(ImageCamera(FIXTURES / "astronaut_good.jpg"), detector)
    assert len(observations) == CAMERA_SAMPLES
    assert all(len(o.faces) == 1 for o in observations)


def test_sample_camera_from_the_test_card(detector: HaarFaceDetector) -> None:
    camera = SyntheticCamera()
    observations = sample_camera(camera, detector)
    assert len(observations) == CAMERA_SAMPLES
    assert camera.index > CAMERA_SAMPLES  # frames between samples were read too


def test_sample_mic_reads_a_whole_file_and_a_window_of_a_stream() -> None:
    mic = FileMic(FIXTURES / "speech_good.wav")
    samples = sample_mic(mic)
    assert samples.size == round(mic.duration * mic.sample_rate)
    stream = sample_mic(SyntheticMic())
    assert stream.size == round(MIC_WINDOW_S * 16_000)
    assert stream.dtype == np.float32
