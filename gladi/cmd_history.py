"""``gladi history``: progress over attempts and what to practise next."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .errors import UserError
from .i18n import t


def register(subparsers: Any) -> None:
    """Add the ``history`` subcommand."""
    from debrief.cliutil import add_lang

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "history", help=t("history.help"), description=t("history.description"))
    parser.add_argument("--trainee", metavar=t("history.trainee_metavar"),
                        help=t("history.trainee_help"))
    parser.add_argument("--html", metavar="FILE", help=t("history.html_help"))
    parser.add_argument("--json", action="store_true", help=t("history.json_help"))
    add_lang(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print (or save) the history and the recommendation."""
    from dataclasses import asdict

    from debrief import history
    from debrief.cliutil import lang_of, write_atomically
    from debrief.history_view import history_html, history_text, recommendation_text
    from debrief.paths import history_path
    from debrief.recommend import recommend
    from scenarios import ScenarioError, builtin_scenario_ids, load_scenario

    lang = lang_of(args)
    try:
        rows = history.attempts(args.trainee)
    except history.HistoryError as error:
        raise UserError(t("history.cannot_read", lang, path=error.path,
                          reason=error.reason)) from None
    try:
        scenarios = [load_scenario(i) for i in builtin_scenario_ids()]
    except ScenarioError as error:
        raise UserError(error.describe(lang)) from None
    titles = {s.id: s.title.get(lang) for s in scenarios}
    advice = recommend(rows, scenarios)
    if args.json:
        doc = {"database": str(history_path()), "trainee": args.trainee,
               "attempts": [asdict(a) for a in rows],
               "recommendation": None if advice is None else asdict(advice),
               "advice": recommendation_text(advice, titles, lang) if rows else None}
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        print(history_text(rows, advice, titles, lang))
    if args.html:
        target = Path(args.html)
        write_atomically(target, history_html(rows, advice, titles, args.trainee, lang), lang)
        # With --json, stdout holds only the JSON document.
        print(t("history.written", lang, path=target),
              file=sys.stderr if args.json else sys.stdout)
    return 0
