"""The desktop app driven like a user: posted clicks and keys, a fake clock, no sleeps."""

from __future__ import annotations

import json
from pathlib import Path

import pygame
import pytest

from i18n import translate
from media.camera import CameraSource, FallbackCamera, SyntheticCamera
from media.frame import Image
from media.results import CheckResult, Level
from media.sources import Notice, SourceError, SourceLost
from moderation.judge import Outcome
from moderation.sessionfile import check_replay, parse, replay
from scenarios import load_content
from simulator.model import CommentView
from simulator.panel import Menu
from simulator.screen import Screen
from simulator.screens.debrief import DebriefScreen
from simulator.screens.home import HomeScreen
from simulator.screens.live import HelpScreen, LiveScreen, PauseScreen
from simulator.screens.preflight import PreflightScreen
from simulator.tabs import Tab

from .conftest import Driver, make_app


def live_driver(scenario: str = "serbuan-troll", **changes: object) -> Driver:
    app, clock = make_app(scenario=scenario, skip_preflight=True, **changes)
    app.start()
    driver = Driver(app, clock)
    driver.frame()
    assert isinstance(app.top, LiveScreen)
    return driver


def live(driver: Driver) -> LiveScreen:
    screen = driver.app.top
    assert isinstance(screen, LiveScreen)
    return screen


def top(driver: Driver) -> Screen | None:
    """The screen on top now (a fresh read: mypy must not carry an earlier narrowing over)."""
    return driver.app.top


def debrief(driver: Driver) -> DebriefScreen:
    screen = driver.app.top
    assert isinstance(screen, DebriefScreen)
    return screen


def wait_for_troll(driver: Driver, limit_s: float = 240) -> tuple[pygame.Rect, CommentView]:
    """Let the live run until a harmful comment shows in the panel's list (one the keyword
    filter did not already catch: viewers see it)."""
    screen = live(driver)
    truth = screen.model.session.truth
    for _ in range(round(limit_s * 10)):
        driver.frame(0.1)
        for rect, comment in screen.panel.comments.rows:
            if truth[comment.id].harmful and not comment.filtered:
                return rect, comment
    raise AssertionError("no troll comment appeared")


def button(screen: LiveScreen, label_key: str) -> pygame.Rect:
    label = screen.app.tr(label_key)
    panel = screen.panel
    for b in [*panel.action_buttons, *panel.host_buttons, *panel.menu_buttons,
              *panel.tab_buttons, *panel.item_buttons, *screen.buttons]:
        if b.label == label:
            return b.rect
    raise AssertionError(f"no button {label!r}")


def test_click_a_troll_block_it_and_see_it_in_the_scorecard(data_dir: Path) -> None:
    driver = live_driver()
    screen = live(driver)
    rect, troll = wait_for_troll(driver)
    driver.click(rect.center)
    assert screen.panel.comments.selected == troll.id
    driver.click(button(screen, "desktop.btn_block").center)
    room = screen.model.session.room
    assert troll.viewer in room.blocked
    assert not room.is_visible(troll.id)
    assert troll.id not in [c.id for c in screen.model.visible_comments()]
    assert troll.viewer not in screen.model.viewers
    assert screen.panel.status is not None and screen.panel.status.ok
    # End the live: the debrief shows, the troll counts as handled and the file is saved.
    driver.end_live()
    debrief = driver.app.top
    assert isinstance(debrief, DebriefScreen)
    item = next(i for i in debrief.card.items if i.id == troll.id)
    assert item.outcome is Outcome.HIT
    assert any(a == "host" for _, a, _ in item.responses)
    files = list((data_dir / "sessions").glob("*.json"))
    assert len(files) == 1
    rec = parse(files[0].read_text(encoding="utf-8"))
    assert rec.meta["scenario"] == "serbuan-troll"
    assert check_replay(rec, replay(rec, load_content(rec.scenario))) is None
    doc = json.loads(files[0].read_text(encoding="utf-8"))
    assert doc["scorecard"]["score"] == debrief.card.score


