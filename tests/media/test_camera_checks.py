"""The camera verdicts on real photographs and their variants.

Three portraits with different skin tones (see make_fixtures.py): each good
frame must pass every check, and each variant must fail exactly the checks its
defect should fail, nothing else.
"""

from __future__ import annotations

import pytest

from media.faces import HaarFaceDetector
from media.preflight import check_frame, observe
from media.results import CheckResult, Level

from .conftest import photo

PEOPLE = ("astronaut", "hopper", "obama")


def problems(results: list[CheckResult]) -> dict[str, Level]:
    return {r.name: r.level for r in results if r.level in (Level.WARN, Level.FAIL)}


def by_name(results: list[CheckResult]) -> dict[str, CheckResult]:
    return {r.name: r for r in results}


@pytest.mark.parametrize("person", PEOPLE)
def test_good_frame_passes_everything(person: str, detector: HaarFaceDetector) -> None:
    results = check_frame(photo(f"{person}_good"), detector)
    assert problems(results) == {}
    assert all(r.level is Level.OK for r in results), results


@pytest.mark.parametrize("person", PEOPLE)
def test_dark_face_is_too_dark_on_every_skin_tone(person: str, detector: HaarFaceDetector) -> None:
    results = by_name(check_frame(photo(f"{person}_dark"), detector))
    assert results["brightness"].level is Level.FAIL
    assert results["brightness"].hint_key == "face_too_dark"
    assert problems(list(results.values())) == {"brightness": Level.FAIL}


@pytest.mark.parametrize("person", PEOPLE)
def test_over_exposed_face_is_blown_out(person: str, detector: HaarFaceDetector) -> None:
    results = by_name(check_frame(photo(f"{person}_bright"), detector))
    assert results["highlights"].level is Level.FAIL
    assert results["highlights"].hint_key == "face_clipped"
    assert results["brightness"].hint_key == "face_too_bright"
    assert set(problems(list(results.values()))) == {"highlights", "brightness"}


@pytest.mark.parametrize("person", PEOPLE)
def test_backlit_face_is_backlit(person: str, detector: HaarFaceDetector) -> None:
    results = by_name(check_frame(photo(f"{person}_backlit"), detector))
    assert results["backlight"].level is Level.FAIL
    assert results["backlight"].hint_key == "backlit"
    # The face is dark too; nothing else is wrong.
    assert set(problems(list(results.values()))) == {"backlight", "brightness"}


@pytest.mark.parametrize("person", PEOPLE)
def test_blurred_face_fails_focus(person: str, detector: HaarFaceDetector) -> None:
    results = by_name(check_frame(photo(f"{person}_blurred"), detector))
    assert results["focus"].level is Level.FAIL
    assert problems(list(results.values())) == {"focus": Level.FAIL}


@pytest.mark.parametrize("person", PEOPLE)
def test_blurred_face_fails_against_the_session_baseline(
    person: str, detector: HaarFaceDetector
) -> None:
    sharp = photo(f"{person}_good")
    baseline = observe(sharp, detector.detect(sharp)).sharpness
    assert by_name(check_frame(sharp, detector, baseline))["focus"].level is Level.OK
    blurred = by_name(check_frame(photo(f"{person}_blurred"), detector, baseline))["focus"]
    assert blurred.level is Level.FAIL
    assert blurred.unit == "%" and blurred.value is not None and blurred.value < 35


@pytest.mark.parametrize("person", PEOPLE)
def test_off_centre_face_is_told_which_way_to_move(person: str, detector: HaarFaceDetector) -> None:
    results = by_name(check_frame(photo(f"{person}_offcentre"), detector))
    # The face is on the left of the (unmirrored) frame: the host sits too far
    # to their right and should move to their left.
    assert results["centre"].level is Level.FAIL
    assert results["centre"].hint_key == "move_left"
    assert problems(list(results.values())) == {"centre": Level.FAIL}


@pytest.mark.parametrize("person", PEOPLE)
def test_too_close(person: str, detector: HaarFaceDetector) -> None:
    results = by_name(check_frame(photo(f"{person}_close"), detector))
    assert results["distance"].level is Level.FAIL
    assert results["distance"].hint_key == "too_close"
    assert problems(list(results.values())) == {"distance": Level.FAIL}


@pytest.mark.parametrize("person", ("astronaut", "obama"))
def test_too_far(person: str, detector: HaarFaceDetector) -> None:
    results = by_name(check_frame(photo(f"{person}_far"), detector))
    assert results["distance"].level is Level.FAIL
    assert results["distance"].hint_key == "too_far"
    # Standing far away also puts the face low in the frame.
    assert set(problems(list(results.values()))) == {"distance", "headroom"}


@pytest.mark.parametrize("room", ("empty_office", "empty_shuttle"))
def test_faceless_frame_fails_face_and_skips_face_checks(
    room: str, detector: HaarFaceDetector
) -> None:
    results = by_name(check_frame(photo(room), detector))
    assert results["face"].level is Level.FAIL
    assert results["face"].hint_key == "face_missing"
    for name in ("centre", "headroom", "distance", "backlight", "focus", "colour"):
        assert results[name].level is Level.SKIP, name
    # Exposure is still judged on the whole frame.
    assert results["brightness"].level is Level.OK
    assert results["brightness"].hint_key == "brightness_ok"


def test_two_people_warns(detector: HaarFaceDetector) -> None:
    results = by_name(check_frame(photo("two_people"), detector))
    assert results["face"].level is Level.WARN
    assert results["face"].value == 2


@pytest.mark.parametrize(
    ("name", "key"), [("hopper_orange", "cast_orange"), ("astronaut_blue", "cast_blue")]
)
def test_colour_cast(name: str, key: str, detector: HaarFaceDetector) -> None:
    results = by_name(check_frame(photo(name), detector))
    assert results["colour"].level is Level.FAIL
    assert results["colour"].hint_key == key
    assert problems(list(results.values())) == {"colour": Level.FAIL}
