"""``gladi replay SESSION.json --watch``: the saved session played back in the app."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pygame
import pytest

from debrief.session import load
from gladi.cli import main
from i18n import translate
from moderation.actions import Block, Talk
from moderation.values import to_json
from simulator.routes import Playback
from simulator.screens.debrief import DebriefScreen
from simulator.screens.playback import PlaybackScreen
from simulator.screens.quiz import QuizScreen
from simulator.tabs import Tab

from .conftest import Driver, make_app


@pytest.fixture(scope="module")
def session_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A busy session with blocks, reports and answers, made by `gladi simulate --out`."""
    folder = tmp_path_factory.mktemp("replay")
    path = folder / "sesi.json"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["simulate", "--scenario", "serbuan-troll", "--seed", "3", "--autopilot",
                     "good", "--trainee", "Bu Sari", "--out", str(path), "--no-history"]) == 0
    return path


def playback(path: Path, speed: float = 1.0, **changes: object) -> tuple[Driver, PlaybackScreen]:
    app, clock = make_app(**changes)
    app.replace(Playback(loaded=load(path, "id"), speed=speed))
    driver = Driver(app, clock)
    driver.frame(0)
    screen = app.top
    assert isinstance(screen, PlaybackScreen)
    return driver, screen


def test_plays_to_the_end_at_4x_marks_the_actions_and_scores_the_same(
        session_file: Path, data_dir: Path) -> None:
    doc = json.loads(session_file.read_text(encoding="utf-8"))
    driver, screen = playback(session_file)
    driver.key(pygame.K_4, text="4")
    assert screen.speed == 4.0
    inputs = screen.inputs
    first_block = next(a for a in inputs if isinstance(a, Block))
    handle = next(e["handle"] for e in doc["events"]
                  if e["type"] == "comment" and e["id"] == first_block.comment)
    wanted = f"{translate('playback.act_block', 'id', target='@' + handle)}"
    seen_in_list = False
    frames = 0
    while isinstance(driver.app.top, PlaybackScreen):
        driver.frame(0.5)
        frames += 1
        rows = [c for _, c in screen.panel.comments.rows if c.marker is not None]
        seen_in_list = seen_in_list or any(c.text == wanted for c in rows)
        assert frames < 1000
    # 4×: 0.5 s of (fake) wall time is 2 s of the session.
    assert frames == pytest.approx(doc["end_t"] / 2000, abs=2)
    assert seen_in_list, "the block was never shown as a marked line in the comment list"
    listed = [m for m in screen.marks if m.listed]
    assert len(screen.marks) == len(inputs)
    assert len(listed) == sum(1 for a in inputs if not isinstance(a, Talk)) > 10
    assert any(m.text == wanted and m.t == first_block.t for m in listed)
    # The stage never shows a marker: it is the viewers' view.
    assert all(c.marker is None for c in screen.model.stage_comments(50))
    # The replayed session is the recorded one; the debrief's scorecard equals the file's.
    debrief = driver.app.top
    assert isinstance(debrief, DebriefScreen)
    assert debrief.card.to_json() == doc["scorecard"]
    assert screen.matches is True
    assert [to_json(e) for e in screen.model.session.events] == doc["events"]
    assert debrief.buttons[0].label == translate("playback.watch_again", "id")
    driver.frame()
    assert not (data_dir / "sessions").exists()  # a replay is not a new attempt
    # Watch again: a fresh playback of the same file.
    driver.key(pygame.K_RETURN)
    again = driver.app.top
    assert isinstance(again, PlaybackScreen) and again is not screen and again.now() == 0
    driver.app.close()


def test_the_playback_is_read_only(session_file: Path) -> None:
    driver, screen = playback(session_file)
    driver.run(40)
    assert screen.model.now >= 39_000
    played = screen.pos
    assert list(screen.model.session.inputs) == list(screen.inputs[:played])
    # Click a comment and press the moderation keys and buttons: nothing happens.
    rect, comment = next((r, c) for r, c in screen.panel.comments.rows if c.marker is None)
    driver.click(rect.center)
    assert screen.panel.comments.selected is None
    for key in (pygame.K_b, pygame.K_d, pygame.K_m, pygame.K_c, pygame.K_w):
        driver.key(key, text=pygame.key.name(key))
    block = next(b for b in screen.panel.action_buttons
                 if b.label == translate("desktop.btn_block", "id"))
    assert not block.enabled
    driver.click(block.rect.center)
    assert screen.model.session.room.comments_enabled
    assert comment.viewer not in screen.model.session.room.blocked or any(
        isinstance(a, Block) and a.viewer == comment.viewer for a in screen.inputs[:screen.pos])
    assert list(screen.model.session.inputs) == list(screen.inputs[:screen.pos])
    # Tabs still switch, to look around.
    driver.key(pygame.K_TAB)
    assert screen.panel.tab is Tab.VIEWERS
    driver.frame()
    assert all(not b.enabled for b in screen.panel.action_buttons)
    driver.app.close()


