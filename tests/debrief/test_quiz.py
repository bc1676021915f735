"""The post-drill quiz: deterministic drawing, fair marking, and ``gladi quiz``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from debrief import history, quiz
from debrief.session import load
from gladi.cli import main
from moderation.judge import Item, Outcome
from scenarios import builtin_content_ids, load_content_pack
from scenarios.taxonomy import Category


@pytest.fixture(scope="module")
def troll_items(troll_session: Path) -> tuple[Item, ...]:
    return load(troll_session, "en").card.items


def test_same_session_and_seed_same_questions(troll_items: tuple[Item, ...]) -> None:
    a = quiz.draw(troll_items, seed=7)
    b = quiz.draw(list(reversed(troll_items)), seed=7)
    assert a == b
    assert quiz.draw(troll_items, seed=8) != a


@pytest.mark.parametrize("count", [1, 3, 4, 5, 9])
def test_three_to_five_distinct_questions_in_time_order(troll_items: tuple[Item, ...],
                                                        count: int) -> None:
    questions = quiz.draw(troll_items, seed=1, count=count)
    assert len(questions) == max(3, min(5, count))
    templates = [next(i for i in troll_items if i.id == q.comment).template.id
                 for q in questions]
    assert len(set(templates)) == len(templates)
    assert [q.t for q in questions] == sorted(q.t for q in questions)


def test_mistakes_come_first_and_a_harmless_control_is_included(
        troll_items: tuple[Item, ...]) -> None:
    mistakes = {i.id for i in troll_items
                if i.outcome in (Outcome.MISS, Outcome.LATE, Outcome.FALSE_ALARM)}
    assert mistakes
    for seed in range(10):
        questions = quiz.draw(troll_items, seed=seed, count=4)
        assert sum(q.comment in mistakes for q in questions) >= min(2, len(mistakes))
        assert any(not Category(q.kind).harmful for q in questions)


def test_options_hold_the_right_answer_and_plausible_wrong_ones(
        troll_items: tuple[Item, ...]) -> None:
    for seed in range(10):
        for q in quiz.draw(troll_items, seed=seed, count=5):
            assert len(q.kinds) == 4 and q.kind in q.kinds and len(set(q.kinds)) == 4
            harmful = [k for k in q.kinds if Category(k).harmful]
            assert 1 <= len(harmful) <= 3  # always a mix of harmless and harmful kinds
            if q.kind == "question":
                assert "hoax" in q.kinds  # the confusion that matters most
            assert q.action in quiz.ACTIONS


#: The plain-words action each kind of comment calls for: a hoax may be answered with the
#: fact, other harm is removed, and of the harmless kinds only a question needs an answer.
RIGHT_ACTION = {
    Category.GREETING: "leave", Category.QUESTION: "answer", Category.PRAISE: "leave",
    Category.CHITCHAT: "leave", Category.OFFTOPIC: "leave", Category.HOAX: "correct",
    Category.SARA: "remove", Category.PORN: "remove", Category.JUDOL: "remove",
    Category.SCAM: "remove", Category.HARASSMENT: "remove", Category.SPAM: "remove",
    Category.CHILD_SAFETY: "remove",
}


def test_right_action_follows_the_ground_truth() -> None:
    assert set(RIGHT_ACTION) == set(Category)
    templates = [t for pack in builtin_content_ids() for t in load_content_pack(pack).templates]
    assert {t.category for t in templates} == set(Category)  # every kind is tried
    for template in templates:
        assert quiz.right_action(template) == RIGHT_ACTION[template.category], template.id


def test_score_marks_each_part_and_confidence(troll_items: tuple[Item, ...]) -> None:
    questions = quiz.draw(troll_items, seed=3, count=4)
    right = [quiz.Answer(q.kind, q.action, 4) for q in questions]
    result = quiz.score(questions, right)
    assert (result.correct, result.total, result.points, result.brier) == (4, 4, 4.0, 0.0)
    wrong_kind = [q.kinds[(q.kinds.index(q.kind) + 1) % 4] for q in questions]
    half = [quiz.Answer(k, q.action, 4) for k, q in zip(wrong_kind, questions, strict=True)]
    result = quiz.score(questions, half)
    assert (result.correct, result.points, result.overconfident) == (0, 2.0, 4)
    assert result.brier == 1.0
    unsure = [quiz.Answer(k, q.action, 1) for k, q in zip(wrong_kind, questions, strict=True)]
    assert quiz.score(questions, unsure).overconfident == 0
    assert [m["right"] for m in quiz.score(questions, right).to_json()] == [True] * 4


def test_score_refuses_mismatched_answers(troll_items: tuple[Item, ...]) -> None:
    questions = quiz.draw(troll_items, seed=3)
    with pytest.raises(ValueError):
        quiz.score(questions, [])
    with pytest.raises(ValueError):
        quiz.score(questions, [quiz.Answer(q.kind, q.action, 5) for q in questions])


def _right_keys(session: Path, count: int = 4) -> list[str]:
    """What a trainee who knows every answer types: kind, action, confidence."""
    loaded = load(session, "en")
    keys = []
    for q in quiz.draw(loaded.card.items, seed=loaded.record.seed, count=count):
        keys += [str(q.kinds.index(q.kind) + 1), str(q.actions.index(q.action) + 1), "4"]
    return keys


def test_terminal_quiz_marks_and_records_the_answers(
        troll_session: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    keys = _right_keys(troll_session)
    # A typo first: the quiz asks again instead of failing.
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(["9", "x", *keys]) + "\n"))
    assert main(["--lang", "en", "quiz", str(troll_session)]) == 0
    out = capsys.readouterr().out
    assert out.count("Right!") == 4 and "4 of 4 fully right" in out
    assert "Please type a number from 1 to 4" in out
    [row] = history.quizzes()
    assert (row.trainee, row.correct, row.total) == ("Sari", 4, 4)
    assert row.session_key == history.session_key(load(troll_session, "en").record)


def test_terminal_quiz_in_indonesian_explains_wrong_answers(
        first_session: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    loaded = load(first_session, "id")
    questions = quiz.draw(loaded.card.items, seed=loaded.record.seed, count=3)
    keys = []
    for q in questions:
        keys += [str(q.kinds.index(q.kind) % 4 + 2 if q.kinds.index(q.kind) < 3 else 1),
                 str(q.actions.index(q.action) + 1), "3"]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(keys) + "\n"))
    assert main(["quiz", str(first_session), "--count", "3", "--trainee", "Budi"]) == 0
    out = capsys.readouterr().out
    assert out.count("Belum tepat") == 3 and "Alasan:" in out
    assert "0 dari 3" in out and "yakin" in out
    assert history.quizzes()[0].trainee == "Budi"


def test_quiz_stopped_early_saves_nothing(first_session: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("1\n2\n"))
    assert main(["--lang", "en", "quiz", str(first_session)]) == 1
    assert "nothing was saved" in capsys.readouterr().err
    assert history.quizzes() == []
