"""The post-drill quiz in the app: opened from the debrief, answered by clicks, saved."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from debrief import history, quiz as core, timeline
from debrief.session import Loaded, load
from i18n import translate
from simulator.screens.debrief import DebriefScreen
from simulator.screens.quiz import QuizScreen

from .conftest import Driver
from .test_app import live_driver


def debrief_after(seconds: float, scenario: str = "serbuan-troll",
                  trainee: str = "Bu Sari") -> Driver:
    driver = live_driver(scenario, trainee=trainee)
    driver.run(seconds)
    driver.end_live()
    assert isinstance(driver.app.top, DebriefScreen)
    driver.frame()
    return driver


def quiz_screen(driver: Driver) -> QuizScreen:
    screen = driver.app.top
    assert isinstance(screen, QuizScreen)
    return screen


def test_the_quiz_is_answered_by_clicks_and_lands_in_the_history(data_dir: Path) -> None:
    driver = debrief_after(60)
    debrief = driver.app.top
    assert isinstance(debrief, DebriefScreen)
    quiz_button = next(b for b in debrief.buttons if b.label == translate("quizapp.open", "id"))
    driver.click(quiz_button.rect.center)
    screen = quiz_screen(driver)
    questions = screen.questions
    assert 3 <= len(questions) <= 5
    # The same questions `gladi quiz` asks for the saved file.
    saved = next((data_dir / "sessions").glob("*.json"))
    loaded = load(saved, "id")
    assert questions == core.draw(loaded.card.items, seed=loaded.record.seed,
                                  translations=dict(_translations(loaded)))
    plan = []
    for n, q in enumerate(questions):
        driver.frame()
        # How sure cannot be clicked before the kind and the action.
        driver.click(screen.choices["confidence"][3].rect.center)
        assert screen.index == n and len(screen.answers) == n
        # Right kind on every question; the right action on all but the first.
        kind = q.kinds.index(q.kind)
        action = q.actions.index(q.action) if n else \
            next(i for i, a in enumerate(q.actions) if a != q.action)
        driver.click(screen.choices["kind"][kind].rect.center)
        driver.click(screen.choices["action"][action].rect.center)
        assert screen.choices["kind"][kind].selected
        driver.click(screen.choices["confidence"][n % 4].rect.center)
        plan.append(core.Answer(q.kinds[kind], q.actions[action], n % 4 + 1))
    assert screen.done and screen.result is not None
    assert screen.result == core.score(questions, plan)
    assert screen.result.correct == len(questions) - 1
    assert screen.saved is True
    driver.frame()  # the result view draws
    rows = history.quizzes(history.session_key(loaded.record))
    assert [(r.trainee, r.total, r.correct) for r in rows] == [
        ("Bu Sari", len(questions), len(questions) - 1)]
    assert rows[0].answers == screen.result.to_json()
    attempt = history.attempts("Bu Sari")[-1]
    assert attempt.quiz == (len(questions) - 1, len(questions))
    # Back to the debrief: the button now shows the result; reopening does not ask again.
    driver.key(pygame.K_ESCAPE)
    assert driver.app.top is debrief
    label = translate("quizapp.open_done", "id", correct=len(questions) - 1, total=len(questions))
    assert any(b.label == label for b in debrief.buttons)
    driver.key(pygame.K_k, text="k")
    assert quiz_screen(driver).done
    driver.key(pygame.K_RETURN)
    assert driver.app.top is debrief
    assert len(history.quizzes()) == 1


def _translations(loaded: Loaded) -> dict[str, str]:
    session = loaded.session
    return timeline.translations(session.events, session.content.by_id)


def test_keys_fill_the_rows_backspace_undoes_and_english_is_there() -> None:
    driver = debrief_after(40)
    driver.key(pygame.K_k, text="k")
    screen = quiz_screen(driver)
    driver.key(pygame.K_F2)
    assert driver.app.lang == "en"
    q = screen.questions[0]
    assert [c.label for c in screen.choices["kind"]] == [translate(f"judge.cat_{k}", "en")
                                                          for k in q.kinds]
    driver.frame()
    driver.key(pygame.K_2, text="2")
    driver.key(pygame.K_3, text="3")
    assert (screen.kind, screen.action) == (1, 2)
    driver.key(pygame.K_BACKSPACE)
    assert (screen.kind, screen.action) == (1, None)
    driver.key(pygame.K_4, text="4")
    driver.key(pygame.K_1, text="1")  # confidence: commits
    assert screen.answers == [core.Answer(q.kinds[1], q.actions[3], 1)]
    assert screen.index == 1
    while not screen.done:
        for key in (pygame.K_1, pygame.K_1, pygame.K_4):
            driver.key(key)
    assert screen.result is not None and screen.result.total == len(screen.questions)
    driver.frame()


def test_a_history_that_cannot_be_written_is_shown_not_raised(
        monkeypatch: pytest.MonkeyPatch) -> None:
    driver = debrief_after(40)

    def broken(*_: object, **__: object) -> int:
        raise history.HistoryError(Path("history.sqlite3"), "disk full")

    monkeypatch.setattr(history, "record_quiz", broken)
    driver.key(pygame.K_k, text="k")
    screen = quiz_screen(driver)
    while not screen.done:
        for key in (pygame.K_1, pygame.K_1, pygame.K_4):
            driver.key(key)
    assert screen.saved == translate("quizapp.save_failed", "id", reason="disk full")
    driver.frame()


def test_a_live_ended_at_once_has_nothing_to_ask() -> None:
    driver = live_driver("live-pertama")
    driver.end_live()
    driver.key(pygame.K_k, text="k")
    screen = quiz_screen(driver)
    assert screen.questions == () and screen.done and screen.saved is None
    driver.frame()
    assert history.quizzes() == []
    driver.key(pygame.K_ESCAPE)
    assert isinstance(driver.app.top, DebriefScreen)
