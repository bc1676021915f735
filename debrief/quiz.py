"""The post-drill quiz: a few of the session's own comments, asked back.

Right after the debrief the trainee sees three to five comments from the live
they just ran — the ones they got wrong first, a harmless one as a control,
then others — and answers two things for each: *what is this comment?* and
*what should be done?*, with how sure they are. An immediate post-test makes
the learning last, and confidence is only useful when it grows with
correctness (research notes, moderation-anchors §3.1); including harmless
comments keeps the quiz from training suspicion of everything.

Both halves are pure, so the terminal (``gladi quiz``) and the desktop app
share them: :func:`draw` picks the questions deterministically from the
judge's items and a seed; :func:`score` marks the answers.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from moderation.judge import Item, Outcome
from scenarios.schema import Template, Text
from scenarios.taxonomy import HARMFUL, Category

__all__ = [
    "ACTIONS",
    "CONFIDENCE",
    "Answer",
    "Mark",
    "Question",
    "QuizResult",
    "draw",
    "right_action",
    "score",
]

#: What should be done, in plain words (translated as ``quiz.action_<code>``).
ACTIONS: tuple[str, ...] = ("leave", "answer", "correct", "remove")
#: How sure the trainee is: 1 guessing … 4 certain; the probability each stands for.
CONFIDENCE: dict[int, float] = {1: 0.25, 2: 0.5, 3: 0.75, 4: 1.0}
KIND_OPTIONS = 4
MIN_QUESTIONS, MAX_QUESTIONS = 3, 5
_MISTAKES = frozenset({Outcome.MISS, Outcome.LATE, Outcome.FALSE_ALARM})
_HARMFUL_ORDER = [c for c in Category if c in HARMFUL]
_HARMLESS_ORDER = [c for c in Category if c not in HARMFUL]


@dataclass(frozen=True, slots=True)
class Question:
    """One quiz question about a comment from the session."""

    comment: str
    t: int
    handle: str
    text: str
    #: English translation of ``text`` (shown, marked, in the English interface).
    translation: str | None
    #: The kinds offered (category values, in a fixed order), and the right one.
    kinds: tuple[str, ...]
    kind: str
    #: The actions offered (:data:`ACTIONS`), and the right one.
    action: str
    #: What happened to it in the session.
    outcome: Outcome
    explanation: Text
    answer: Text | None
    source: str | None
    actions: tuple[str, ...] = ACTIONS


@dataclass(frozen=True, slots=True)
class Answer:
    """The trainee's answer: a kind, an action and a confidence (1–4)."""

    kind: str
    action: str
    confidence: int


@dataclass(frozen=True, slots=True)
class Mark:
    question: Question
    answer: Answer
    kind_right: bool
    action_right: bool

    @property
    def right(self) -> bool:
        return self.kind_right and self.action_right

    def to_json(self) -> dict[str, object]:
        return {"comment": self.question.comment, "t": self.question.t,
                "kind": self.answer.kind, "right_kind": self.question.kind,
                "action": self.answer.action, "right_action": self.question.action,
                "confidence": self.answer.confidence, "right": self.right}


@dataclass(frozen=True, slots=True)
class QuizResult:
    marks: tuple[Mark, ...]

    @property
    def total(self) -> int:
        return len(self.marks)

    @property
    def correct(self) -> int:
        """Questions with both parts right."""
        return sum(1 for m in self.marks if m.right)

    @property
    def points(self) -> float:
        """Half a point per right part."""
        return sum((m.kind_right + m.action_right) / 2 for m in self.marks)

    @property
    def brier(self) -> float | None:
        """Mean squared gap between confidence and being right (0 best, 1 worst)."""
        if not self.marks:
            return None
        return sum((CONFIDENCE[m.answer.confidence] - m.right) ** 2
                   for m in self.marks) / len(self.marks)

    @property
    def overconfident(self) -> int:
        """Wrong answers given as "fairly sure" or "certain"."""
        return sum(1 for m in self.marks if not m.right and m.answer.confidence >= 3)

    def to_json(self) -> list[dict[str, object]]:
        return [m.to_json() for m in self.marks]


