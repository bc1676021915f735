"""The desktop app as a cadre uses it: no accidental actions, honest scores, a list that
holds still, a window that fits the screen, text that shows what the trolls wrote.

Each test plays what a user did (posted keys and clicks, a fake clock); see
docs/desktop.md.
"""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest
import yaml

from i18n import translate
from moderation.actions import AddModerator, Undo
from moderation.judge import Outcome
from moderation.sessionfile import check_replay, parse, replay
from scenarios import load_content
from scenarios.loader import load_scenario
from simulator.app import window_size
from simulator.desk import Applied
from simulator.intents import HOLD_S, QUIET_S, Intent, TypingGuard
from simulator.model import CommentView, GiftView
from simulator.screens.debrief import DebriefScreen
from simulator.screens.home import HomeScreen
from simulator.screens.live import ConfirmEndScreen, HelpScreen
from simulator.storage import scores_for_home
from simulator.widgets import Button

from .conftest import Driver, make_app
from .test_app import button, live, live_driver, top, wait_for_troll


def wait_for(driver: Driver, harmful: bool, limit_s: float = 240) -> tuple[pygame.Rect,
                                                                          CommentView]:
    """Run until the list shows a comment viewers can see that is harmful (or harmless)."""
    screen = live(driver)
    truth = screen.model.session.truth
    for _ in range(round(limit_s * 10)):
        driver.frame(0.1)
        for rect, comment in screen.panel.comments.rows:
            if truth[comment.id].harmful is harmful and not comment.filtered:
                return rect, comment
    raise AssertionError("no such comment appeared")


def type_quickly(driver: Driver, text: str, gap_s: float) -> None:
    """Type ``text`` at one character every ``gap_s`` seconds, as SDL reports it."""
    for char in text:
        driver.tap(ord(char), text=char)
        driver.frame(gap_s)


# ------------------------------------------------------------------ no accidental actions


@pytest.mark.parametrize("gap_s", [0.08, 0.25])
def test_typing_words_into_the_comment_list_fires_no_shortcut(gap_s: float) -> None:
    """The issue's reproduction: 7 actions in 2 s, a SARA comment pinned. Now none."""
    driver = live_driver()
    screen = live(driver)
    rect, _troll = wait_for_troll(driver)
    driver.click(rect.center)  # the list has the focus, the pointer rests on it
    room = screen.model.session.room
    inputs = len(screen.model.session.inputs)

    type_quickly(driver, "gacor g4c0r pribumi aseng", gap_s)
    driver.run(2)

    assert len(screen.model.session.inputs) == inputs  # no action, not even a refused one
    assert room.comments_enabled and room.pinned is None
    assert not room.blocked and not room.reported and not room.muted
    status = screen.panel.status
    assert status is not None and status.text == translate("desktop.typing_ignored", "id")
    # A shortcut pressed on its own still works.
    driver.key(pygame.K_c, text="c")
    assert not room.comments_enabled


def test_a_menu_key_and_its_number_pressed_quickly_still_mute() -> None:
    driver = live_driver()
    screen = live(driver)
    rect, troll = wait_for_troll(driver)
    driver.click(rect.center)
    driver.tap(pygame.K_m, text="m")
    driver.frame(0.1)
    driver.tap(pygame.K_2, text="2")
    driver.run(1)
    assert troll.viewer in screen.model.session.room.muted


def test_shortcuts_never_fire_while_a_text_field_has_the_keyboard() -> None:
    driver = live_driver()
    screen = live(driver)
    driver.run(3)
    driver.key(pygame.K_k, text="k")
    assert screen.panel.filter.field.focused
    inputs = len(screen.model.session.inputs)
    for char in "bcp m":
        driver.key(ord(char), text=char)
    assert screen.panel.filter.field.text == "bcp m"
    assert len(screen.model.session.inputs) == inputs


