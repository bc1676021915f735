"""CheckResult, levels and the exit rule."""

from __future__ import annotations

from media.results import CheckResult, Level, failing, overall
from media.text import check_hint, check_json, check_label, check_value


def test_overall_is_the_worst_level() -> None:
    results = [
        CheckResult.make("a", Level.OK, 1, "", "face_ok"),
        CheckResult.make("b", Level.SKIP, None, "", "no_face_skip"),
        CheckResult.make("c", Level.WARN, 2, "", "too_far"),
    ]
    assert overall(results) is Level.WARN
    assert overall([]) is Level.SKIP


def test_failing_counts_warnings_only_when_strict() -> None:
    warn = [CheckResult.make("c", Level.WARN, 2, "", "too_far")]
    assert not failing(warn)
    assert failing(warn, strict=True)
    assert failing([CheckResult.make("d", Level.FAIL, 0, "", "face_missing")])
    assert not failing([CheckResult.make("e", Level.SKIP, None, "", "focus_skip")], strict=True)


def test_hint_is_translated_with_parameters() -> None:
    result = CheckResult.make("face", Level.WARN, 2, "", "face_many", count=2)
    assert check_hint(result, "id").startswith("Terlihat 2 wajah")
    assert check_hint(result, "en").startswith("2 faces seen")
    assert check_label(result, "id") == "Wajah terlihat"


def test_results_are_immutable_values() -> None:
    a = CheckResult.make("face", Level.WARN, 2, "", "face_many", count=2)
    b = CheckResult.make("face", Level.WARN, 2, "", "face_many", count=2)
    assert a == b and hash(a) == hash(b)


def test_json_form() -> None:
    result = CheckResult.make("clipping", Level.OK, 0.0, "%", "clipping_ok", peak=-3.0)
    data = check_json(result, "en")
    assert data["level"] == "ok" and data["params"] == {"peak": -3.0}
    assert data["hint"] == "No distortion (peak -3 dBFS)."


def test_numbers_are_written_the_readers_way() -> None:
    result = CheckResult.make("clipping", Level.OK, 0.25, "%", "clipping_ok", peak=-2.55)
    assert check_value(result, "id") == "0,25 %" and check_value(result, "en") == "0.25 %"
    assert "-2,55 dBFS" in check_hint(result, "id") and "-2.55 dBFS" in check_hint(result, "en")
    unmeasured = CheckResult.make("face", Level.SKIP, None, "", "no_face_skip")
    assert check_value(unmeasured, "id") == "—"
