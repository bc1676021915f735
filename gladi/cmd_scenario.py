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

from debrief.errors import UserError
from debrief.scenario_text import describe_scenario_error
from i18n import translate
from scenarios import (
    ScenarioError,
    builtin_scenario_ids,
    load_content,
    load_scenario,
    scenario_json_schema,
)
from scenarios.schema import Inject, Phase, Scenario
from scenarios.taxonomy import InjectKind

__all__ = ["register", "schema_text"]

_K = TypeVar("_K", bound=str)

#: Inject kinds that arrive as a burst of ``count`` events over ``over_s`` seconds.
_WAVES = frozenset(
    {InjectKind.TROLL_RAID, InjectKind.HOAX_WAVE, InjectKind.QUESTION_WAVE, InjectKind.GIFT_STORM}
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], lang: str) -> None:
    """Add the ``scenario`` command and its actions to the ``gladi`` parser."""
    parser = subparsers.add_parser(
        "scenario", help=translate("scenario.cmd.help", lang), description=translate("scenario.cmd.description", lang)
    )

    def show_help(args: argparse.Namespace) -> int:
        # ``gladi scenario`` alone: say what can be done instead of failing silently.
        parser.print_help()
        return 2

    parser.set_defaults(run=show_help)
    actions = parser.add_subparsers(
        dest="scenario_action", metavar=translate("scenario.cmd.action_metavar", lang)
    )

    listing = actions.add_parser(
        "list", help=translate("scenario.cmd.list_help", lang), description=translate("scenario.cmd.list_help", lang)
    )
    listing.add_argument("--json", action="store_true", help=translate("scenario.cmd.json_help", lang))
    listing.set_defaults(run=run_list)

    show = actions.add_parser(
        "show", help=translate("scenario.cmd.show_help", lang), description=translate("scenario.cmd.show_help", lang)
    )
    show.add_argument("ref", metavar=translate("scenario.cmd.ref_metavar", lang), help=translate("scenario.cmd.ref_help", lang))
    show.add_argument("--json", action="store_true", help=translate("scenario.cmd.json_help", lang))
    show.set_defaults(run=run_show)

    validate = actions.add_parser(
        "validate",
        help=translate("scenario.cmd.validate_help", lang),
        description=translate("scenario.cmd.validate_help", lang),
    )
    validate.add_argument(
        "refs", metavar=translate("scenario.cmd.ref_metavar", lang), nargs="+", help=translate("scenario.cmd.ref_help", lang)
    )
    validate.set_defaults(run=run_validate)

    schema = actions.add_parser(
        "schema", help=translate("scenario.cmd.schema_help", lang), description=translate("scenario.cmd.schema_help", lang)
    )
    schema.set_defaults(run=run_schema)


# ---------------------------------------------------------------- actions


def run_list(args: argparse.Namespace) -> int:
    """Print the built-in scenarios as a table or JSON; 1 if any built-in is broken."""
    lang: str = args.lang
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
        print(_table(scenarios, args.lang))
    else:
        print(translate("scenario.cmd.list_empty", lang))
    # A broken built-in is a packaging bug; the others stay usable, so list them.
    for error in broken:
        print(describe_scenario_error(error, args.lang), file=sys.stderr)
    return 1 if broken else 0


def run_show(args: argparse.Namespace) -> int:
    """Print one scenario in readable form (or as JSON)."""
    lang: str = args.lang
    try:
        scenario = load_scenario(args.ref)
    except ScenarioError as error:
        raise UserError(describe_scenario_error(error, args.lang)) from None
    if args.json:
        print(json.dumps(scenario.model_dump(mode="json"), indent=2))
    else:
        print(_readable(scenario, args.lang))
    return 0


def run_validate(args: argparse.Namespace) -> int:
    """Check each scenario and the content packs it names; 1 if any has problems."""
    lang: str = args.lang
    bad = 0
    for ref in args.refs:
        try:
            scenario = load_scenario(ref)
            _check_content(ref, scenario)
        except ScenarioError as error:
            bad += 1
            print(describe_scenario_error(error, args.lang))
            continue
        title = scenario.title.get(args.lang)
        print(translate("scenario.cmd.validate_ok", lang, ref=ref, id=scenario.id, title=title))
    total = len(args.refs)
    print(translate("scenario.cmd.validate_summary", lang, total=total, ok=total - bad, bad=bad))
    return 1 if bad else 0