def test_the_typing_guard_holds_a_letter_and_drops_a_word() -> None:
    guard = TypingGuard()
    assert guard.press(Intent.BLOCK, 10.0) == ([], False)
    assert guard.due(10.0 + HOLD_S / 2) is None
    assert guard.due(10.0 + HOLD_S) is Intent.BLOCK
    assert guard.press(Intent.PIN, 20.0) == ([], False)
    assert guard.press(Intent.COMMENTS_ON_OFF, 20.1) == ([], True)  # a second letter: a word
    assert guard.due(20.2) is None
    assert guard.press(Intent.BLOCK, 20.1 + QUIET_S / 2) == ([], True)  # still typing
    assert guard.due(20.1 + QUIET_S) is None
    assert guard.press(Intent.BLOCK, 30.0) == ([], False)  # after a pause: a shortcut again
    assert guard.due(30.0 + HOLD_S) is Intent.BLOCK


def test_a_slip_is_undone_and_not_held_against_the_trainee(data_dir: Path) -> None:
    driver = live_driver()
    screen = live(driver)
    model = screen.model
    rect, mother = wait_for(driver, harmful=False)
    driver.click(rect.center)
    driver.key(pygame.K_b, text="b")  # blocks a harmless viewer by mistake
    room = model.session.room
    assert mother.viewer in room.blocked
    undo = screen.panel.undo_button
    assert undo is not None and undo.shortcut == "Z"
    driver.run(2)
    driver.click(undo.rect.center)
    assert mother.viewer not in room.blocked
    assert screen.panel.undo_button is None
    # Pin, then undo with the key; comments off, then undo.
    _, question = wait_for(driver, harmful=False)
    screen.panel.comments.selected = question.id
    driver.key(pygame.K_p, text="p")
    assert room.pinned == question.id
    driver.key(pygame.K_z, text="z")
    assert room.pinned is None
    driver.key(pygame.K_c, text="c")
    driver.key(pygame.K_z, text="z")
    assert room.comments_enabled
    # Too late: after a few seconds the offer is gone and Z says so.
    driver.key(pygame.K_c, text="c")
    driver.run(6)
    assert screen.panel.undo_button is None
    driver.key(pygame.K_z, text="z")
    assert not room.comments_enabled
    assert screen.panel.status is not None
    assert screen.panel.status.text == translate("reject.nothing_to_undo", "id")
    # The debrief counts what was left: no false alarm for the undone block.
    driver.end_live()
    card = driver.app.top
    assert isinstance(card, DebriefScreen)
    blocked = [i for i in card.card.items if i.viewer == mother.viewer]
    assert all(i.outcome is not Outcome.FALSE_ALARM for i in blocked)
    assert card.card.actors["host"].false_alarms == 0
    # The undo is in the saved session, which replays exactly.
    saved = parse(next((data_dir / "sessions").glob("*.json")).read_text(encoding="utf-8"))
    assert sum(isinstance(a, Undo) for a in saved.inputs) == 4  # the late one refused
    assert check_replay(saved, replay(saved, load_content(saved.scenario))) is None


def test_ending_the_live_asks_first() -> None:
    driver = live_driver()
    screen = live(driver)
    driver.run(3)
    driver.key(pygame.K_F10)
    assert isinstance(driver.app.top, ConfirmEndScreen)
    frozen = screen.clock.ms()
    driver.run(5)
    assert screen.clock.ms() == frozen  # the live waits for the answer
    driver.key(pygame.K_ESCAPE)
    assert top(driver) is screen and not screen.finished
    driver.click(button(screen, "desktop.end_live").center)
    confirm = driver.app.top
    assert isinstance(confirm, ConfirmEndScreen)
    yes = next(b for b in confirm.buttons
               if b.label == translate("desktop.confirm_end_yes", "id"))
    driver.click(yes.rect.center)
    assert isinstance(driver.app.top, DebriefScreen)


# ------------------------------------------------------------------ honest scores


