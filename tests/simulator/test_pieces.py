"""The app's pygame-free pieces: display detection, the live clock, storage, the model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moderation.actions import AddKeyword, RemoveKeyword
from moderation.events import RejectCode
from moderation.setup import load_setup
from simulator import storage
from simulator.clock import FakeClock, LiveClock
from simulator.desk import Applied, Refused
from simulator.display import has_display
from simulator.model import LiveModel
from simulator.storage import last_scores, save_session


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        ({}, "linux", False),
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"SDL_VIDEODRIVER": "dummy"}, "linux", True),
        ({"SDL_VIDEODRIVER": "x11"}, "linux", False),
        ({}, "win32", True),
        ({}, "darwin", True),
    ],
)
def test_display_detection(env: dict[str, str], platform: str, expected: bool) -> None:
    assert has_display(env, platform) is expected


def test_live_clock_subtracts_pauses() -> None:
    wall = FakeClock(100.0)
    clock = LiveClock(wall)
    assert clock.ms() == 0
    clock.start()
    wall.advance(2.5)
    assert clock.ms() == 2500
    clock.pause()
    wall.advance(60)
    assert clock.ms() == 2500
    clock.resume()
    wall.advance(1)
    assert clock.ms() == 3500


def test_sessions_go_to_the_data_dir_and_give_last_scores(data_dir: Path) -> None:
    folder = data_dir / "sessions"
    def saved(score: float, end_s: int, scenario: str = "x") -> Path:
        return save_session({"scenario": {"id": scenario, "duration_s": 60},
                             "end_t": end_s * 1000, "scorecard": {"score": score}}, scenario)

    a = saved(40.0, 60)
    b = saved(70.0, 60)
    assert a.parent == folder and a != b
    saved(85.0, 30)  # stopped half way: not the last score
    saved(90.0, 10, "y")
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    results = last_scores()
    assert results.scores == {"x": 70.0}
    assert results.stopped == {"x": 30.0, "y": 10.0}
    assert json.loads(b.read_text(encoding="utf-8"))["scorecard"]["score"] == 70.0


def test_data_dir_honours_the_environment(monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    monkeypatch.setenv("GLADI_DATA_DIR", str(tmp_path / "elsewhere"))
    assert storage.data_dir() == tmp_path / "elsewhere"


def _model(scenario: str = "serbuan-troll", seed: int = 2) -> LiveModel:
    return LiveModel(load_setup(scenario).start(seed))


def test_the_model_shows_no_ground_truth() -> None:
    model = _model()
    for t in range(0, 120_000, 250):
        model.advance(t)
    assert model.comments
    for view in model.comments:
        assert not hasattr(view, "template")
    # What the trainee saw matches what the engine posted, comment for comment.
    room = model.session.room
    for view in model.visible_comments():
        assert room.comments[view.id].text == view.text


def test_dead_air_follows_talk() -> None:
    model = _model("live-pertama")
    model.advance(9_000)
    assert model.dead_air_ms() == 0
    model.advance(15_000)
    assert model.dead_air_ms() == 5_000
    assert model.talk(15_000, 5000) is None
    model.advance(25_000)
    assert model.dead_air_ms() == 0
    model.advance(31_000)
    assert model.dead_air_ms() == 1_000


def test_model_actions_reject_with_codes() -> None:
    model = _model()
    model.advance(5000)
    assert model.take(RemoveKeyword(t=5000, keyword="nothing")) == \
        Refused(RejectCode.KEYWORD_MISSING)
    assert model.take(AddKeyword(t=5000, keyword="gacor")) == Applied()
    assert model.take(AddKeyword(t=5000, keyword="GACOR")) == Refused(RejectCode.KEYWORD_EXISTS)


def test_home_scores_come_from_the_history_for_the_trainee(data_dir: Path) -> None:
    history = pytest.importorskip("debrief.history")
    from moderation.sessionfile import scorecard_of
    from simulator.storage import scores_for_home

    model = _model("live-pertama")
    model.end(model.session.duration)
    card = scorecard_of(model.session)
    history.record(model.session, card, "Bu Sari", "desktop")
    stopped = _model("live-pertama")
    stopped.end(20_000)
    history.record(stopped.session, scorecard_of(stopped.session), "Bu Sari", "desktop")
    mine = scores_for_home("bu sari")
    assert mine.scores == {"live-pertama": card.score}  # the stopped one is not the score
    assert mine.stopped == {"live-pertama": 20.0}
    assert scores_for_home("Pak Budi").scores == {}