def test_keyboard_only_mute_with_a_duration() -> None:
    driver = live_driver()
    screen = live(driver)
    _, troll = wait_for_troll(driver)
    # Select the newest comment with the arrow keys until the troll is selected.
    driver.key(pygame.K_UP)
    for _ in range(20):
        if screen.panel.comments.selected == troll.id:
            break
        driver.key(pygame.K_UP)
    assert screen.panel.comments.selected == troll.id
    driver.key(pygame.K_m, text="m")
    assert screen.panel.menu is Menu.MUTE
    driver.key(pygame.K_2, text="2")  # the second preset
    room = screen.model.session.room
    preset = screen.model.session.scenario.settings.mute_presets_s[1]
    assert troll.viewer in room.muted
    assert preset is not None
    assert room.muted[troll.viewer] == pytest.approx(screen.model.now + preset * 1000, abs=2000)


def test_a_refused_action_shows_its_plain_hint() -> None:
    driver = live_driver()
    screen = live(driver)
    rect, troll = wait_for_troll(driver)
    driver.click(rect.center)
    driver.key(pygame.K_r, text="r")
    assert screen.panel.menu is Menu.REPORT
    driver.key(pygame.K_1, text="1")
    assert troll.id in screen.model.session.room.reported
    assert screen.panel.status is not None and screen.panel.status.ok
    driver.key(pygame.K_r, text="r")
    driver.key(pygame.K_1, text="1")  # reporting twice is refused
    assert screen.panel.status is not None
    assert screen.panel.status.text == translate("reject.already_reported", "id")
    assert not screen.panel.status.ok


def test_nothing_selected_says_what_to_do() -> None:
    driver = live_driver()
    driver.run(3)
    driver.key(pygame.K_b, text="b")
    status = live(driver).panel.status
    assert status is not None and status.text == translate("desktop.pick_comment_first", "id")
    assert not live(driver).model.session.room.blocked


def test_hovering_the_list_freezes_it_but_not_the_live() -> None:
    driver = live_driver()
    screen = live(driver)
    driver.run(20)
    driver.move(screen.panel.list_rect.center)
    before = [c.id for _, c in screen.panel.comments.rows]
    posted, now = screen.model.posted, screen.model.now
    x, y = screen.panel.list_rect.center
    for i in range(24):  # a quiet live may go a while without a comment
        driver.run(5)
        driver.move((x + i % 2, y))  # the pointer moves a little: the hold lasts
        if screen.model.posted > posted:
            break
    assert screen.model.now > now and screen.model.posted > posted  # the live goes on
    assert [c.id for _, c in screen.panel.comments.rows] == before  # the list stays put
    driver.move((5, 5))
    assert screen.panel.comments.freeze_seq is None


def test_pause_stops_the_live_clock() -> None:
    driver = live_driver()
    screen = live(driver)
    driver.run(5)
    driver.key(pygame.K_ESCAPE)
    assert isinstance(top(driver), PauseScreen)
    frozen = screen.clock.ms()
    driver.run(30)
    assert screen.clock.ms() == frozen
    driver.key(pygame.K_ESCAPE)
    assert top(driver) is screen
    driver.run(2)
    assert 1500 <= screen.model.now - frozen <= 2500


def test_keyword_filter_comments_off_and_talk() -> None:
    driver = live_driver()
    screen = live(driver)
    driver.run(2)
    driver.key(pygame.K_k, text="k")  # its text comes too: it must not be typed
    assert screen.panel.tab is Tab.FILTER and screen.panel.filter.field.focused
    driver.type("gladites")
    driver.key(pygame.K_RETURN)
    room = screen.model.session.room
    assert room.keywords[-1] == "gladites"  # not "kgladites"
    assert screen.panel.filter.field.text == ""
    driver.key(pygame.K_ESCAPE)  # leaves the field, does not pause
    assert driver.app.top is screen
    driver.key(pygame.K_c, text="c")
    assert not room.comments_enabled
    driver.click(button(screen, "desktop.btn_comments_on").center)
    assert room.comments_enabled
    driver.run(15)
    assert screen.model.dead_air_ms() > 0
    driver.key(pygame.K_SPACE, text=" ")
    assert screen.model.dead_air_ms() == 0


def test_language_switch_on_home_and_in_live() -> None:
    app, clock = make_app()
    app.start()
    driver = Driver(app, clock)
    driver.frame()
    home = app.top
    assert isinstance(home, HomeScreen)
    assert home.start_button is not None
    assert home.start_button.label == translate("desktop.start", "id")
    driver.key(pygame.K_F2)
    assert app.lang == "en"
    assert home.start_button.label == translate("desktop.start", "en")
    # The language buttons work too.
    indonesian = next(b for b in home.buttons if b.label == "Bahasa Indonesia")
    driver.click(indonesian.rect.center)
    assert app.lang == "id"
    app.close()


