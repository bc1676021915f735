"""Focus and colour rules on hand-made inputs."""

from __future__ import annotations

import math

import numpy as np

from media.colour import SkinColour, check_colour_cast, measure_skin_colour
from media.faces import FaceBox
from media.focus import check_focus, measure_sharpness
from media.results import Level


def test_focus_relative_to_baseline() -> None:
    assert check_focus(0.05, baseline=0.05).level is Level.OK
    assert check_focus(0.025, baseline=0.05).level is Level.WARN
    assert check_focus(0.01, baseline=0.05).level is Level.FAIL
    assert check_focus(float("nan"), baseline=0.05).level is Level.SKIP


def test_focus_without_baseline_uses_absolute_limits() -> None:
    assert check_focus(0.05).level is Level.OK
    assert check_focus(0.012).level is Level.WARN
    assert check_focus(0.003).level is Level.FAIL


def test_sharpness_ignores_contrast_and_needs_a_big_enough_face() -> None:
    rng = np.random.default_rng(1)
    texture = rng.integers(0, 255, (200, 200, 3)).astype(np.uint8)
    face = FaceBox(0.25, 0.25, 0.5, 0.5)
    full = measure_sharpness(texture, face)
    dim = measure_sharpness((texture // 4).astype(np.uint8), face)
    assert dim == np.float64(dim) and abs(dim - full) / full < 0.2
    assert math.isnan(measure_sharpness(texture, FaceBox(0.1, 0.1, 0.1, 0.1)))
    assert math.isnan(measure_sharpness(texture, None))


def test_colour_rules() -> None:
    assert check_colour_cast(SkinColour(60, 16, 22)).level is Level.OK
    assert check_colour_cast(SkinColour(60, 30, -4)).hint_key == "cast_blue"
    assert check_colour_cast(SkinColour(60, -3, 20)).hint_key == "cast_green"
    assert check_colour_cast(SkinColour(60, 40, 45)).level is Level.FAIL
    assert check_colour_cast(SkinColour(60, 30, 38)).level is Level.WARN  # chroma 48.4
    assert check_colour_cast(SkinColour(60, 30, 10)).hint_key == "cast_pink"
    assert check_colour_cast(SkinColour(10, 16, 22)).level is Level.SKIP  # too dark to judge
    assert check_colour_cast(None).level is Level.SKIP


def test_measure_skin_colour_on_a_flat_patch() -> None:
    patch = np.zeros((100, 100, 3), np.uint8)
    patch[:] = (110, 140, 190)  # BGR, a warm skin tone
    skin = measure_skin_colour(patch, FaceBox(0.2, 0.2, 0.6, 0.6))
    assert skin is not None and skin.a > 5 and skin.b > 5
    assert check_colour_cast(skin).level is Level.OK
