"""``gladi simulate``: play a whole session with an autopilot, faster than real time."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .errors import UserError
from .i18n import get_language, t

DEFAULT_SCENARIO = "live-pertama"


def register(subparsers: Any) -> None:
    """Add the ``simulate`` subcommand."""
    from simulator.autopilot import AUTOPILOTS

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "simulate", help=t("simulate.help"), description=t("simulate.description")
    )
    parser.add_argument("--scenario", metavar=t("simulate.scenario_metavar"),
                        help=t("simulate.scenario_help", default=DEFAULT_SCENARIO))
    parser.add_argument("--seed", type=int, default=1, help=t("simulate.seed_help"))
    parser.add_argument("--autopilot", choices=sorted(AUTOPILOTS), default="good",
                        help=t("simulate.autopilot_help"))
    parser.add_argument("--trainee", default=None, help=t("simulate.trainee_help"))
    parser.add_argument("--json", action="store_true", help=t("simulate.json_help"))
    parser.add_argument("--out", metavar=t("simulate.out_metavar"), help=t("simulate.out_help"))
    parser.add_argument("--no-history", action="store_true", help=t("history.no_history_help"))
    parser.set_defaults(run=run)


def load_session_inputs(ref: str | None) -> tuple[Any, Any, Any]:
    """Load the scenario, its content index and the economy, or fail with a clear message."""
    from scenarios import (
        ScenarioError,
        builtin_scenario_ids,
        load_content,
        load_economy,
        load_scenario,
    )
    from simulator.content import ContentIndex

    if ref is None:
        ids = builtin_scenario_ids()
        if not ids:
            raise UserError(t("simulate.no_builtin"))
        ref = DEFAULT_SCENARIO if DEFAULT_SCENARIO in ids else ids[0]
    try:
        scenario = load_scenario(ref)
        packs = load_content(scenario)
        economy = load_economy()
    except ScenarioError as error:
        raise UserError(error.describe(get_language())) from None
    return scenario, ContentIndex(packs, scenario.topic), economy


def run(args: argparse.Namespace) -> int:
    """Run the session and print the scorecard."""
    from debrief import history
    from simulator.autopilot import make_autopilot, run as play
    from simulator.engine import Session
    from simulator.sessionfile import dumps, record, scorecard_of

    from .batch import paused_gc
    from .files import write_atomically
    from .report_text import scorecard_text

    scenario, content, economy = load_session_inputs(args.scenario)
    session = Session(scenario, content, economy, args.seed)
    with paused_gc():
        play(session, make_autopilot(args.autopilot, session))
        card = scorecard_of(session)
    lang = get_language()
    # The core never reads the clock; the command line stamps the session here.
    recorded_at = history.now_utc()
    if args.out:
        data = record(session, trainee=args.trainee, autopilot=args.autopilot,
                      recorded_at=recorded_at)
        data["scorecard"] = card.to_json()
        write_atomically(Path(args.out), dumps(data), "simulate.cannot_write")
    if args.json:
        doc = {"scenario": scenario.id, "seed": args.seed, "autopilot": args.autopilot,
               **card.to_json()}
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        print(t("simulate.header", scenario=scenario.title.get(lang), seed=args.seed,
                autopilot=args.autopilot))
        print(scorecard_text(card, scenario, lang))
        if args.out:
            print(t("simulate.saved", path=args.out))
    if not args.no_history:
        try:
            history.record(session, card, args.trainee, "simulate", autopilot=args.autopilot,
                           recorded_at=recorded_at)
        except history.HistoryError as error:
            # The session itself succeeded; losing its history line is worth a warning only.
            print(t("history.cannot_record", path=error.path, reason=error.reason),
                  file=sys.stderr)
    return 0