def test_home_to_preflight_quiz_to_live(data_dir: Path) -> None:
    app, clock = make_app()
    app.start()
    driver = Driver(app, clock)
    driver.frame()
    home = app.top
    assert isinstance(home, HomeScreen)
    driver.click(home.name.rect.center)
    driver.type("Bu Sari")
    driver.key(pygame.K_RETURN)
    assert app.trainee == "Bu Sari"
    pre = app.top
    assert isinstance(pre, PreflightScreen)
    driver.run(1)
    assert app.camera is not None and app.camera.view is not None
    assert pre.frame is not None
    driver.key(pygame.K_3, text="3")  # 18 years: right
    driver.key(pygame.K_1, text="1")  # followers: wrong
    assert pre.answers == {0: 2, 1: 0}
    driver.key(pygame.K_RETURN)
    assert isinstance(app.top, LiveScreen)
    app.close()


def test_starts_without_a_camera(monkeypatch: pytest.MonkeyPatch) -> None:
    import media.camera

    def no_device(index: int, *_: object) -> object:
        raise SourceError("camera_missing", index=index)

    monkeypatch.setattr(media.camera, "DeviceCamera", no_device)
    driver = live_driver(camera=None)
    driver.run(1)
    camera = driver.app.camera
    assert camera is not None and camera.synthetic
    assert camera.view is not None  # the test card is on the stage
    assert [n.key for n in camera.notices] == ["no_camera_found"]
    texts = [text for text, _ in live(driver).warnings]
    assert translate("desktop.warn_no_camera", "id") in texts


class _Unplugged:
    """A camera that works for a few frames, then is unplugged."""

    live = True
    fps = 30.0

    def __init__(self) -> None:
        self.reads = 0

    def read(self) -> Image:
        self.reads += 1
        if self.reads > 5:
            raise SourceLost("camera 0")
        return SyntheticCamera().read()

    def describe(self) -> Notice:
        return Notice.make("source_camera_device", index=0)

    def close(self) -> None:
        pass


def test_camera_unplugged_mid_session_falls_back_with_a_banner() -> None:
    def opener(spec: str | None) -> tuple[CameraSource, list[Notice]]:
        return FallbackCamera(_Unplugged()), []

    driver = live_driver(camera="0", extra={"camera_kwargs": {"opener": opener}})
    driver.run(2)
    camera = driver.app.camera
    assert camera is not None and camera.fell_back
    texts = [text for text, serious in live(driver).warnings if serious]
    assert translate("desktop.warn_camera_lost", "id") in texts
    assert camera.view is not None


def test_the_noisy_room_warning_waits_for_a_pause_in_the_hosts_talk() -> None:
    driver = live_driver(use_mic=True, mic="synthetic")
    driver.run(0.5)
    mic = driver.app.mic
    assert mic is not None
    noisy = translate("desktop.warn_noisy", "id")
    mic.results = [CheckResult.make("noise", Level.FAIL, -30.0, "dBFS", "noisy_room")]
    mic.speaking = True
    assert noisy not in [text for text, _ in live(driver)._warnings()]
    mic.speaking = False
    assert (noisy, True) in live(driver)._warnings()


def test_closing_the_window_mid_live_saves_the_session(data_dir: Path) -> None:
    driver = live_driver()
    driver.run(3)
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    driver.frame()
    assert not driver.app.running
    assert len(list((data_dir / "sessions").glob("*.json"))) == 1


def test_guest_request_official_and_gift_from_the_keyboard() -> None:
    from moderation.actions import TRAINER, Inject
    from scenarios.taxonomy import InjectKind

    driver = live_driver("live-pertama")
    screen = live(driver)
    driver.run(3)
    model = screen.model
    now = model.now
    model.act(Inject(t=now, actor=TRAINER, kind=InjectKind.GUEST_REQUEST, count=1))
    model.act(Inject(t=now, actor=TRAINER, kind=InjectKind.OFFICIAL_JOINS, role="midwife"))
    driver.run(1)
    assert model.open_requests()
    driver.key(pygame.K_a, text="a")
    room = model.session.room
    assert len(room.guests) == 1
    official = model.officials[-1][0]
    driver.key(pygame.K_w, text="w")
    assert official in room.welcomed
    # Guests tab: remove the guest with its button.
    driver.key(pygame.K_TAB)
    driver.key(pygame.K_TAB)
    driver.key(pygame.K_TAB)
    assert screen.panel.tab is Tab.GUESTS
    driver.frame()
    driver.click(button(screen, "desktop.remove").center)
    assert room.guests == []