def test_speed_buttons_keys_and_pause(session_file: Path) -> None:
    driver, screen = playback(session_file)
    driver.run(4)
    assert screen.now() == pytest.approx(4000, abs=150)
    driver.key(pygame.K_SPACE, text=" ")
    assert screen.paused
    before = screen.now()
    driver.run(10)
    assert screen.now() == before
    button = next(b for b in screen.buttons if b.label == "0,5×")
    driver.click(button.rect.center)
    assert screen.speed == 0.5 and not screen.paused
    driver.run(4)
    assert screen.now() - before == pytest.approx(2000, abs=150)
    driver.key(pygame.K_RIGHT)
    driver.key(pygame.K_RIGHT)
    assert screen.speed == 2.0
    driver.run(2)
    assert screen.now() - before == pytest.approx(6000, abs=300)
    driver.key(pygame.K_1, text="1")
    assert screen.speed == 0.5
    # F10 skips to the result: the rest is played at once and judged the same.
    driver.key(pygame.K_F10)
    debrief = driver.app.top
    assert isinstance(debrief, DebriefScreen)
    stored = json.loads(session_file.read_text(encoding="utf-8"))["scorecard"]
    assert debrief.card.to_json() == stored
    driver.app.close()


def test_the_quiz_after_a_replay_is_recorded_for_the_file(session_file: Path) -> None:
    from debrief import history

    driver, _ = playback(session_file, trainee="Bu Sari")
    driver.key(pygame.K_F10)
    driver.key(pygame.K_k, text="k")
    screen = driver.app.top
    assert isinstance(screen, QuizScreen)
    while not screen.done:
        for key in (pygame.K_1, pygame.K_1, pygame.K_3):
            driver.key(key)
    loaded = load(session_file, "id")
    rows = history.quizzes(history.session_key(loaded.record))
    assert [(r.trainee, r.total) for r in rows] == [("Bu Sari", len(screen.questions))]
    driver.app.close()


