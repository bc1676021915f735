"""``gladi replay``: a saved session recomputes to exactly its scorecard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from debrief.replaycheck import differences
from gladi.cli import main


@pytest.mark.parametrize("fixture", ["troll_session", "first_session"])
def test_replay_reproduces_the_scorecard_exactly(
        fixture: str, request: pytest.FixtureRequest,
        capsys: pytest.CaptureFixture[str]) -> None:
    path: Path = request.getfixturevalue(fixture)
    assert main(["--lang", "en", "replay", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    stored = json.loads(path.read_text(encoding="utf-8"))["scorecard"]
    assert doc["matches"] is True and doc["first_difference"] is None
    assert doc["scorecard_differences"] == [] and doc["score"] == stored["score"]
    assert doc["events"] > 100


def test_replay_says_so_in_words(first_session: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(first_session)]) == 0
    assert "cocok" in capsys.readouterr().out
    assert main(["replay", str(first_session), "--lang", "en"]) == 0
    assert "Replay matches" in capsys.readouterr().out


def test_an_edited_event_is_found(first_session: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(first_session.read_text(encoding="utf-8"))
    index = next(i for i, e in enumerate(data["events"]) if e["type"] == "comment")
    data["events"][index]["text"] = "edited"
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["--lang", "en", "replay", str(path)]) == 1
    out = capsys.readouterr().out
    assert "does NOT match" in out and f"event {index}" in out


def test_a_changed_scorecard_is_found(first_session: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(first_session.read_text(encoding="utf-8"))
    data["scorecard"]["score"] += 10
    data["scorecard"]["reaction"]["hits"] += 1
    path = tmp_path / "inflated.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["--lang", "en", "replay", str(path)]) == 1
    out = capsys.readouterr().out
    assert "does NOT match" in out and "score" in out and "reaction.hits" in out


def test_a_file_without_scorecard_checks_the_events(first_session: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(first_session.read_text(encoding="utf-8"))
    del data["scorecard"]
    path = tmp_path / "bare.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["--lang", "en", "replay", str(path)]) == 0
    assert "holds no scorecard" in capsys.readouterr().out


def test_differences_name_the_changed_leaves() -> None:
    a = {"score": 1.0, "parts": {"x": [1, 2], "y": None}}
    b = {"score": 1.0, "parts": {"x": [1, 3], "z": 0}}
    assert differences(a, b) == ["parts.x[1]", "parts.y", "parts.z"]
    assert differences(a, a) == []
    assert differences((1, 2), [1, 2]) == []  # tuples and lists are the same JSON