def test_every_screen_draws_at_other_sizes_and_with_large_text() -> None:
    for size in ((1024, 600), (1920, 1080)):
        app, clock = make_app(size=size)
        app.start()
        driver = Driver(app, clock)
        driver.frame()
        driver.key(pygame.K_F3)
        assert app.large_text
        driver.key(pygame.K_RETURN)  # pre-flight
        driver.run(0.5)
        driver.key(pygame.K_RETURN)  # live
        driver.run(30)
        screen = live(driver)
        for _ in range(5):
            driver.key(pygame.K_TAB)
        driver.end_live()
        assert isinstance(app.top, DebriefScreen)
        driver.frame()
        assert screen.stage.right < screen.panel.rect.left <= size[0]
        app.close()


def test_viewer_tab_mutes_a_named_viewer() -> None:
    driver = live_driver()
    screen = live(driver)
    driver.run(20)
    driver.key(pygame.K_TAB)
    assert screen.panel.tab is Tab.VIEWERS
    driver.frame()
    rect, vid, _handle = screen.panel.viewers.rows[0]
    driver.click(rect.center)
    assert screen.panel.viewers.selected == vid
    driver.click(button(screen, "desktop.btn_mute").center)
    driver.click(button(screen, "desktop.mute_whole").center)
    assert screen.model.session.room.is_muted(vid, screen.model.now)


def test_a_resting_mouse_keeps_the_list_held_and_the_pill_resumes_it() -> None:
    driver = live_driver()
    screen = live(driver)
    driver.run(5)
    driver.move(screen.panel.list_rect.center)
    driver.run(5)
    assert screen.panel.comments.freeze_seq is not None
    driver.run(60)  # a slow reader: the pointer rests for a minute, the list waits
    assert screen.panel.comments.freeze_seq is not None
    driver.run(1)
    driver.click(screen.panel.comments.pill.center)
    assert screen.panel.comments.freeze_seq is None
    driver.move((screen.panel.list_rect.centerx, screen.panel.list_rect.centery + 1))
    driver.run(1)
    assert screen.panel.comments.freeze_seq is not None
    pygame.event.post(pygame.event.Event(pygame.WINDOWLEAVE))
    driver.frame()
    assert screen.panel.comments.freeze_seq is None  # the pointer left the window


def test_unmute_from_the_viewers_tab_and_notices_on_stage() -> None:
    from moderation.actions import TRAINER, Inject
    from scenarios.taxonomy import InjectKind

    driver = live_driver()
    screen = live(driver)
    driver.run(20)
    driver.key(pygame.K_TAB)
    driver.frame()
    rect, vid, _ = screen.panel.viewers.rows[0]
    driver.click(rect.center)
    driver.key(pygame.K_m, text="m")
    driver.key(pygame.K_5, text="5")
    room = screen.model.session.room
    assert room.is_muted(vid, screen.model.now)
    driver.key(pygame.K_u, text="u")
    assert not room.is_muted(vid, screen.model.now)
    screen.model.act(Inject(t=screen.model.now, actor=TRAINER, kind=InjectKind.OFFICIAL_JOINS,
                            role="village_head"))
    driver.frame()
    assert [n.key for n in screen.model.active_notices()][-1] == "desktop.notice_official"


def test_resizing_the_window_lays_the_screens_out_again() -> None:
    driver = live_driver()
    screen = live(driver)
    driver.run(2)
    wide = screen.stage.copy()
    driver.app.surface = pygame.display.set_mode((1920, 1080), pygame.RESIZABLE)
    pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, size=(1920, 1080), w=1920, h=1080))
    driver.frame()
    assert screen.stage.height > wide.height
    assert driver.app.fonts.scale > 1.0


def test_try_again_with_a_scenario_file(tmp_path: Path) -> None:
    from scenarios.loader import load_scenario

    source = load_scenario("live-pertama")
    path = tmp_path / "mine.yaml"
    data = source.model_dump(mode="json")
    data["id"] = "latihan-saya"
    import yaml

    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    driver = live_driver(str(path))
    driver.run(2)
    driver.end_live()
    assert isinstance(driver.app.top, DebriefScreen)
    driver.key(pygame.K_RETURN)  # try again: the same file, a fresh live
    again = live(driver)
    assert again.model.session.scenario.id == "latihan-saya"
    assert again.model.now == 0