def run_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of scenario files."""
    lang: str = args.lang
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


def _pairs(mapping: Mapping[_K, float], lang: str) -> str:
    return ", ".join(f"{key} {_number(value)}" for key, value in mapping.items()) or translate(
        "scenario.show.none", lang
    )


def _table(scenarios: Iterable[Scenario], lang: str) -> str:
    header = (
        translate("scenario.cmd.col_id", lang),
        translate("scenario.cmd.col_difficulty", lang),
        translate("scenario.cmd.col_minutes", lang),
        translate("scenario.cmd.col_title", lang),
    )
    rows = [header] + [
        (
            s.id,
            translate(f"scenario.difficulty.{s.difficulty.value}", lang),
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
        translate(
            "scenario.show.heading", lang,
            title=scenario.title.get(lang),
            id=scenario.id,
            version=scenario.version,
        ),
        scenario.summary.get(lang),
        "",
        translate(
            "scenario.show.facts", lang,
            difficulty=translate(f"scenario.difficulty.{scenario.difficulty.value}", lang),
            minutes=_minutes(scenario.duration_s),
            pass_mark=scenario.pass_mark,
            topic=scenario.topic,
        ),
        translate("scenario.show.content", lang, packs=", ".join(scenario.content) or translate("scenario.show.none", lang)),
        "",
        translate("scenario.show.goals", lang),
        *(f"  - {goal.get(lang)}" for goal in scenario.learning_goals),
        "",
        translate("scenario.show.audience", lang),
    ]
    audience = scenario.audience
    lines += [
        "  "
        + translate(
            "scenario.show.audience_size", lang,
            start=audience.start_viewers,
            peak=audience.peak_viewers,
            ramp=audience.ramp_s,
        ),
        "  " + translate("scenario.show.audience_mix", lang, mix=_pairs(audience.personas, lang)),
        "  "
        + translate(
            "scenario.show.audience_behaviour", lang,
            leave_rate=_number(audience.leave_rate),
            sensitivity=_number(audience.sensitivity),
        ),
        "",
        translate("scenario.show.phases", lang),
    ]
    for phase in scenario.phases:
        lines += _phase_lines(phase, lang)
    lines += ["", translate("scenario.show.injects", lang)]
    lines += [_inject_line(inject, lang) for inject in scenario.injects] or [
        "  " + translate("scenario.show.none", lang)
    ]
    settings = scenario.settings
    on, off = translate("scenario.show.on", lang), translate("scenario.show.off", lang)
    presets = ", ".join(
        translate("scenario.show.seconds", lang, n=p) if p is not None else translate("scenario.show.mute_live", lang)
        for p in settings.mute_presets_s
    )
    lines += [
        "",
        translate("scenario.show.settings", lang),
        "  "
        + translate(
            "scenario.show.settings_line", lang,
            gifts=on if settings.gifts else off,
            comments=on if settings.comments_enabled else off,
            moderators=settings.moderators,
            max_guests=settings.max_guests,
        ),
        "  "
        + translate(
            "scenario.show.settings_filter", lang,
            words=", ".join(settings.keyword_filter) or translate("scenario.show.none", lang),
        ),
        "  " + translate("scenario.show.settings_mute", lang, presets=presets or translate("scenario.show.none", lang)),
        "",
        translate(
            "scenario.show.scoring", lang,
            weights=_pairs(scenario.scoring.weights, lang),
            window=scenario.scoring.response_window_s,
        ),
    ]
    return "\n".join(lines)


def _phase_lines(phase: Phase, lang: str) -> list[str]:
    indent = " " * 9
    return [
        f"  {_clock(phase.start_s)}  {phase.name.get(lang)}",
        indent + translate("scenario.show.phase_rates", lang, rates=_pairs(phase.rates, lang)),
        indent
        + translate(
            "scenario.show.phase_other", lang,
            taps=_number(phase.taps),
            gifts=_number(phase.gifts),
            follows=_number(phase.follows),
            shares=_number(phase.shares),
            guests=_number(phase.guest_requests),
        ),
        indent
        + translate(
            "scenario.show.phase_trolls", lang,
            evasion=_number(round(phase.evasion * 100, 1)),
            repeat=_number(round(phase.repeat_offenders * 100, 1)),
        ),
    ]


def _inject_line(inject: Inject, lang: str) -> str:
    details: list[str] = []
    if inject.kind in _WAVES:
        details.append(translate("scenario.show.inject_wave", lang, count=inject.count, over_s=inject.over_s))
    elif inject.kind is InjectKind.GUEST_REQUEST:
        details.append(translate("scenario.show.inject_count", lang, count=inject.count))
    if inject.role is not None:
        details.append(translate("scenario.show.inject_role", lang, role=inject.role.value))
    if inject.kind is InjectKind.NETWORK_DROP:
        details.append(translate("scenario.show.inject_duration", lang, duration_s=inject.duration_s))
    if inject.categories:
        details.append(
            translate("scenario.show.inject_categories", lang, categories=", ".join(inject.categories))
        )
    if inject.troll:
        details.append(translate("scenario.show.inject_troll", lang))
    if inject.evasive:
        details.append(translate("scenario.show.inject_evasive", lang))
    text = f"  {_clock(inject.at_s)}  {inject.kind.value}"
    return f"{text}: {'; '.join(details)}" if details else text