def short_scenario(folder: Path, seconds: int = 40) -> Path:
    """live-pertama cut to ``seconds``, as a scenario file, so a test can play it to the end."""
    data = load_scenario("live-pertama").model_dump(mode="json")
    data.update(id="live-singkat", duration_s=seconds, injects=[],
                phases=data["phases"][:1],
                scripted=[s for s in data["scripted"] if s["at_s"] < seconds])
    path = folder / "singkat.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_live_ended_early_is_stopped_never_a_pass(tmp_path: Path) -> None:
    history = pytest.importorskip("debrief.history")
    path = short_scenario(tmp_path)
    driver = live_driver(str(path), trainee="Bu Sari")
    driver.run(10)
    driver.end_live()
    early = driver.app.top
    assert isinstance(early, DebriefScreen)
    verdict, passed = early.verdict()
    assert not passed and early.stopped_at == pytest.approx(10, abs=0.5)
    assert verdict.startswith("Dihentikan di 0:1")
    [attempt] = history.attempts("Bu Sari")
    assert attempt.stopped and not attempt.passed
    # Home: a stopped live is not the last score.
    results = scores_for_home("Bu Sari")
    assert "live-singkat" not in results.scores and "live-singkat" in results.stopped
    # Played to its end, it counts.
    driver.key(pygame.K_RETURN)  # try again
    driver.run(45, fps=4)
    done = driver.app.top
    assert isinstance(done, DebriefScreen) and done.stopped_at is None
    assert done.verdict() == (translate("judge.passed" if done.card.passed
                                        else "judge.not_passed", "id"), done.card.passed)
    assert scores_for_home("Bu Sari").scores["live-singkat"] == pytest.approx(done.card.score)


def test_closing_the_window_mid_live_saves_a_stopped_session() -> None:
    history = pytest.importorskip("debrief.history")
    driver = live_driver("live-pertama", trainee="Bu Wati")
    driver.run(30)
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    driver.frame()
    [attempt] = history.attempts("Bu Wati")
    assert attempt.stopped_at_s == pytest.approx(30, abs=0.5) and not attempt.passed


# ------------------------------------------------------------------ hold still


def test_rows_under_the_pointer_do_not_move_after_an_action() -> None:
    driver = live_driver()
    screen = live(driver)
    comments = screen.panel.comments
    rect, troll = wait_for_troll(driver)
    driver.click(rect.center)
    before = [(r.copy(), c.id) for r, c in comments.rows]
    driver.key(pygame.K_d, text="d")  # delete the troll's comment
    assert not screen.model.session.room.is_visible(troll.id)
    driver.run(3)
    after = [(r.copy(), c.id) for r, c in comments.rows]
    assert after == before  # the deleted comment keeps its row, greyed
    gone = next(c for _, c in comments.rows if c.id == troll.id)
    assert gone.hidden == "deleted"
    driver.move((5, 5))  # the pointer leaves: the list catches up
    driver.frame()
    assert troll.id not in [c.id for _, c in comments.rows]


# ------------------------------------------------------------------ the window and the text


def test_the_window_opens_sized_to_the_screen() -> None:
    assert window_size((1920, 1080)) == (1366, 768)
    assert window_size((1366, 768)) == (1366, 688)  # room for the taskbar and title bar
    assert window_size((1280, 720)) == (1280, 640)
    assert window_size((800, 600)) == (1024, 600)  # the smallest layout that works


def _overlaps(rects: list[pygame.Rect]) -> list[tuple[pygame.Rect, pygame.Rect]]:
    return [(a, b) for i, a in enumerate(rects) for b in rects[i + 1:] if a.colliderect(b)]


def _inside(buttons: list[Button], size: tuple[int, int]) -> bool:
    window = pygame.Rect((0, 0), size)
    return all(window.contains(b.rect) for b in buttons)


@pytest.mark.parametrize("size", [(1280, 640), (1366, 688), (1024, 600)])
@pytest.mark.parametrize("large", [False, True])
def test_home_live_and_debrief_fit_without_overlap(size: tuple[int, int], large: bool) -> None:
    app, clock = make_app(size=size, large_text=large)
    app.start()
    driver = Driver(app, clock)
    driver.frame()
    home = app.top
    assert isinstance(home, HomeScreen)
    assert _inside(home.buttons, size) and not _overlaps([b.rect for b in home.buttons])
    assert home.hint.bottom <= home.start_button.rect.top if home.start_button else False
    assert all(pygame.Rect((0, 0), size).contains(r) for _, r in home.cards)
    driver.key(pygame.K_RETURN, mod=pygame.KMOD_CTRL)
    driver.run(20)
    screen = live(driver)
    panel = screen.panel
    buttons = [*panel.action_buttons, *panel.host_buttons, *panel.tab_buttons, *screen.buttons]
    assert _inside(buttons, size) and not _overlaps([b.rect for b in buttons])
    assert screen.stage.bottom <= size[1] and screen.stage.right < panel.rect.left
    driver.end_live()
    debrief = app.top
    assert isinstance(debrief, DebriefScreen)
    driver.frame()
    rects = [b.rect for b in debrief.buttons]
    assert _inside(debrief.buttons, size) and not _overlaps(rects)
    assert debrief.left.bottom < debrief.saved_at < min(r.top for r in rects)
    assert not debrief.left.colliderect(debrief.key_rect)
    app.close()