def test_filter_and_moderator_lists_from_the_keyboard() -> None:
    driver = live_driver()
    screen = live(driver)
    room = screen.model.session.room
    for word in ("gladiuji", "gladicoba"):
        driver.key(pygame.K_k, text="k")
        driver.type(word)
        driver.key(pygame.K_RETURN)
        driver.key(pygame.K_ESCAPE)  # the field keeps the keyboard until Esc
    words = list(room.keywords)
    assert words[-2:] == ["gladiuji", "gladicoba"]
    driver.key(pygame.K_1 + len(words) - 1, text=str(len(words)))
    assert "gladicoba" not in room.keywords and "gladiuji" in room.keywords
    driver.key(pygame.K_TAB)  # guests
    driver.key(pygame.K_TAB)  # moderators
    assert screen.panel.tab is Tab.MODERATORS
    driver.key(pygame.K_RETURN)
    driver.type("Bu Rina")
    driver.key(pygame.K_RETURN)
    assert "Bu Rina" in room.moderators
    driver.key(pygame.K_ESCAPE)
    index = list(room.moderators).index("Bu Rina")
    driver.key(pygame.K_1 + index, text=str(index + 1))
    assert "Bu Rina" not in room.moderators


class _TalkingMic:
    """A real-looking microphone that hears the host talking (or not)."""

    live = True
    level_db = -20.0
    results: list[object] = []
    notices: list[object] = []

    def __init__(self) -> None:
        self.speaking = True

    def poll(self) -> None:
        pass

    def stop(self) -> None:
        pass


def test_the_microphone_voice_keeps_dead_air_away() -> None:
    driver = live_driver()
    screen = live(driver)
    mic = _TalkingMic()
    driver.app.mic = mic  # type: ignore[assignment]
    driver.run(30)
    assert screen.model.dead_air_ms() == 0
    talks = [a for a in screen.model.session.inputs if a.type == "talk"]
    assert len(talks) >= 15
    mic.speaking = False
    driver.run(15)
    assert screen.model.dead_air_ms() > 0


def test_f1_lists_the_shortcuts_and_stops_the_clock() -> None:
    driver = live_driver()
    screen = live(driver)
    driver.run(2)
    driver.key(pygame.K_F1)
    help_screen = driver.app.top
    assert isinstance(help_screen, HelpScreen)
    lines = help_screen.lines()
    assert f"B  {translate('desktop.btn_block', 'id')}" in lines
    frozen = screen.clock.ms()
    driver.run(5)
    assert screen.clock.ms() == frozen
    driver.key(pygame.K_SPACE, text=" ")
    assert top(driver) is screen


def test_a_finished_live_is_in_the_training_history(data_dir: Path) -> None:
    history = pytest.importorskip("debrief.history")
    driver = live_driver("live-pertama", trainee="Bu Sari")
    driver.run(3)
    driver.end_live()
    card = debrief(driver).card
    rows = history.attempts("Bu Sari")
    assert [(r.scenario, r.source, r.score) for r in rows] == [
        ("live-pertama", "desktop", card.score)]
    assert driver.app.save_error is None


def test_switch_camera_in_preflight_cycles_sources() -> None:
    asked: list[str | None] = []

    def opener(spec: str | None) -> tuple[CameraSource, list[Notice]]:
        asked.append(spec)
        if spec == "1":
            raise SourceError("camera_missing", index=1)
        return SyntheticCamera(), []

    app, clock = make_app(camera="synthetic", scenario="live-pertama",
                          extra={"camera_kwargs": {"opener": opener}})
    app.start()
    driver = Driver(app, clock)
    driver.run(0.5)
    assert isinstance(app.top, PreflightScreen)
    driver.key(pygame.K_c, text="c")
    driver.key(pygame.K_c, text="c")
    driver.run(0.5)
    assert asked == ["synthetic", "0", "1"]
    assert app.camera is not None and app.camera.error == "camera_missing"
    assert app.camera.view is not None  # the test card stands in
    driver.click(next(b for b in app.top.buttons
                      if b.label == translate("desktop.switch_camera", "id")).rect.center)
    assert asked[-1] == "synthetic" and app.camera.error is None
    app.close()
