"""``gladi simulate``: play a whole session with an autopilot, faster than real time."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from debrief.errors import UserError
from debrief.scenario_text import describe_scenario_error
from i18n import translate
from moderation.setup import DEFAULT_SCENARIO, SessionSetup, load_setup
from scenarios import ScenarioError

from .cliutil import print_json


def register(subparsers: Any, lang: str) -> None:
    """Add the ``simulate`` subcommand."""
    from moderation.autopilot import AUTOPILOTS

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "simulate",
        help=translate("simulate.help", lang),
        description=translate("simulate.description", lang),
    )
    parser.add_argument(
        "--scenario",
        metavar=translate("simulate.scenario_metavar", lang),
        help=translate("simulate.scenario_help", lang, default=DEFAULT_SCENARIO),
    )
    parser.add_argument("--seed", type=int, default=1, help=translate("simulate.seed_help", lang))
    parser.add_argument(
        "--autopilot",
        choices=sorted(AUTOPILOTS),
        default="good",
        help=translate("simulate.autopilot_help", lang),
    )
    parser.add_argument("--trainee", default=None, help=translate("simulate.trainee_help", lang))
    parser.add_argument("--json", action="store_true", help=translate("simulate.json_help", lang))
    parser.add_argument(
        "--out",
        metavar=translate("simulate.out_metavar", lang),
        help=translate("simulate.out_help", lang),
    )
    parser.add_argument(
        "--no-history", action="store_true", help=translate("history.no_history_help", lang)
    )
    parser.set_defaults(run=run)


def load_setup_or_explain(ref: str | None, lang: str) -> SessionSetup:
    """Load a session's set-up, or fail with every problem of the scenario in ``lang``."""
    try:
        return load_setup(ref)
    except ScenarioError as error:
        raise UserError(describe_scenario_error(error, lang)) from None


def run(args: argparse.Namespace) -> int:
    """Run the session and print the scorecard."""
    from debrief import history
    from debrief.files import write_atomically
    from debrief.report_text import scorecard_text
    from moderation.autopilot import make_autopilot, run as play
    from moderation.sessionfile import document, dumps, scorecard_of

    from .batch import paused_gc

    setup = load_setup_or_explain(args.scenario, args.lang)
    scenario = setup.scenario
    session = setup.start(args.seed)
    with paused_gc():
        play(session, make_autopilot(args.autopilot, session))
        card = scorecard_of(session)
    lang = args.lang
    # The core never reads the clock; the command line stamps the session here.
    recorded_at = history.now_utc()
    if args.out:
        data = document(
            session, trainee=args.trainee, autopilot=args.autopilot, recorded_at=recorded_at
        )
        data["scorecard"] = card.to_json()
        write_atomically(Path(args.out), dumps(data), "simulate.cannot_write")
    if args.json:
        doc = {
            "scenario": scenario.id,
            "seed": args.seed,
            "autopilot": args.autopilot,
            **card.to_json(),
        }
        print_json(doc)
    else:
        print(
            translate(
                "simulate.header",
                lang,
                scenario=scenario.title.get(lang),
                seed=args.seed,
                autopilot=args.autopilot,
            )
        )
        print(scorecard_text(card, scenario, lang))
        if args.out:
            print(translate("simulate.saved", lang, path=args.out))
    if not args.no_history:
        try:
            history.record(
                session,
                card,
                args.trainee,
                "simulate",
                autopilot=args.autopilot,
                recorded_at=recorded_at,
            )
        except history.HistoryError as error:
            # The session itself succeeded; losing its history line is worth a warning only.
            print(
                translate("history.cannot_record", lang, path=error.path, reason=error.reason),
                file=sys.stderr,
            )
    return 0
