"""Framing rules for the 9:16 crop."""

from __future__ import annotations

import pytest

from media.faces import FaceBox
from media.framing import (
    check_face_centre,
    check_face_count,
    check_face_height,
    check_face_size,
    portrait_crop_width,
)
from media.results import Level


def face_at(cx: float, cy: float = 0.4, h: float = 0.3) -> FaceBox:
    w = h * 0.75  # a 640×480 frame: a square face is 0.75 of h in width units
    return FaceBox(cx - w / 2, cy - h / 2, w, h)


def test_crop_width() -> None:
    assert portrait_crop_width(640, 480) == pytest.approx(0.421875)
    assert portrait_crop_width(720, 1280) == 1.0  # already portrait


@pytest.mark.parametrize(
    ("cx", "level", "key"),
    [
        (0.5, Level.OK, "centre_ok"),
        (0.56, Level.OK, "centre_ok"),
        (0.6, Level.WARN, "move_right"),
        (0.4, Level.WARN, "move_left"),
        (0.75, Level.FAIL, "move_right"),
        (0.2, Level.FAIL, "move_left"),
    ],
)
def test_centre(cx: float, level: Level, key: str) -> None:
    result = check_face_centre(face_at(cx), 640, 480)
    assert (result.level, result.hint_key) == (level, key)


@pytest.mark.parametrize(
    ("h", "level", "key"),
    [
        (0.10, Level.FAIL, "too_far"),
        (0.16, Level.WARN, "too_far"),
        (0.3, Level.OK, "distance_ok"),
        (0.55, Level.WARN, "too_close"),
        (0.7, Level.FAIL, "too_close"),
    ],
)
def test_size(h: float, level: Level, key: str) -> None:
    result = check_face_size(face_at(0.5, 0.5, h))
    assert (result.level, result.hint_key) == (level, key)


def test_height() -> None:
    assert check_face_height(face_at(0.5, 0.4)).level is Level.OK
    assert check_face_height(face_at(0.5, 0.6)).level is Level.WARN
    assert check_face_height(face_at(0.5, 0.8, 0.2)).level is Level.FAIL
    assert check_face_height(FaceBox(0.4, 0.0, 0.2, 0.3)).hint_key == "face_too_high"


def test_count_and_skips() -> None:
    assert check_face_count([]).level is Level.FAIL
    assert check_face_count([face_at(0.5)]).level is Level.OK
    assert check_face_count([face_at(0.3), face_at(0.7)]).level is Level.WARN
    for check in (check_face_size, check_face_height):
        assert check(None).level is Level.SKIP
    assert check_face_centre(None, 640, 480).level is Level.SKIP
