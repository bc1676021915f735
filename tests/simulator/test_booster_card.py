"""Home's booster card: a weak history shows it, a click or F5 plays the booster drill."""

from __future__ import annotations

from pathlib import Path

import pygame

from debrief import history
from debrief.booster import wrong_templates
from moderation import sessionfile
from moderation.autopilot import make_autopilot, run
from moderation.events import CommentPosted
from moderation.setup import load_setup
from simulator.screens.home import HomeScreen
from simulator.screens.live import LiveScreen
from simulator.screens.preflight import PreflightScreen
from simulator.storage import booster_for_home, save_session, trainee_sessions

from .conftest import Driver, make_app

#: Long ago: whatever the computer's date, the booster is due today.
LONG_AGO = "2020-01-06T08:00:00Z"


def record_idle_live(trainee: str, scenario: str = "serbuan-troll") -> tuple[str, ...]:
    """A live where nothing was moderated, in the history and saved as the desktop saves
    it; return the templates it got wrong, as the booster should bring them back."""
    session = load_setup(scenario).start(3)
    run(session, make_autopilot("idle", session))
    card = sessionfile.scorecard_of(session)
    history.record(session, card, trainee, "desktop", recorded_at=LONG_AGO)
    data = sessionfile.document(session, trainee=trainee, scenario=scenario, app="desktop")
    data["scorecard"] = card.to_json()
    save_session(data, scenario)
    return wrong_templates([card])


def home_driver(trainee: str = "") -> Driver:
    app, clock = make_app(trainee=trainee)
    app.start()
    driver = Driver(app, clock)
    driver.frame()
    assert isinstance(app.top, HomeScreen)
    return driver


def home(driver: Driver) -> HomeScreen:
    screen = driver.app.top
    assert isinstance(screen, HomeScreen)
    return screen


def test_a_weak_history_shows_the_card_and_a_click_plays_the_booster(data_dir: Path) -> None:
    wrong = record_idle_live("Bu Sari")
    assert wrong
    driver = home_driver("Bu Sari")
    screen = home(driver)
    lines = screen.booster_lines()
    assert lines is not None and screen.booster_rect is not None
    title, due = lines
    assert title.startswith("Latihan penguat 4 menit: ")
    assert "judi online" in title and "ujaran SARA" in title
    assert "jatuh tempo hari ini" in due
    # The scenario list moved under the card.
    assert all(rect.top > screen.booster_rect.bottom for _, rect in screen.cards)
    driver.click(screen.booster_rect.center)
    assert screen.booster_lines() == (title, "Menyiapkan latihan penguat…")
    driver.frame()
    preflight = driver.app.top
    assert isinstance(preflight, PreflightScreen)
    path = Path(preflight.scenario_id)
    assert path.parent == data_dir / "boosters" and path.is_file()
    assert preflight.scenario is not None and preflight.scenario.id == "booster-bu-sari"
    driver.key(pygame.K_RETURN)  # go live, as from any pre-flight
    live = driver.app.top
    assert isinstance(live, LiveScreen)
    session = live.model.session
    assert session.scenario.id == "booster-bu-sari"
    assert [s.template for s in session.scenario.scripted] == list(wrong)
    first = session.scenario.scripted[0]
    driver.run(first.at_s + 2)
    posted = {e.template for e in session.events if isinstance(e, CommentPosted)}
    assert first.template in posted
    assert driver.app.trainee == "Bu Sari"


def test_typing_the_name_brings_the_card_and_f5_starts_it(data_dir: Path) -> None:
    record_idle_live("Bu Sari")
    driver = home_driver()
    screen = home(driver)
    assert screen.booster_lines() is None and screen.booster_rect is None
    driver.key(pygame.K_TAB)  # type the name
    driver.type("bu sari")  # the history matches names in any letter case
    assert screen.booster_lines() is not None
    driver.key(pygame.K_F5)
    driver.frame()
    preflight = driver.app.top
    assert isinstance(preflight, PreflightScreen)
    assert preflight.scenario is not None and preflight.scenario.id == "booster-bu-sari"
    assert driver.app.trainee == "bu sari"


def test_no_name_or_no_history_no_card(data_dir: Path) -> None:
    driver = home_driver()
    screen = home(driver)
    assert screen.booster_lines() is None
    driver.key(pygame.K_F5)  # nothing to start: nothing happens
    driver.frame()
    assert driver.app.top is screen
    record_idle_live("Bu Sari")
    other = home_driver("Pak Joko")
    assert home(other).booster_lines() is None
    other.key(pygame.K_F5)
    assert isinstance(other.app.top, HomeScreen)


def test_a_broken_history_leaves_the_card_out_and_the_file_alone(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    broken = data_dir / "history.sqlite3"
    garbage = b"this is no database " * 200
    broken.write_bytes(garbage)
    assert booster_for_home("Bu Sari") is None
    driver = home_driver("Bu Sari")
    driver.run(0.5)
    assert home(driver).booster_lines() is None
    assert broken.read_bytes() == garbage


def test_the_desktop_finds_its_own_sessions_of_a_trainee(data_dir: Path) -> None:
    record_idle_live("Bu Sari", "live-pertama")
    record_idle_live("Pak Joko", "live-pertama")
    folder = data_dir / "sessions"
    (folder / "99999999-broken.json").write_text("{not json", encoding="utf-8")
    mine = trainee_sessions("BU SARI")
    assert len(mine) == 1 and mine[0].parent == folder
    assert trainee_sessions("") == [] and trainee_sessions("Ani") == []


def test_a_drill_that_cannot_be_written_says_why_on_the_card(data_dir: Path) -> None:
    record_idle_live("Bu Sari")
    (data_dir / "boosters").write_text("a file where the folder should be", encoding="utf-8")
    driver = home_driver("Bu Sari")
    screen = home(driver)
    driver.key(pygame.K_F5)
    driver.frame()
    assert driver.app.top is screen
    lines = screen.booster_lines()
    assert lines is not None and "tidak bisa ditulis" in lines[1]
    assert list(data_dir.glob("**/*.tmp")) == []
