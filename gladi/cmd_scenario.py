"""``gladi scenario``: list, show and validate scenarios, and print their JSON Schema.

Trainers write their own scenario files; ``gladi scenario validate FILE`` is
how they find every mistake with its line before a session in the village hall,
and ``gladi scenario schema`` feeds their text editor the same rules.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping
from typing import TypeVar

from scenarios import (
    ScenarioError,
    builtin_scenario_ids,
    load_content,
    load_scenario,
    scenario_json_schema,
)
from scenarios.schema import Inject, Phase, Scenario
from scenarios.taxonomy import InjectKind

from .errors import UserError
from .i18n import get_language, t

__all__ = ["register", "schema_text"]

_K = TypeVar("_K", bound=str)

#: Inject kinds that arrive as a burst of ``count`` events over ``over_s`` seconds.
_WAVES = frozenset(
    {InjectKind.TROLL_RAID, InjectKind.HOAX_WAVE, InjectKind.QUESTION_WAVE, InjectKind.GIFT_STORM}
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``scenario`` command and its actions to the ``gladi`` parser."""
    parser = subparsers.add_parser(
        "scenario", help=t("scenario.cmd.help"), description=t("scenario.cmd.description")
    )

    def show_help(args: argparse.Namespace) -> int:
        # ``gladi scenario`` alone: say what can be done instead of failing silently.
        parser.print_help()
        return 2

    parser.set_defaults(run=show_help)
    actions = parser.add_subparsers(
        dest="scenario_action", metavar=t("scenario.cmd.action_metavar")
    )

    listing = actions.add_parser(
        "list", help=t("scenario.cmd.list_help"), description=t("scenario.cmd.list_help")
    )
    listing.add_argument("--json", action="store_true", help=t("scenario.cmd.json_help"))
    listing.set_defaults(run=run_list)

    show = actions.add_parser(
        "show", help=t("scenario.cmd.show_help"), description=t("scenario.cmd.show_help")
    )
    show.add_argument("ref", metavar=t("scenario.cmd.ref_metavar"), help=t("scenario.cmd.ref_help"))
    show.add_argument("--json", action="store_true", help=t("scenario.cmd.json_help"))
    show.set_defaults(run=run_show)

    validate = actions.add_parser(
        "validate",
        help=t("scenario.cmd.validate_help"),
        description=t("scenario.cmd.validate_help"),
    )
    validate.add_argument(
        "refs", metavar=t("scenario.cmd.ref_metavar"), nargs="+", help=t("scenario.cmd.ref_help")
    )
    validate.set_defaults(run=run_validate)

    schema = actions.add_parser(
        "schema", help=t("scenario.cmd.schema_help"), description=t("scenario.cmd.schema_help")
    )
    schema.set_defaults(run=run_schema)


# ---------------------------------------------------------------- actions


def run_list(args: argparse.Namespace) -> int:
    """Print the built-in scenarios as a table or JSON; 1 if any built-in is broken."""
    scenarios: list[Scenario] = []
    broken: list[ScenarioError] = []
    for scenario_id in builtin_scenario_ids():
        try:
            scenarios.append(load_scenario(scenario_id))
        except ScenarioError as problem:
            broken.append(problem)
    if args.json:
        print(json.dumps([_summary_json(s) for s in scenarios], indent=2))
    elif scenarios:
        print(_table(scenarios, get_language()))
    else:
        print(t("scenario.cmd.list_empty"))
    # A broken built-in is a packaging bug; the others stay usable, so list them.
    for error in broken:
        print(error.describe(), file=sys.stderr)
    return 1 if broken else 0


def run_show(args: argparse.Namespace) -> int:
    """Print one scenario in readable form (or as JSON)."""
    try:
        scenario = load_scenario(args.ref)
    except ScenarioError as error:
        raise UserError(error.describe()) from None
    if args.json:
        print(json.dumps(scenario.model_dump(mode="json"), indent=2))
    else:
        print(_readable(scenario, get_language()))
    return 0


def run_validate(args: argparse.Namespace) -> int:
    """Check each scenario and the content packs it names; 1 if any has problems."""
    bad = 0
    for ref in args.refs:
        try:
            scenario = load_scenario(ref)
            _check_content(ref, scenario)
        except ScenarioError as error:
            bad += 1
            print(error.describe())
            continue
        title = scenario.title.get(get_language())
        print(t("scenario.cmd.validate_ok", ref=ref, id=scenario.id, title=title))
    total = len(args.refs)
    print(t("scenario.cmd.validate_summary", total=total, ok=total - bad, bad=bad))
    return 1 if bad else 0


