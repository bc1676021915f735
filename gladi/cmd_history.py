"""``gladi history``: progress over attempts and what to practise next."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from debrief.errors import UserError
from debrief.scenario_text import describe_scenario_error
from i18n import translate


def register(subparsers: Any, lang: str) -> None:
    """Add the ``history`` subcommand."""
    from gladi.cliutil import add_lang

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "history",
        help=translate("history.help", lang),
        description=translate("history.description", lang),
    )
    parser.add_argument(
        "--trainee",
        metavar=translate("history.trainee_metavar", lang),
        help=translate("history.trainee_help", lang),
    )
    parser.add_argument("--html", metavar="FILE", help=translate("history.html_help", lang))
    parser.add_argument("--json", action="store_true", help=translate("history.json_help", lang))
    add_lang(parser, lang)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print (or save) the history and the recommendation."""
    from dataclasses import asdict

    from debrief import history
    from debrief.history_view import history_html, history_text, recommendation_text
    from debrief.paths import history_path
    from debrief.recommend import recommend
    from gladi.cliutil import lang_of, print_json, write_atomically
    from scenarios import ScenarioError, builtin_scenario_ids, load_scenario

    lang = lang_of(args)
    try:
        rows = history.attempts(args.trainee)
    except history.HistoryError as error:
        raise UserError(
            translate("history.cannot_read", lang, path=error.path, reason=error.reason)
        ) from None
    try:
        scenarios = [load_scenario(i) for i in builtin_scenario_ids()]
    except ScenarioError as error:
        raise UserError(describe_scenario_error(error, lang)) from None
    titles = {s.id: s.title.get(lang) for s in scenarios}
    advice = recommend(rows, scenarios)
    if args.json:
        doc = {
            "database": str(history_path()),
            "trainee": args.trainee,
            "attempts": [asdict(a) for a in rows],
            "recommendation": None if advice is None else asdict(advice),
            "advice": recommendation_text(advice, titles, lang) if rows else None,
        }
        print_json(doc)
    else:
        print(history_text(rows, advice, titles, lang))
    if args.html:
        target = Path(args.html)
        write_atomically(target, history_html(rows, advice, titles, args.trainee, lang), lang)
        # With --json, stdout holds only the JSON document.
        print(
            translate("history.written", lang, path=target),
            file=sys.stderr if args.json else sys.stdout,
        )
    return 0
