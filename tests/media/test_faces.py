"""The bundled Haar detector on the photographs, and face boxes."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from media.camera import load_image
from media.faces import FaceBox, HaarFaceDetector

from .conftest import FIXTURES, photo

EXPECTED = {"empty_office": 0, "empty_shuttle": 0, "two_people": 2}


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.jpg")), ids=lambda p: p.stem)
def test_counts_faces_in_every_photo(path: Path, detector: HaarFaceDetector) -> None:
    faces = detector.detect(photo(path.stem))
    assert len(faces) == EXPECTED.get(path.stem, 1)


def test_faces_are_sorted_biggest_first(detector: HaarFaceDetector) -> None:
    faces = detector.detect(photo("two_people"))
    assert faces[0].area >= faces[1].area


def test_search_near_the_last_face_finds_it_again(detector: HaarFaceDetector) -> None:
    frame = photo("obama_good")
    (face,) = detector.detect(frame)
    (again,) = detector.detect(frame, near=face)
    assert again.cx == pytest.approx(face.cx, abs=0.03)
    assert again.h == pytest.approx(face.h, rel=0.15)


def test_search_near_a_wrong_place_still_finds_the_face(detector: HaarFaceDetector) -> None:
    frame = photo("hopper_offcentre")
    faces = detector.detect(frame, near=FaceBox(0.7, 0.3, 0.1, 0.13))
    assert len(faces) == 1 and faces[0].cx < 0.3


def test_accepts_grey_and_small_frames(detector: HaarFaceDetector) -> None:
    gray = cv2.cvtColor(photo("astronaut_good"), cv2.COLOR_BGR2GRAY)
    assert len(detector.detect(gray)) == 1
    assert detector.detect(np.zeros((20, 20), np.uint8)) == []


def test_loads_images_from_non_ascii_paths(tmp_path: Path) -> None:
    target = tmp_path / "Bu Siti — ñ" / "wajah.jpg"
    target.parent.mkdir()
    shutil.copy(FIXTURES / "obama_good.jpg", target)
    assert load_image(target).shape == (480, 640, 3)


def test_box_to_pixels_is_clipped() -> None:
    assert FaceBox(-0.1, 0.5, 0.3, 0.8).to_pixels(100, 100) == (0, 50, 20, 50)
    assert FaceBox(0.25, 0.25, 0.5, 0.5).to_pixels(640, 480) == (160, 120, 320, 240)