def right_action(template: Template) -> str:
    """The plain-words action that fits a comment's ground truth."""
    if template.harmful:
        # Hoaxes may be answered with the fact instead of (or besides) deleted; other harm
        # is removed (a calm reply to mild rudeness is right too, but corrects no fact).
        return "correct" if template.category is Category.HOAX else "remove"
    # A chat line may be answered too, but only a question needs an answer.
    return "answer" if template.category is Category.QUESTION else "leave"


def _kinds(right: Category, rng: random.Random) -> tuple[str, ...]:
    """The right kind and three plausible wrong ones, in the fixed category order."""
    harmful, harmless = (
        [c for c in _HARMFUL_ORDER if c is not right],
        [c for c in _HARMLESS_ORDER if c is not right],
    )
    if right in HARMFUL:
        # The confusion that matters: a troll taken for an ordinary viewer, or
        # one kind of harm for another (which changes the report reason).
        wrong = rng.sample(harmful, 2) + rng.sample(harmless, 1)
    else:
        # ... and a sincere question taken for a hoax.
        first = Category.HOAX if right is Category.QUESTION else rng.choice(harmful)
        wrong = [first, rng.choice([c for c in harmful if c is not first]),
                 rng.choice(harmless)]
    chosen = {right, *wrong}
    return tuple(c.value for c in Category if c in chosen)


def _question(item: Item, rng: random.Random, translations: Mapping[str, str]) -> Question:
    template = item.template
    return Question(
        comment=item.id, t=item.t, handle=item.handle, text=item.text,
        translation=translations.get(item.id), kinds=_kinds(item.category, rng),
        kind=item.category.value, action=right_action(template), outcome=item.outcome,
        explanation=template.explanation, answer=template.answer, source=template.source,
    )


def draw(
    items: Sequence[Item],
    *,
    seed: int,
    count: int = 4,
    translations: Mapping[str, str] | None = None,
) -> tuple[Question, ...]:
    """Pick ``count`` (3–5) questions from a session's judged comments.

    Same items and seed, same questions. The order of preference: comments
    the trainee got wrong (up to half), one harmless comment as a control
    (a question when there is one), then comments of kinds not yet asked.
    No two questions share a comment template. Fewer are drawn when the
    session had fewer distinct comments.
    """
    rng = random.Random(seed)
    count = max(MIN_QUESTIONS, min(MAX_QUESTIONS, count))
    pool = sorted((i for i in items if i.outcome is not Outcome.SILENCED),
                  key=lambda i: (i.t, i.id))
    chosen: list[Item] = []
    templates: set[str] = set()

    def take(candidates: list[Item], limit: int) -> None:
        candidates = [c for c in candidates if c.template.id not in templates]
        rng.shuffle(candidates)
        for item in candidates:
            if limit <= 0 or len(chosen) >= count:
                return
            if item.template.id in templates:
                continue
            chosen.append(item)
            templates.add(item.template.id)
            limit -= 1

    take([i for i in pool if i.outcome in _MISTAKES], (count + 1) // 2)
    if not any(not i.harmful for i in chosen):
        questions = [i for i in pool if i.category is Category.QUESTION]
        take(questions or [i for i in pool if not i.harmful], 1)
    while len(chosen) < count:
        asked = {i.category for i in chosen}
        fresh = [i for i in pool if i.category not in asked and i.template.id not in templates]
        rest = fresh or [i for i in pool if i.template.id not in templates]
        if not rest:
            break
        # Prefer harmful kinds not yet asked: that is what the drill trains.
        harmful = [i for i in rest if i.harmful]
        take(harmful or rest, 1)
    chosen.sort(key=lambda i: (i.t, i.id))
    return tuple(_question(item, rng, translations or {}) for item in chosen)


def score(questions: Sequence[Question], answers: Sequence[Answer]) -> QuizResult:
    """Mark ``answers`` against ``questions`` (same order and length).

    Raises:
        ValueError: a different number of answers, or a confidence outside 1–4.
    """
    if len(questions) != len(answers):
        raise ValueError(f"{len(answers)} answers for {len(questions)} questions")
    marks = []
    for question, answer in zip(questions, answers, strict=True):
        if answer.confidence not in CONFIDENCE:
            raise ValueError(f"confidence must be 1 to 4, not {answer.confidence!r}")
        marks.append(Mark(question, answer, answer.kind == question.kind,
                          answer.action == question.action))
    return QuizResult(tuple(marks))
