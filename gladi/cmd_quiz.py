"""``gladi quiz``: the post-drill quiz in the terminal.

The questions and the marking come from :mod:`debrief.quiz` (pure, shared
with the desktop app); this module only asks and prints.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from .i18n import t


def register(subparsers: Any) -> None:
    """Add the ``quiz`` subcommand."""
    from debrief.cliutil import add_lang

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "quiz", help=t("quiz.help"), description=t("quiz.description"))
    parser.add_argument("session", metavar=t("report.session_metavar"),
                        help=t("report.session_help"))
    parser.add_argument("--count", type=int, default=4, choices=range(3, 6),
                        metavar="3-5", help=t("quiz.count_help"))
    parser.add_argument("--trainee", default=None, help=t("quiz.trainee_help"))
    parser.add_argument("--no-history", action="store_true", help=t("history.no_history_help"))
    add_lang(parser)
    parser.set_defaults(run=run)


class _Stopped(Exception):
    """The trainee closed the input (Ctrl+D / end of file)."""


def _choose(ask: Callable[[str], str], title: str, options: Sequence[str], lang: str) -> int:
    """Ask until the answer is one of the numbered options; return its index."""
    print(title)
    for n, text in enumerate(options, 1):
        print(t("quiz.option", lang, n=n, text=text))
    while True:
        try:
            raw = ask(t("quiz.prompt", lang, max=len(options))).strip()
        except EOFError:
            raise _Stopped from None
        if raw.isdigit() and 1 <= int(raw) <= len(options):
            return int(raw) - 1
        print(t("quiz.invalid", lang, max=len(options)))


def run(args: argparse.Namespace, ask: Callable[[str], str] = input) -> int:
    """Ask the questions, mark them, and record the result in the history."""
    from pathlib import Path

    from debrief import history, quiz, timeline
    from debrief.cliutil import lang_of
    from debrief.session import load

    from .errors import UserError
    from .report_text import clock

    lang = lang_of(args)
    loaded = load(Path(args.session), lang)
    translations = timeline.translations(loaded.session.events, loaded.session.content.by_id)
    questions = quiz.draw(loaded.card.items, seed=loaded.record.seed, count=args.count,
                          translations=translations)
    if not questions:
        print(t("quiz.no_questions", lang))
        return 0
    print(t("quiz.intro", lang, count=len(questions)))
    answers = []
    try:
        for n, q in enumerate(questions, 1):
            print()
            print(t("quiz.header", lang, n=n, total=len(questions), time=clock(q.t),
                    handle=q.handle))
            print(t("quiz.comment", lang, text=q.text))
            if lang == "en" and q.translation:
                print(t("quiz.translation", lang, text=q.translation))
            kind = _choose(ask, t("quiz.ask_kind", lang),
                           [t(f"judge.cat_{k}", lang) for k in q.kinds], lang)
            action = _choose(ask, t("quiz.ask_action", lang),
                             [t(f"quiz.action_{a}", lang) for a in q.actions], lang)
            sure = _choose(ask, t("quiz.ask_confidence", lang),
                           [t(f"quiz.confidence_{c}", lang) for c in quiz.CONFIDENCE], lang)
            answer = quiz.Answer(q.kinds[kind], q.actions[action], sure + 1)
            answers.append(answer)
            mark = quiz.score([q], [answer]).marks[0]
            _feedback(mark, lang)
    except _Stopped:
        print()
        print(t("quiz.stopped", lang), file=sys.stderr)
        return 1
    result = quiz.score(questions, answers)
    print()
    print(t("quiz.summary", lang, correct=result.correct, total=result.total,
            points=f"{result.points:g}"))
    if result.overconfident:
        print(t("quiz.overconfident", lang, count=result.overconfident))
    elif result.correct == result.total:
        print(t("quiz.all_right", lang))
    if not args.no_history:
        trainee = args.trainee or loaded.record.meta.get("trainee")
        try:
            history.record_quiz(history.session_key(loaded.record), trainee, result.total,
                                result.correct, result.to_json())
        except history.HistoryError as error:
            raise UserError(t("history.cannot_record", lang, path=error.path,
                              reason=error.reason)) from None
        print(t("quiz.recorded", lang))
    return 0


def _feedback(mark: Any, lang: str) -> None:
    """Right after each answer: right or not, what it is, what to do, why, the source."""
    q = mark.question
    if mark.right:
        print(t("quiz.right", lang))
    else:
        print(t("quiz.wrong", lang, kind=t(f"judge.cat_{q.kind}", lang),
                action=t(f"quiz.action_{q.action}", lang)))
    print(t("quiz.why", lang, text=q.explanation.get(lang)))
    if q.answer is not None:
        print(t("judge.tip_answer", lang, text=q.answer.get(lang), source=q.source or "—"))
    print(t("quiz.in_session", lang, outcome=t(f"report.outcome_{q.outcome}", lang)))
