"""``gladi booster``: a short drill built from one trainee's weakest kinds of comment.

It reads the trainee's history (the weakest kinds of comment over the recent
attempts), and, from saved session files given with ``--sessions``, the very
comments they got wrong; it writes a 3-5 minute scenario file that brings
those kinds and posts those comments again, and says when the next booster is
due. The scenario is an ordinary file: play it with ``gladi simulate
--scenario FILE`` or open it in the desktop app. The plan, the scenario and the
due date come from :mod:`debrief.booster`, which the desktop home's booster card
uses too.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from debrief import booster, history
from debrief.booster import BoosterNeed, next_due, wrong_templates
from debrief.errors import UserError
from debrief.scenario_text import describe_scenario_error
from debrief.session import load
from i18n import translate
from scenarios import ScenarioError
from scenarios.schema import Scenario

__all__ = ["next_due", "register"]


def register(subparsers: Any, lang: str) -> None:
    """Add the ``booster`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "booster", help=translate("booster.help", lang),
        description=translate("booster.description", lang))
    parser.add_argument("--trainee", required=True,
                        metavar=translate("booster.trainee_metavar", lang),
                        help=translate("booster.trainee_help", lang))
    parser.add_argument("--sessions", nargs="*", default=[],
                        metavar=translate("booster.file_metavar", lang),
                        help=translate("booster.sessions_help", lang))
    parser.add_argument("--out", metavar=translate("booster.file_metavar", lang),
                        help=translate("booster.out_help", lang))
    parser.add_argument("--minutes", type=int, default=booster.DEFAULT_MINUTES,
                        choices=booster.MINUTES,
                        help=translate("booster.minutes_help", lang))
    parser.add_argument("--today", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                        help=translate("booster.today_help", lang))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the booster scenario and say what it drills and when the next one is due."""
    lang: str = args.lang
    try:
        need = booster.read_need(args.trainee)
    except history.HistoryError as error:
        raise UserError(translate("history.cannot_read", lang, path=error.path,
                                  reason=error.reason)) from None
    if need is None:
        raise UserError(translate("booster.no_history", lang, trainee=args.trainee))
    templates = _wrong_templates(args.sessions, args.trainee, lang)
    if not need.weak and not templates:
        print(translate("booster.nothing_weak", lang, trainee=args.trainee))
        return 0
    try:
        scenario = booster.build_booster(need, templates, args.minutes)
    except ScenarioError as error:
        raise UserError(describe_scenario_error(error, lang)) from None
    target = Path(args.out or f"{scenario.id}.yaml")
    booster.write_booster(target, scenario, "booster.cannot_write", lang)
    _report(args, scenario, need, target, lang)
    return 0


def _wrong_templates(paths: list[str], trainee: str, lang: str) -> tuple[str, ...]:
    """The templates of the comments handled wrongly in the saved sessions, most frequent first."""
    cards = []
    for name in paths:
        loaded = load(Path(name), lang)
        meta_trainee = loaded.record.meta.get("trainee")
        if meta_trainee not in (None, trainee):
            raise UserError(translate("booster.other_trainee", lang, path=name,
                                      other=meta_trainee, trainee=trainee))
        cards.append(loaded.card)
    return wrong_templates(cards)


def _report(args: argparse.Namespace, scenario: Scenario, need: BoosterNeed, target: Path,
            lang: str) -> None:
    print(translate("booster.header", lang, trainee=args.trainee))
    for category, rate in need.rates[:3]:
        print(translate("booster.kind_line", lang, kind=translate(f"judge.cat_{category}", lang),
                        percent=round(rate * 100)))
    print(translate("booster.again_line", lang, count=len(scenario.scripted)))
    print(translate("booster.written", lang, path=target,
                    minutes=round(scenario.duration_s / 60)))
    print(translate("booster.play", lang, path=target))
    # The core reads no clock: the last practice comes from the history, today from here.
    due = need.due
    today: dt.date = args.today or dt.date.today()
    key = "booster.due_now" if due <= today else "booster.due"
    print(translate(key, lang, date=due.isoformat()))
