"""``gladi scenario``: list, show, validate and audit scenarios, and print their JSON Schema.

Trainers write their own scenario files; ``gladi scenario validate FILE`` is
how they find every mistake with its line before a session in the village hall
(and what would make the drill a poor one), ``gladi scenario audit`` lists the
facts in the content packs due for a re-check, and ``gladi scenario schema``
feeds their text editor the same rules.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import types
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TypeVar

from debrief.errors import UserError
from debrief.scenario_text import describe_scenario_error, describe_warnings
from i18n import translate
from scenarios import (
    Problem,
    ScenarioCheck,
    ScenarioError,
    builtin_content_ids,
    builtin_scenario_ids,
    check_scenario,
    load_content_pack,
    load_economy,
    load_scenario,
    scenario_json_schema,
)
from scenarios.checks import StaleFact, stale_facts, undated_facts
from scenarios.schema import ContentPack, Inject, Phase, Scenario, Template
from scenarios.taxonomy import Category, InjectKind

__all__ = ["register", "schema_text"]

_K = TypeVar("_K", bound=str)

#: Inject kinds that arrive as a burst of ``count`` events over ``over_s`` seconds.
_WAVES = frozenset(
    {InjectKind.TROLL_RAID, InjectKind.HOAX_WAVE, InjectKind.QUESTION_WAVE, InjectKind.GIFT_STORM}
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], lang: str) -> None:
    """Add the ``scenario`` command and its actions to the ``gladi`` parser."""
    parser = subparsers.add_parser(
        "scenario",
        help=translate("scenario.cmd.help", lang),
        description=translate("scenario.cmd.description", lang),
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
        "list",
        help=translate("scenario.cmd.list_help", lang),
        description=translate("scenario.cmd.list_help", lang),
    )
    listing.add_argument(
        "--json", action="store_true", help=translate("scenario.cmd.json_help", lang)
    )
    listing.set_defaults(run=run_list)

    show = actions.add_parser(
        "show",
        help=translate("scenario.cmd.show_help", lang),
        description=translate("scenario.cmd.show_help", lang),
    )
    show.add_argument(
        "ref",
        metavar=translate("scenario.cmd.ref_metavar", lang),
        help=translate("scenario.cmd.ref_help", lang),
    )
    show.add_argument("--json", action="store_true", help=translate("scenario.cmd.json_help", lang))
    show.set_defaults(run=run_show)

    validate = actions.add_parser(
        "validate",
        help=translate("scenario.cmd.validate_help", lang),
        description=translate("scenario.cmd.validate_help", lang),
    )
    validate.add_argument(
        "refs",
        metavar=translate("scenario.cmd.ref_metavar", lang),
        nargs="+",
        help=translate("scenario.cmd.ref_help", lang),
    )
    validate.add_argument(
        "--fast", action="store_true", help=translate("scenario.cmd.fast_help", lang)
    )
    validate.set_defaults(run=run_validate)

    audit = actions.add_parser(
        "audit",
        help=translate("scenario.cmd.audit_help", lang),
        description=translate("scenario.cmd.audit_description", lang),
    )
    audit.add_argument(
        "refs",
        metavar=translate("scenario.cmd.ref_metavar", lang),
        nargs="*",
        help=translate("scenario.cmd.audit_refs_help", lang),
    )
    audit.add_argument(
        "--today", metavar="YYYY-MM-DD", type=_date, help=translate("scenario.cmd.today_help", lang)
    )
    audit.add_argument(
        "--max-age-days", type=int, default=365, help=translate("scenario.cmd.max_age_help", lang)
    )
    audit.set_defaults(run=run_audit)

    schema = actions.add_parser(
        "schema",
        help=translate("scenario.cmd.schema_help", lang),
        description=translate("scenario.cmd.schema_help", lang),
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
    """Check each scenario with its content packs; 1 if any has problems.

    Warnings (a drill that cannot tell a good moderator from an idle one,
    rates far from a real live's, an unknown topic) are printed under a valid
    scenario and do not change the exit status.
    """
    lang: str = args.lang
    bad = 0
    for ref in args.refs:
        check = check_scenario(ref)
        if check.scenario is None:
            bad += 1
            # Built-in ids are shown as typed; files by their path.
            file = ref if check.file.startswith("<builtin:") else check.file
            print(describe_scenario_error(ScenarioError(file, check.problems), lang))
            continue
        scenario = check.scenario
        title = scenario.title.get(lang)
        print(translate("scenario.cmd.validate_ok", lang, ref=ref, id=scenario.id, title=title))
        warnings = list(check.warnings)
        if not args.fast:
            warnings += trial_warnings(check, lang)
        if warnings:
            print(describe_warnings(ref, warnings, lang))
    total = len(args.refs)
    print(translate("scenario.cmd.validate_summary", lang, total=total, ok=total - bad, bad=bad))
    return 1 if bad else 0


#: Below this many points between the good and the idle autopilot, a drill cannot grade.
MIN_SPREAD = 25.0
#: The seed of the trial runs: any fixed one, so that ``validate`` says the same each time.
TRIAL_SEED = 1


def trial_warnings(check: ScenarioCheck, lang: str) -> list[Problem]:
    """Play the scenario with the idle and the good autopilot and compare their scores.

    A scenario in which doing nothing passes, or scores close to moderating
    well, teaches nothing; the static checks catch the obvious cases (nothing
    harmful), this catches the rest.
    """
    # Imported here, as the CLI loads commands lazily: only validate plays sessions.
    from moderation.autopilot import make_autopilot, run as play
    from moderation.content import ContentIndex
    from moderation.engine import Session
    from moderation.sessionfile import scorecard_of

    scenario = check.scenario
    if scenario is None:
        return []
    content = ContentIndex(check.packs, scenario.topic)
    try:
        economy = load_economy()
    except ScenarioError as error:
        raise UserError(describe_scenario_error(error, lang)) from None
    scores: dict[str, float] = {}
    found: list[Problem] = []
    for kind in ("idle", "good"):
        session = Session(scenario, content, economy, TRIAL_SEED)
        play(session, make_autopilot(kind, session))
        scores[kind] = round(scorecard_of(session).score, 1)
        if kind == "good":
            found += question_repeats(session.events, session.truth)
    idle, good = scores["idle"], scores["good"]
    params = types.MappingProxyType({"idle": idle, "good": good, "pass_mark": scenario.pass_mark})
    if idle >= scenario.pass_mark:
        found.insert(0, Problem("pass_mark", None, "idle_passes", "an idle moderator passes",
                                params))
    elif good - idle < MIN_SPREAD:
        found.insert(0, Problem("", None, "idle_close_to_good", "idle scores close to good",
                                params))
    return found


#: A question posted this often, and making this share of all questions, means its
#: writers have almost nothing else to ask (a pack question whose persona is absent).
REPEAT_COUNT, REPEAT_SHARE = 25, 0.25


def question_repeats(events: Iterable[object], truth: Mapping[str, Template]) -> list[Problem]:
    """Warn when one question template fills the room: posted :data:`REPEAT_COUNT` times or
    more and at least :data:`REPEAT_SHARE` of all questions in a trial run."""
    # Imported here, as in trial_warnings: only validate plays sessions.
    from moderation.events import AudienceChanged, CommentPosted

    personas: dict[str, str] = {}
    posted: Counter[str] = Counter()
    writers: dict[str, set[str]] = {}
    for event in events:
        if isinstance(event, AudienceChanged):
            personas.update((v.id, v.persona.value) for v in event.joined)
        elif isinstance(event, CommentPosted) and truth[event.id].category is Category.QUESTION:
            posted[event.template] += 1
            writers.setdefault(event.template, set()).add(personas.get(event.viewer, "?"))
    total = sum(posted.values())
    if not total:
        return []
    template, count = posted.most_common(1)[0]
    if count < REPEAT_COUNT or count < REPEAT_SHARE * total:
        return []
    params = types.MappingProxyType({"template": template, "count": count, "total": total,
                                     "writers": ", ".join(sorted(writers[template]))})
    return [Problem("", None, "question_repeats", "one question fills the room", params)]


def run_audit(args: argparse.Namespace) -> int:
    """List the facts whose ``as_of`` date is older than ``--max-age-days``, and the
    answers with a number that have no date at all; 1 if there are any."""
    lang: str = args.lang
    # The core reads no clock: today's date is taken here and passed in.
    today: dt.date = args.today or dt.date.today()
    packs = _audit_packs(args.refs, lang)
    stale = stale_facts(packs, today.isoformat(), args.max_age_days)
    economy = load_economy()
    economy_stale = stale_facts((), today.isoformat(), args.max_age_days,
                                economy_as_of=economy.as_of)
    for fact in (*stale, *economy_stale):
        print(_stale_line(fact, lang))
    undated = undated_facts(packs)
    for missing in undated:
        print(translate("scenario.cmd.audit_undated", lang, pack=missing.pack,
                        template=missing.template, source=missing.source or "-"))
    count = len(stale) + len(economy_stale)
    print(
        translate(
            "scenario.cmd.audit_summary",
            lang,
            count=count,
            undated=len(undated),
            days=args.max_age_days,
            today=today.isoformat(),
            packs=len(packs),
        )
    )
    return 1 if count or undated else 0


def _audit_packs(refs: list[str], lang: str) -> tuple[ContentPack, ...]:
    """The built-in packs, or the packs of the scenarios named (their own packs too)."""
    if not refs:
        try:
            return tuple(load_content_pack(pack_id) for pack_id in builtin_content_ids())
        except ScenarioError as error:
            raise UserError(describe_scenario_error(error, lang)) from None
    packs: dict[str, ContentPack] = {}
    for ref in refs:
        check = check_scenario(ref, warnings=False)
        if check.scenario is None:
            raise UserError(describe_scenario_error(ScenarioError(ref, check.problems), lang))
        packs.update((pack.id, pack) for pack in check.packs)
    return tuple(packs.values())


def _stale_line(fact: StaleFact, lang: str) -> str:
    key = "scenario.cmd.audit_economy" if fact.template is None else "scenario.cmd.audit_fact"
    return translate(
        key,
        lang,
        pack=fact.pack,
        template=fact.template or "",
        as_of=fact.as_of,
        days=fact.age_days,
        source=fact.source or "-",
    )


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(text) from None


def run_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of scenario files."""
    sys.stdout.write(schema_text())
    return 0


def schema_text() -> str:
    """The JSON Schema as published in ``docs/scenario.schema.json``."""
    return json.dumps(scenario_json_schema(), indent=2) + "\n"


# ---------------------------------------------------------------- helpers


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
            "scenario.show.heading",
            lang,
            title=scenario.title.get(lang),
            id=scenario.id,
            version=scenario.version,
        ),
        scenario.summary.get(lang),
        "",
        translate(
            "scenario.show.facts",
            lang,
            difficulty=translate(f"scenario.difficulty.{scenario.difficulty.value}", lang),
            minutes=_minutes(scenario.duration_s),
            pass_mark=scenario.pass_mark,
            topic=", ".join((scenario.topic, *scenario.topics)),
        ),
        translate(
            "scenario.show.content",
            lang,
            # The scenario's own packs (inline, or read from files) after the built-in ones.
            packs=", ".join((*scenario.content, *(pack.id for pack in scenario.packs)))
            or translate("scenario.show.none", lang),
        ),
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
            "scenario.show.audience_size",
            lang,
            start=audience.start_viewers,
            peak=audience.peak_viewers,
            ramp=audience.ramp_s,
        ),
        "  " + translate("scenario.show.audience_mix", lang, mix=_pairs(audience.personas, lang)),
        "  "
        + translate(
            "scenario.show.audience_behaviour",
            lang,
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
        translate("scenario.show.seconds", lang, n=p)
        if p is not None
        else translate("scenario.show.mute_live", lang)
        for p in settings.mute_presets_s
    )
    lines += [
        "",
        translate("scenario.show.settings", lang),
        "  "
        + translate(
            "scenario.show.settings_line",
            lang,
            gifts=on if settings.gifts else off,
            comments=on if settings.comments_enabled else off,
            moderators=settings.moderators,
            max_guests=settings.max_guests,
        ),
        "  "
        + translate(
            "scenario.show.settings_filter",
            lang,
            words=", ".join(settings.keyword_filter) or translate("scenario.show.none", lang),
        ),
        "  "
        + translate(
            "scenario.show.settings_mute",
            lang,
            presets=presets or translate("scenario.show.none", lang),
        ),
        "",
        translate(
            "scenario.show.scoring",
            lang,
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
            "scenario.show.phase_other",
            lang,
            taps=_number(phase.taps),
            gifts=_number(phase.gifts),
            follows=_number(phase.follows),
            shares=_number(phase.shares),
            guests=_number(phase.guest_requests),
        ),
        indent
        + translate(
            "scenario.show.phase_trolls",
            lang,
            evasion=_number(round(phase.evasion * 100, 1)),
            repeat=_number(round(phase.repeat_offenders * 100, 1)),
        ),
    ]


def _inject_line(inject: Inject, lang: str) -> str:
    details: list[str] = []
    if inject.kind in _WAVES:
        details.append(
            translate("scenario.show.inject_wave", lang, count=inject.count, over_s=inject.over_s)
        )
    elif inject.kind is InjectKind.GUEST_REQUEST:
        details.append(translate("scenario.show.inject_count", lang, count=inject.count))
    if inject.role is not None:
        details.append(translate("scenario.show.inject_role", lang, role=inject.role.value))
    if inject.kind is InjectKind.NETWORK_DROP:
        details.append(
            translate("scenario.show.inject_duration", lang, duration_s=inject.duration_s)
        )
    if inject.categories:
        details.append(
            translate(
                "scenario.show.inject_categories", lang, categories=", ".join(inject.categories)
            )
        )
    if inject.troll:
        details.append(translate("scenario.show.inject_troll", lang))
    if inject.evasive:
        details.append(translate("scenario.show.inject_evasive", lang))
    text = f"  {_clock(inject.at_s)}  {inject.kind.value}"
    return f"{text}: {'; '.join(details)}" if details else text