def test_the_wheel_scrolls_the_home_list_without_changing_the_choice() -> None:
    app, clock = make_app(size=(1280, 640))
    app.start()
    driver = Driver(app, clock)
    driver.frame()
    home = app.top
    assert isinstance(home, HomeScreen)
    pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-2, flipped=False))
    driver.frame()
    assert home.selected == 0 and home.first == 2
    pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=5, flipped=False))
    driver.frame()
    assert home.selected == 0 and home.first == 0
    app.close()


def test_f1_lists_the_keys_beside_the_stage() -> None:
    driver = live_driver()
    screen = live(driver)
    driver.run(2)
    driver.key(pygame.K_F1)
    help_screen = driver.app.top
    assert isinstance(help_screen, HelpScreen)
    assert help_screen.area().left >= screen.stage.right  # the stage stays in view
    assert any(line.startswith("↑ ↓") for line in help_screen.lines())
    assert driver.app.fonts.clean("↑ ↓ ←") == "↑ ↓ ←"  # drawn, not dropped


def test_long_gift_banners_and_pinned_comments_end_with_an_ellipsis() -> None:
    driver = live_driver()
    screen = live(driver)
    fonts = driver.app.fonts
    gift = GiftView("g1", "bunda_" + "sangat_panjang" * 4, "jari_hati", 5, 3, 0)
    label = screen.gift_label(gift, 300)
    assert label.endswith("…") and fonts.font("small", True).size(label)[0] <= 300
    assert "Jari Hati" in screen.gift_label(gift, 2000)  # the gift's name, never its id
    lines = fonts.lines("kak " * 60, "small", 200, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")


def test_look_alike_letters_are_drawn_and_read_out() -> None:
    driver = live_driver()
    fonts = driver.app.fonts
    for text in ("ＳＬＯＴ ＧＡＣＯＲ", "𝙜𝙖𝙘𝙤𝙧", "ᴀsɪɴɢ", "раѕ", "ⓢⓛⓞⓣ", "🎰🔥🙏😂"):
        assert fonts.clean(text) == text  # the font has every glyph: none is replaced
    narrow = fonts.font("body").size("SLOT GACOR")[0]
    assert fonts.font("body").size("ＳＬＯＴ ＧＡＣＯＲ")[0] > narrow * 1.3  # full-width looks wide
    screen = live(driver)
    model = screen.model
    disguised = CommentView("c998", "v1", "troll", "ＳＬＯＴ ＧＡＣＯＲ", 0, seq=10**6)
    plain = CommentView("c999", "v2", "troll", "SLOT GACOR", 0, seq=10**6 + 1)
    for view in (disguised, plain):
        model.comments.append(view)
        model.by_id[view.id] = view
    driver.frame()
    rows = {c.id: r for r, c in screen.panel.comments.rows}
    # The disguised one has one more line: what it reads in plain letters.
    assert rows["c998"].height == rows["c999"].height + fonts.line_height("tiny")


def test_without_a_microphone_the_dead_air_warning_names_space() -> None:
    driver = live_driver()
    driver.run(25)
    texts = [text for text, _ in live(driver).warnings]
    assert any(translate("desktop.btn_talk", "id").split(" ")[0] in t and "Spasi" in t
               for t in texts)


def test_moderators_are_listed_with_their_rights_in_words() -> None:
    driver = live_driver()
    screen = live(driver)
    panel = screen.panel
    room = screen.model.session.room
    if not room.moderators:
        assert screen.model.take(AddModerator(t=panel.now(), name="Bu Rina")) == Applied()
    name = next(iter(room.moderators))
    label = panel.moderators.label(1, name)
    assert translate("desktop.permission_moderate", "id") in label
    assert "moderate" not in label and "comments" not in label
