"""Exposure rules on hand-made statistics, including the darker-skin cases."""

from __future__ import annotations

import numpy as np

from media.exposure import (
    ExposureStats,
    check_backlight,
    check_brightness,
    check_highlights,
    measure_exposure,
)
from media.faces import FaceBox
from media.results import Level


def test_dark_skin_in_front_of_a_white_wall_is_not_backlit() -> None:
    # A well-lit darker face (mean 100) before a bright, unclipped wall (225).
    stats = ExposureStats(
        150, 0.0, face_mean=100, face_clip=0.0, background_mean=225, background_clip=0.01
    )
    assert check_backlight(stats).level is Level.OK
    assert check_brightness(stats).level is Level.OK


def test_dark_face_before_a_blown_window_is_backlit() -> None:
    stats = ExposureStats(
        180, 0.4, face_mean=60, face_clip=0.0, background_mean=230, background_clip=0.5
    )
    assert check_backlight(stats).level is Level.FAIL


def test_usable_face_with_a_much_brighter_background_warns() -> None:
    stats = ExposureStats(
        180, 0.3, face_mean=95, face_clip=0.0, background_mean=250, background_clip=0.6
    )
    assert check_backlight(stats).level is Level.WARN


def test_without_a_face_the_frame_decides() -> None:
    assert check_brightness(ExposureStats(30, 0.0)).hint_key == "frame_too_dark"
    assert check_brightness(ExposureStats(30, 0.0)).level is Level.FAIL
    assert check_brightness(ExposureStats(60, 0.0)).level is Level.WARN
    assert check_brightness(ExposureStats(120, 0.0)).level is Level.OK
    assert check_brightness(ExposureStats(230, 0.0)).level is Level.FAIL
    assert check_highlights(ExposureStats(200, 0.4)).hint_key == "frame_clipped"
    assert check_backlight(ExposureStats(120, 0.0)).level is Level.SKIP


def test_measure_splits_face_and_background() -> None:
    gray = np.full((240, 320), 240, np.uint8)  # bright wall
    gray[60:140, 130:190] = 70  # a dark face
    gray[140:, 100:220] = 40  # the body
    stats = measure_exposure(gray, FaceBox(130 / 320, 60 / 240, 60 / 320, 80 / 240))
    assert stats.face_mean == 70
    assert stats.background_mean == 240
    assert stats.face_clip == 0.0


def test_face_filling_the_frame_has_no_background() -> None:
    gray = np.full((240, 320), 120, np.uint8)
    stats = measure_exposure(gray, FaceBox(0.1, 0.0, 0.8, 1.0))
    assert np.isnan(stats.background_mean)
    assert check_backlight(stats).level is Level.SKIP