def run_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of scenario files."""
    sys.stdout.write(schema_text())
    return 0


def schema_text() -> str:
    """The JSON Schema as published in ``docs/scenario.schema.json``."""
    return json.dumps(scenario_json_schema(), indent=2) + "\n"


# ---------------------------------------------------------------- helpers


def _check_content(ref: str, scenario: Scenario) -> None:
    """Raise the content-pack problems of ``scenario`` under the name the user typed."""
    try:
        load_content(scenario)
    except ScenarioError as error:
        if error.file.startswith("<scenario:"):
            # Unknown pack ids are mistakes in this file, so name the file.
            raise ScenarioError(ref, error.problems) from None
        raise


def _summary_json(scenario: Scenario) -> dict[str, object]:
    return {
        "id": scenario.id,
        "version": scenario.version,
        "title": scenario.title.model_dump(mode="json"),
        "summary": scenario.summary.model_dump(mode="json"),
        "difficulty": scenario.difficulty.value,
        "duration_s": scenario.duration_s,
        "pass_mark": scenario.pass_mark,
        "topic": scenario.topic,
    }


def _number(value: float) -> str:
    """A number as short as it can be written: 5, 2.5, 0.002."""
    return f"{value:g}"


def _minutes(seconds: int) -> str:
    return _number(round(seconds / 60, 1))


def _clock(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes:02d}:{rest:02d}"


def _pairs(mapping: Mapping[_K, float]) -> str:
    return ", ".join(f"{key} {_number(value)}" for key, value in mapping.items()) or t(
        "scenario.show.none"
    )


def _table(scenarios: Iterable[Scenario], lang: str) -> str:
    header = (
        t("scenario.cmd.col_id"),
        t("scenario.cmd.col_difficulty"),
        t("scenario.cmd.col_minutes"),
        t("scenario.cmd.col_title"),
    )
    rows = [header] + [
        (
            s.id,
            t(f"scenario.difficulty.{s.difficulty.value}"),
            _minutes(s.duration_s),
            s.title.get(lang),
        )
        for s in scenarios
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  "
        + row[3]
        for row in rows
    )


def _readable(scenario: Scenario, lang: str) -> str:
    """The scenario as a trainer would describe it, in ``lang``."""
    lines = [
        t(
            "scenario.show.heading",
            title=scenario.title.get(lang),
            id=scenario.id,
            version=scenario.version,
        ),
        scenario.summary.get(lang),
        "",
        t(
            "scenario.show.facts",
            difficulty=t(f"scenario.difficulty.{scenario.difficulty.value}"),
            minutes=_minutes(scenario.duration_s),
            pass_mark=scenario.pass_mark,
            topic=scenario.topic,
        ),
        t("scenario.show.content", packs=", ".join(scenario.content) or t("scenario.show.none")),
        "",
        t("scenario.show.goals"),
        *(f"  - {goal.get(lang)}" for goal in scenario.learning_goals),
        "",
        t("scenario.show.audience"),
    ]
    audience = scenario.audience
    lines += [
        "  "
        + t(
            "scenario.show.audience_size",
            start=audience.start_viewers,
            peak=audience.peak_viewers,
            ramp=audience.ramp_s,
        ),
        "  " + t("scenario.show.audience_mix", mix=_pairs(audience.personas)),
        "  "
        + t(
            "scenario.show.audience_behaviour",
            leave_rate=_number(audience.leave_rate),
            sensitivity=_number(audience.sensitivity),
        ),
        "",
        t("scenario.show.phases"),
    ]
    for phase in scenario.phases:
        lines += _phase_lines(phase, lang)
    lines += ["", t("scenario.show.injects")]
    lines += [_inject_line(inject) for inject in scenario.injects] or [
        "  " + t("scenario.show.none")
    ]
    settings = scenario.settings
    on, off = t("scenario.show.on"), t("scenario.show.off")
    presets = ", ".join(
        t("scenario.show.seconds", n=p) if p is not None else t("scenario.show.mute_live")
        for p in settings.mute_presets_s
    )
    lines += [
        "",
        t("scenario.show.settings"),
        "  "
        + t(
            "scenario.show.settings_line",
            gifts=on if settings.gifts else off,
            comments=on if settings.comments_enabled else off,
            moderators=settings.moderators,
            max_guests=settings.max_guests,
        ),
        "  "
        + t(
            "scenario.show.settings_filter",
            words=", ".join(settings.keyword_filter) or t("scenario.show.none"),
        ),
        "  " + t("scenario.show.settings_mute", presets=presets or t("scenario.show.none")),
        "",
        t(
            "scenario.show.scoring",
            weights=_pairs(scenario.scoring.weights),
            window=scenario.scoring.response_window_s,
        ),
    ]
    return "\n".join(lines)


def _phase_lines(phase: Phase, lang: str) -> list[str]:
    indent = " " * 9
    return [
        f"  {_clock(phase.start_s)}  {phase.name.get(lang)}",
        indent + t("scenario.show.phase_rates", rates=_pairs(phase.rates)),
        indent
        + t(
            "scenario.show.phase_other",
            taps=_number(phase.taps),
            gifts=_number(phase.gifts),
            follows=_number(phase.follows),
            shares=_number(phase.shares),
            guests=_number(phase.guest_requests),
        ),
        indent
        + t(
            "scenario.show.phase_trolls",
            evasion=_number(round(phase.evasion * 100, 1)),
            repeat=_number(round(phase.repeat_offenders * 100, 1)),
        ),
    ]


def _inject_line(inject: Inject) -> str:
    details: list[str] = []
    if inject.kind in _WAVES:
        details.append(t("scenario.show.inject_wave", count=inject.count, over_s=inject.over_s))
    elif inject.kind is InjectKind.GUEST_REQUEST:
        details.append(t("scenario.show.inject_count", count=inject.count))
    if inject.role is not None:
        details.append(t("scenario.show.inject_role", role=inject.role.value))
    if inject.kind is InjectKind.NETWORK_DROP:
        details.append(t("scenario.show.inject_duration", duration_s=inject.duration_s))
    if inject.categories:
        details.append(
            t("scenario.show.inject_categories", categories=", ".join(inject.categories))
        )
    if inject.troll:
        details.append(t("scenario.show.inject_troll"))
    if inject.evasive:
        details.append(t("scenario.show.inject_evasive"))
    text = f"  {_clock(inject.at_s)}  {inject.kind.value}"
    return f"{text}: {'; '.join(details)}" if details else text