def test_no_screen_says_so_in_one_line(session_file: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("SDL_VIDEODRIVER", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    assert main(["--lang", "id", "replay", str(session_file), "--watch"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [translate("desktop.no_display", "id")]
    assert err == ""


def test_a_broken_file_gives_the_replay_message(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rusak.json"
    path.write_text('{"format": "gladi-session", "version": 1,\n  "seed": ', encoding="utf-8")
    assert main(["--lang", "id", "replay", str(path)]) == 2
    plain = capsys.readouterr().err
    assert main(["--lang", "id", "replay", str(path), "--watch"]) == 2
    out, err = capsys.readouterr()
    assert err == plain and "rusak.json" in err and out == ""


def test_a_session_that_no_longer_replays_is_not_shown(
        session_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from simulator import app as app_module

    opened: list[object] = []
    monkeypatch.setattr(app_module.App, "run", lambda self, start=None: opened.append(self))
    data = json.loads(session_file.read_text(encoding="utf-8"))
    data["scorecard"]["score"] += 10
    path = tmp_path / "diubah.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["--lang", "id", "replay", str(path), "--watch"]) == 1
    assert "TIDAK cocok" in capsys.readouterr().out
    assert opened == []


def test_watch_opens_the_playback_with_the_trainee_and_then_confirms(
        session_file: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from simulator import app as app_module

    shown: list[tuple[type, str, float]] = []

    def run(self: app_module.App, start: object = None) -> int:
        assert callable(start)
        start()
        self.step()
        top = self.top
        assert isinstance(top, PlaybackScreen)
        shown.append((type(top), self.trainee, top.speed))
        self.close()
        return 0

    monkeypatch.setattr(app_module.App, "run", run)
    assert main(["--lang", "en", "replay", str(session_file), "--watch", "--speed", "2"]) == 0
    assert shown == [(PlaybackScreen, "Bu Sari", 2.0)]
    assert "Replay matches" in capsys.readouterr().out


def test_english_small_window_and_large_text(session_file: Path) -> None:
    driver, screen = playback(session_file, size=(1024, 600), lang="en", large_text=True)
    driver.key(pygame.K_3, text="3")
    driver.run(60)
    labels = [b.label for b in screen.buttons]
    assert labels[:2] == [translate("playback.pause", "en"), "0.5×"]
    assert all(b.rect.right <= 1024 for b in screen.buttons)
    assert screen.stage.top >= screen.strip.bottom
    marked = [c for c in screen.model.comments if c.marker is not None]
    assert marked and all(c.handle.endswith(" · your action") for c in marked)
    driver.key(pygame.K_ESCAPE)  # skips to the result
    assert isinstance(driver.app.top, DebriefScreen)
    driver.frame()
    driver.app.close()


def test_a_desktop_session_with_trainer_and_moderator_inputs_plays_back(
        data_dir: Path) -> None:
    from moderation.actions import TRAINER, Inject, Mute
    from scenarios.taxonomy import InjectKind

    from .test_app import live, live_driver, wait_for_troll

    driver = live_driver("serbuan-troll", trainee="Bu Sari")
    _, troll = wait_for_troll(driver)
    model = live(driver).model
    assert model.act(Mute(t=model.now, actor="mod1", viewer=troll.viewer, duration=None,
                          comment=troll.id)) is None
    model.act(Inject(t=model.now, actor=TRAINER, kind=InjectKind.OFFICIAL_JOINS,
                     role="midwife"))
    driver.key(pygame.K_SPACE, text=" ")  # the host talks
    driver.end_live()
    saved = next((data_dir / "sessions").glob("*.json"))
    stored = json.loads(saved.read_text(encoding="utf-8"))["scorecard"]
    driver.app.close()

    driver, playing = playback(saved, speed=4.0)
    texts: set[tuple[str, str]] = set()
    while isinstance(driver.app.top, PlaybackScreen):
        driver.frame(0.5)
        texts |= {(c.handle, c.text) for c in playing.model.comments if c.marker is not None}
    mute = translate("playback.act_mute", "id", target=f"@{troll.handle}",
                     duration=translate("desktop.mute_whole", "id"))
    assert any(head.endswith("· mod1") and text == mute
               for head, text in texts)
    assert any(m.text == translate("playback.by", "id", actor="mod1", action=mute)
               for m in playing.marks)
    inject = translate("playback.act_inject", "id",
                       kind=translate("playback.inject_official_joins", "id"))
    assert any(head.endswith(translate("playback.trainer", "id")) and text == inject
               for head, text in texts)
    assert [m for m in playing.marks if not m.listed]  # the talk: a tick, not a row
    debrief = driver.app.top
    assert isinstance(debrief, DebriefScreen)
    assert debrief.card.to_json() == stored
    driver.app.close()


def test_clicking_the_timeline_seeks_both_ways(session_file: Path) -> None:
    driver, screen = playback(session_file)
    driver.run(2)
    bar = screen.bar
    driver.click((bar.left + bar.width // 2, bar.centery))
    half = screen.end_t // 2
    assert screen.now() == pytest.approx(half, abs=screen.end_t // bar.width + 1)
    played = [a for a in screen.inputs if a.t <= screen.now()]
    assert screen.pos == len(played) and len(screen.marks) == len(played)
    assert screen.model.now == screen.now()
    # Back to a quarter: a fresh playback, played up to there.
    driver.click((bar.left + bar.width // 4, bar.centery))
    again = driver.app.top
    assert isinstance(again, PlaybackScreen) and again is not screen
    assert again.now() == pytest.approx(screen.end_t // 4, abs=screen.end_t // bar.width + 1)
    assert list(again.model.session.inputs) == [a for a in again.inputs if a.t <= again.now()]
    driver.key(pygame.K_HOME)
    start = driver.app.top
    assert isinstance(start, PlaybackScreen) and start.now() == 0
    driver.key(pygame.K_F10)
    debrief = driver.app.top
    assert isinstance(debrief, DebriefScreen)
    assert debrief.card.to_json() == json.loads(session_file.read_text(encoding="utf-8"))[
        "scorecard"]
    driver.app.close()
