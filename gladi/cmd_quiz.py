"""``gladi quiz``: the post-drill quiz in the terminal.

The questions and the marking come from :mod:`debrief.quiz` (pure, shared
with the desktop app); this module only asks and prints.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from i18n import comment_translation, translate
from i18n.errors import GladiError


def register(subparsers: Any, lang: str) -> None:
    """Add the ``quiz`` subcommand."""
    from gladi.cliutil import add_lang

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "quiz", help=translate("quiz.help", lang), description=translate("quiz.description", lang)
    )
    parser.add_argument(
        "session",
        metavar=translate("report.session_metavar", lang),
        help=translate("report.session_help", lang),
    )
    parser.add_argument(
        "--count",
        type=int,
        default=4,
        choices=range(3, 6),
        metavar="3-5",
        help=translate("quiz.count_help", lang),
    )
    parser.add_argument("--trainee", default=None, help=translate("quiz.trainee_help", lang))
    parser.add_argument(
        "--no-history", action="store_true", help=translate("history.no_history_help", lang)
    )
    add_lang(parser, lang)
    parser.set_defaults(run=run)


class _Stopped(GladiError):
    """The trainee closed the input (Ctrl+D / end of file)."""


def _choose(ask: Callable[[str], str], title: str, options: Sequence[str], lang: str) -> int:
    """Ask until the answer is one of the numbered options; return its index."""
    print(title)
    for n, text in enumerate(options, 1):
        print(translate("quiz.option", lang, n=n, text=text))
    while True:
        try:
            raw = ask(translate("quiz.prompt", lang, max=len(options))).strip()
        except EOFError:
            raise _Stopped from None
        if raw.isdigit() and 1 <= int(raw) <= len(options):
            return int(raw) - 1
        print(translate("quiz.invalid", lang, max=len(options)))


def run(args: argparse.Namespace, ask: Callable[[str], str] = input) -> int:
    """Ask the questions, mark them, and record the result in the history."""
    from pathlib import Path

    from debrief import history, quiz, timeline
    from debrief.errors import UserError
    from debrief.report_text import clock
    from debrief.session import load
    from gladi.cliutil import lang_of

    lang = lang_of(args)
    loaded = load(Path(args.session), lang)
    translations = timeline.translations(loaded.session.events, loaded.session.content.by_id)
    questions = quiz.draw(
        loaded.card.items, seed=loaded.record.seed, count=args.count, translations=translations
    )
    if not questions:
        print(translate("quiz.no_questions", lang))
        return 0
    print(translate("quiz.intro", lang, count=len(questions)))
    answers = []
    try:
        for n, q in enumerate(questions, 1):
            print()
            print(
                translate(
                    "quiz.header", lang, n=n, total=len(questions), time=clock(q.t), handle=q.handle
                )
            )
            print(translate("quiz.comment", lang, text=q.text))
            if shown := comment_translation(q.translation, lang):
                print(translate("quiz.translation", lang, text=shown))
            kind = _choose(
                ask,
                translate("quiz.ask_kind", lang),
                [translate(f"judge.cat_{k}", lang) for k in q.kinds],
                lang,
            )
            action = _choose(
                ask,
                translate("quiz.ask_action", lang),
                [translate(f"quiz.action_{a}", lang) for a in q.actions],
                lang,
            )
            sure = _choose(
                ask,
                translate("quiz.ask_confidence", lang),
                [translate(f"quiz.confidence_{c}", lang) for c in quiz.CONFIDENCE],
                lang,
            )
            answer = quiz.Answer(q.kinds[kind], q.actions[action], sure + 1)
            answers.append(answer)
            mark = quiz.score([q], [answer]).marks[0]
            _feedback(mark, lang)
    except _Stopped:
        print()
        print(translate("quiz.stopped", lang), file=sys.stderr)
        return 1
    result = quiz.score(questions, answers)
    print()
    print(
        translate(
            "quiz.summary",
            lang,
            correct=result.correct,
            total=result.total,
            points=f"{result.points:g}",
        )
    )
    if result.overconfident:
        print(translate("quiz.overconfident", lang, count=result.overconfident))
    elif result.correct == result.total:
        print(translate("quiz.all_right", lang))
    if not args.no_history:
        trainee = args.trainee or loaded.record.meta.get("trainee")
        try:
            history.record_quiz(
                history.session_key(loaded.record),
                trainee,
                result.total,
                result.correct,
                result.to_json(),
            )
        except history.HistoryError as error:
            raise UserError(
                translate("history.cannot_record", lang, path=error.path, reason=error.reason)
            ) from None
        print(translate("quiz.recorded", lang))
    return 0


def _feedback(mark: Any, lang: str) -> None:
    """Right after each answer: right or not, what it is, what to do, why, the source."""
    q = mark.question
    if mark.right:
        print(translate("quiz.right", lang))
    else:
        print(
            translate(
                "quiz.wrong",
                lang,
                kind=translate(f"judge.cat_{q.kind}", lang),
                action=translate(f"quiz.action_{q.action}", lang),
            )
        )
    print(translate("quiz.why", lang, text=q.explanation.get(lang)))
    if q.answer is not None:
        print(translate("judge.tip_answer", lang, text=q.answer.get(lang), source=q.source or "—"))
    print(
        translate("quiz.in_session", lang, outcome=translate(f"report.outcome_{q.outcome}", lang))
    )
