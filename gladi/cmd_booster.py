"""``gladi booster``: a short drill built from one trainee's weakest kinds of comment.

It reads the trainee's history (the weakest kinds of comment over the recent
attempts), and, from saved session files given with ``--sessions``, the very
comments they got wrong; it writes a 3-5 minute scenario file that brings
those kinds and posts those comments again, and says when the next booster is
due. The scenario is an ordinary file: play it with ``gladi simulate
--scenario FILE`` or open it in the desktop app.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from debrief.errors import UserError
from debrief.scenario_text import describe_scenario_error
from i18n import translate
from scenarios import ScenarioError, builtin_content_ids, check_scenario, load_content_pack
from scenarios.booster import (
    BoosterPlan,
    BoosterTexts,
    booster_scenario,
    interval_days,
    weak_kinds,
)
from scenarios.schema import ContentPack, Scenario, Text

__all__ = ["register"]

#: Outcomes of a comment handled wrongly (the judge's words, docs/scoring.md).
WRONG = frozenset({"miss", "late", "false_alarm"})
#: At most this many earlier comments are posted again.
MAX_TEMPLATES = 8


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
    parser.add_argument("--minutes", type=int, default=4, choices=(3, 4, 5),
                        help=translate("booster.minutes_help", lang))
    parser.add_argument("--today", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                        help=translate("booster.today_help", lang))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the booster scenario and say what it drills and when the next one is due."""
    from debrief import history
    from debrief.recommend import weaknesses

    lang: str = args.lang
    try:
        attempts = history.attempts(args.trainee)
    except history.HistoryError as error:
        raise UserError(translate("history.cannot_read", lang, path=error.path,
                                  reason=error.reason)) from None
    if not attempts:
        raise UserError(translate("booster.no_history", lang, trainee=args.trainee))
    rates = weaknesses(attempts)
    weak = weak_kinds(rates)
    templates = _wrong_templates(args.sessions, args.trainee, lang)
    if not weak and not templates:
        print(translate("booster.nothing_weak", lang, trainee=args.trainee))
        return 0
    packs = _builtin_packs(lang)
    plan = BoosterPlan(args.trainee, weak, templates, args.minutes * 60)
    scenario = booster_scenario(plan, packs, _texts(args.trainee, weak))
    target = Path(args.out or f"{scenario.id}.yaml")
    _write(target, scenario, lang)
    _report(args, scenario, rates, target, attempts[-1].recorded_at, lang)
    return 0


def _builtin_packs(lang: str) -> tuple[ContentPack, ...]:
    try:
        return tuple(load_content_pack(pack_id) for pack_id in builtin_content_ids())
    except ScenarioError as error:
        raise UserError(describe_scenario_error(error, lang)) from None


def _wrong_templates(paths: list[str], trainee: str, lang: str) -> tuple[str, ...]:
    """The templates of the comments handled wrongly in the saved sessions, most frequent first."""
    from debrief.session import load

    counts: Counter[str] = Counter()
    for name in paths:
        loaded = load(Path(name), lang)
        meta_trainee = loaded.record.meta.get("trainee")
        if meta_trainee not in (None, trainee):
            raise UserError(translate("booster.other_trainee", lang, path=name,
                                      other=meta_trainee, trainee=trainee))
        items = loaded.card.to_json().get("items")
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and item.get("outcome") in WRONG:
                counts[str(item["template"])] += 1
    return tuple(tid for tid, _ in counts.most_common(MAX_TEMPLATES))


def _both(key: str, **params: object) -> Text:
    return Text(id=translate(key, "id", **params), en=translate(key, "en", **params))


def _kinds(weak: tuple[Any, ...], lang: str) -> str:
    return ", ".join(translate(f"judge.cat_{c.value}", lang) for c in weak) or "-"


def _texts(trainee: str, weak: tuple[Any, ...]) -> BoosterTexts:
    goals = [Text(id=translate("booster.goal_kind", "id", kind=_kinds((c,), "id")),
                  en=translate("booster.goal_kind", "en", kind=_kinds((c,), "en")))
             for c in weak]
    goals.append(_both("booster.goal_again"))
    return BoosterTexts(
        title=_both("booster.title", trainee=trainee),
        summary=Text(id=translate("booster.summary", "id", kinds=_kinds(weak, "id")),
                     en=translate("booster.summary", "en", kinds=_kinds(weak, "en"))),
        goals=tuple(goals),
        warm_up=_both("booster.phase_warm_up"),
        drill=_both("booster.phase_drill"),
    )


def _write(target: Path, scenario: Scenario, lang: str) -> None:
    from debrief.files import write_atomically

    data = scenario.model_dump(mode="json", exclude_defaults=True)
    text = translate("booster.file_header", "en") + "\n" + yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, width=100)
    write_atomically(target, text, "booster.cannot_write", lang)
    check = check_scenario(target, warnings=False)
    if check.scenario is None:  # a bug, but say so rather than leave a broken file unnoticed
        raise UserError(describe_scenario_error(ScenarioError(str(target), check.problems),
                                                lang))


def _report(args: argparse.Namespace, scenario: Scenario, rates: list[tuple[str, float]],
            target: Path, last: str, lang: str) -> None:
    print(translate("booster.header", lang, trainee=args.trainee))
    for category, rate in rates[:3]:
        print(translate("booster.kind_line", lang, kind=translate(f"judge.cat_{category}", lang),
                        percent=round(rate * 100)))
    print(translate("booster.again_line", lang, count=len(scenario.scripted)))
    print(translate("booster.written", lang, path=target,
                    minutes=round(scenario.duration_s / 60)))
    print(translate("booster.play", lang, path=target))
    # The core reads no clock: the last practice comes from the history, today from here.
    last_day = dt.date.fromisoformat(last[:10])
    due = next_due(last_day, rates[0][1] if rates else 0.0)
    today: dt.date = args.today or dt.date.today()
    key = "booster.due_now" if due <= today else "booster.due"
    print(translate(key, lang, date=due.isoformat()))


def next_due(last_practice: dt.date, worst_rate: float) -> dt.date:
    """When the next booster is due: the spacing of :func:`scenarios.booster.interval_days`."""
    return last_practice + dt.timedelta(days=interval_days(worst_rate))
