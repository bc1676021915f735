"""Shared helpers for the media tests: fixture files and a session-wide detector."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from media.faces import HaarFaceDetector
from media.frame import Image, u8
from media.recordings import read_audio

FIXTURES = Path(__file__).parent / "fixtures"


def photo(name: str) -> Image:
    """A photo fixture as BGR."""
    image = cv2.imread(str(FIXTURES / f"{name}.jpg"))
    assert image is not None, name
    return u8(image)


def recording(name: str) -> tuple[np.ndarray, int]:
    """A WAV fixture as mono float32 and its sample rate."""
    return read_audio(FIXTURES / f"{name}.wav", 60.0)


@pytest.fixture(scope="session")
def detector() -> HaarFaceDetector:
    return HaarFaceDetector()
