"""Rules that relate fields to each other, as findings with codes and parameters.

The pydantic models of :mod:`scenarios.schema` check each field; the rules here
look across fields (phase order, events after the end, template ids across
content packs, the topics a scenario names) and, for warnings, at the scenario
as a whole (nothing harmful to moderate, rates far from a real live's).

They work on the *raw* data read from YAML as well as on validated models, so
that :mod:`scenarios.loader` can report them together with the schema's
problems, each at its own field path, instead of one at a time after the schema
has passed. Every finding is a code with parameters; the words are in the
catalogues (``i18n/locales/*/scenario.yaml``), rendered by
``debrief/scenario_text.py``.
"""

from __future__ import annotations

import difflib
import re
import string
import types
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .taxonomy import (
    HARMFUL,
    REMOVALS,
    REQUIRED_FOR,
    Category,
    InjectKind,
    Response,
    builtin_topic,
)

if TYPE_CHECKING:
    from .schema import ContentPack, Scenario

__all__ = [
    "LOADER_CHECKS",
    "RATE_RANGES",
    "Finding",
    "StaleFact",
    "UndatedFact",
    "as_of_day",
    "audience_findings",
    "day_number",
    "clash_findings",
    "close_matches",
    "expected_comments",
    "filter_findings",
    "inject_findings",
    "model_rule_findings",
    "normalise_keyword",
    "pack_findings",
    "pack_rule_findings",
    "scenario_topics",
    "scenario_warnings",
    "scoring_findings",
    "scripted_findings",
    "stale_facts",
    "template_findings",
    "timeline_findings",
    "topic_findings",
    "undated_facts",
    "writer_findings",
]

#: The validation-context key with which the loader says "I check the
#: cross-field rules myself, on the raw data": the models' own validators then
#: stand aside, so that each problem is reported once, at its own field.
LOADER_CHECKS = "gladi_loader_checks"

Loc = tuple[int | str, ...]


@dataclass(frozen=True)
class Finding:
    """One cross-field problem or warning, before the loader gives it a line."""

    loc: Loc
    code: str
    message: str
    params: Mapping[str, object] = field(default_factory=lambda: types.MappingProxyType({}))


def _finding(loc: Loc, code: str, message: str, **params: object) -> Finding:
    return Finding(loc, code, message.format(**params), types.MappingProxyType(params))


def _number(value: object) -> int | float | None:
    """A raw YAML value as a number, or None when it is not one (the schema says why)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _items(value: object) -> list[tuple[int, Mapping[str, object]]]:
    """The mapping items of a raw list, with their index; anything else is skipped."""
    if not isinstance(value, list | tuple):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, Mapping)]


def _member(enum: type[Category] | type[Response] | type[InjectKind], value: object,
            ) -> Category | Response | InjectKind | None:
    """A raw YAML value as a member of ``enum``, or None (the schema says why)."""
    try:
        return enum(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _responses(value: object) -> set[Response]:
    """The valid responses of a raw list (unknown ones are the schema's to report)."""
    if not isinstance(value, list | tuple):
        return set()
    return {r for r in (_member(Response, v) for v in value) if isinstance(r, Response)}


# ---------------------------------------------------------------- rules of one model


def template_findings(template: Mapping[str, object]) -> list[Finding]:
    """The ground-truth rules of one template, on its raw data (locations below it).

    They look at the fields that are valid, whatever else is wrong with the
    template, so a pack's problems all come out in one round.
    """
    category = _member(Category, template.get("category"))
    if not isinstance(category, Category):
        return []
    found: list[Finding] = []
    acceptable = _responses(template.get("acceptable"))
    requires = _responses(template.get("requires"))
    severity = _number(template.get("severity", 0))
    if category in HARMFUL:
        if severity is not None and severity < 1:
            found.append(_finding(("severity",), "harmful_needs_severity",
                                  "a harmful comment needs severity 1 to 3"))
        if not acceptable & REMOVALS and Response.ANSWER not in acceptable:
            found.append(_finding(("acceptable",), "harmful_needs_action",
                                  "a harmful comment needs delete, mute, block or answer "
                                  "among acceptable"))
        needed = REQUIRED_FOR.get(category, frozenset())
        if needed - requires:
            found.append(_finding(("requires",), "category_requires",
                                  "a {category} comment requires {actions}: write "
                                  "requires: [{actions}]", category=category.value,
                                  actions=", ".join(sorted(needed))))
        missing = requires - acceptable
        if missing:
            found.append(_finding(("requires",), "requires_not_acceptable",
                                  "what a comment requires must also be acceptable; add "
                                  "{actions} to acceptable", actions=", ".join(sorted(missing))))
    else:
        if severity is not None and severity != 0:
            found.append(_finding(("severity",), "harmless_severity",
                                  "a harmless comment has severity 0"))
        wrong = acceptable & (REMOVALS | {Response.REPORT})
        if wrong:
            found.append(_finding(("acceptable",), "harmless_removal",
                                  "a harmless comment may not list mute, block, delete or "
                                  "report as acceptable ({actions})",
                                  actions=", ".join(sorted(wrong))))
        if template.get("evasion") is not None:
            found.append(_finding(("evasion",), "harmless_evasion",
                                  "only a harmful comment can evade a filter"))
        if template.get("requires"):
            found.append(_finding(("requires",), "harmless_requires",
                                  "only a harmful comment can require actions"))
    answer = template.get("answer")
    if category in (Category.QUESTION, Category.HOAX) and answer is None:
        found.append(_finding((), "answer_missing", "questions and hoaxes need a reference answer"))
    if answer is not None and not template.get("source"):
        found.append(_finding((), "source_missing", "a reference answer needs its source"))
    if category is Category.QUESTION and Response.ANSWER not in acceptable:
        found.append(_finding(("acceptable",), "question_needs_answer_action",
                              "a question must list answer as acceptable"))
    return found


def audience_findings(audience: Mapping[str, object]) -> list[Finding]:
    """The audience's rules on its raw data: someone watches, the start is not above the peak."""
    found: list[Finding] = []
    personas = audience.get("personas")
    if isinstance(personas, Mapping):
        weights = [_number(w) for w in personas.values()]
        if all(w is not None for w in weights) and not any(weights):
            found.append(_finding(("personas",), "no_persona_weight",
                                  "the audience mix needs at least one persona with a "
                                  "weight above 0"))
    start = _number(audience.get("start_viewers"))
    peak = _number(audience.get("peak_viewers"))
    if start is not None and peak is not None and start > peak:
        found.append(_finding(("start_viewers",), "start_above_peak",
                              "start_viewers ({start}) cannot exceed peak_viewers ({peak})",
                              start=start, peak=peak))
    return found


def inject_findings(inject: Mapping[str, object]) -> list[Finding]:
    """An inject's rules on its raw data: an official has a role, a raid only harmful kinds."""
    kind = _member(InjectKind, inject.get("kind"))
    found: list[Finding] = []
    if kind is InjectKind.OFFICIAL_JOINS and inject.get("role") is None:
        found.append(_finding((), "official_without_role",
                              "official_joins needs a role: midwife or village_head"))
    categories = inject.get("categories")
    if kind is InjectKind.TROLL_RAID and isinstance(categories, list | tuple):
        for i, raw in enumerate(categories):
            category = _member(Category, raw)
            if isinstance(category, Category) and category not in HARMFUL:
                found.append(_finding(("categories", i), "raid_harmless_category",
                                      "a troll raid takes harmful categories only, not "
                                      "{category}", category=category.value,
                                      allowed=", ".join(sorted(HARMFUL))))
                break
    return found


def scoring_findings(scoring: Mapping[str, object]) -> list[Finding]:
    """The scoring's rule on its raw data: some part weighs."""
    weights = scoring.get("weights")
    if not isinstance(weights, Mapping):
        return []
    values = [_number(w) for w in weights.values()]
    if all(v is not None for v in values) and not any(values):
        return [_finding(("weights",), "no_scoring_weight",
                         "at least one scoring weight must be above 0")]
    return []


def _below(loc: Loc, findings: Iterable[Finding]) -> list[Finding]:
    return [Finding((*loc, *f.loc), f.code, f.message, f.params) for f in findings]


def pack_rule_findings(pack: Mapping[str, object], loc: Loc = ()) -> list[Finding]:
    """Every template rule of one raw pack, located below ``loc``."""
    found: list[Finding] = []
    for i, template in _items(pack.get("templates")):
        found += _below((*loc, "templates", i), template_findings(template))
    return found


def model_rule_findings(data: Mapping[str, object]) -> list[Finding]:
    """The rules of the scenario's models (audience, injects, scoring, inline packs) on raw
    data, so that they are reported with the schema's problems, not after them."""
    found: list[Finding] = []
    audience = data.get("audience")
    if isinstance(audience, Mapping):
        found += _below(("audience",), audience_findings(audience))
    for i, inject in _items(data.get("injects")):
        found += _below(("injects", i), inject_findings(inject))
    scoring = data.get("scoring")
    if isinstance(scoring, Mapping):
        found += _below(("scoring",), scoring_findings(scoring))
    for i, pack in _items(data.get("packs")):
        found += pack_rule_findings(pack, ("packs", i))
    return found


# ---------------------------------------------------------------- scenario timeline


def timeline_findings(data: Mapping[str, object]) -> list[Finding]:
    """Phase order and events after the end, on raw scenario data.

    Values of the wrong type are skipped: the schema reports them.
    """
    found: list[Finding] = []
    duration = _number(data.get("duration_s"))
    previous: float | None = None
    starts = [(i, _number(phase.get("start_s"))) for i, phase in _items(data.get("phases"))]
    known = [start for _, start in starts if start is not None]
    earliest = min(known) if known else None
    for i, start in starts:
        if start is None:
            continue
        loc: Loc = ("phases", i, "start_s")
        if i == 0 and earliest is not None and earliest < start:
            # Setting this one to 0 would leave two phases at the start: reorder instead.
            found.append(_finding(loc, "phases_not_in_order",
                                  "the phases are not in time order: this first one starts at "
                                  "{start_s} s, a later one at {earliest_s} s; list them by "
                                  "start_s, the earliest first, and start that one at 0",
                                  start_s=start, earliest_s=earliest))
        elif i == 0 and start != 0:
            found.append(_finding(loc, "first_phase_not_at_zero",
                                  "the first phase must start at 0, not at {start_s}",
                                  start_s=start))
        elif previous is not None and start == previous:
            found.append(_finding(loc, "phase_same_start",
                                  "this phase starts at {start_s} s, as the phase before it "
                                  "does", start_s=start))
        elif previous is not None and start < previous:
            found.append(_finding(loc, "phase_out_of_order",
                                  "this phase starts at {start_s} s, before the phase "
                                  "before it ({previous_s} s)", start_s=start, previous_s=previous))
        if duration is not None and start >= duration:
            found.append(_finding(loc, "phase_after_end",
                                  "this phase starts at {start_s} s, at or after the end "
                                  "(duration_s {duration_s})", start_s=start, duration_s=duration))
        previous = start
    if duration is None:
        return found
    for group, code, what in (("injects", "inject_after_end", "an inject"),
                              ("scripted", "scripted_after_end", "a scripted comment")):
        for i, item in _items(data.get(group)):
            at = _number(item.get("at_s"))
            if at is not None and at >= duration:
                found.append(_finding((group, i, "at_s"), code,
                                      what + " at {at_s} s falls after the end "
                                      "(duration_s {duration_s})", at_s=at, duration_s=duration))
    return found


# ---------------------------------------------------------------- content packs


def _slots_of(text: object) -> frozenset[str] | None:
    if not isinstance(text, str):
        return None
    try:
        return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)
    except ValueError:
        return None


def pack_findings(data: Mapping[str, object]) -> list[Finding]:
    """Template ids used twice, undefined slots and translations with other slots.

    Works on the raw data of one pack; values of the wrong type are skipped.
    """
    found: list[Finding] = []
    raw_slots = data.get("slots")
    slots = set(raw_slots) if isinstance(raw_slots, Mapping) else set()
    first: dict[str, int] = {}
    for i, template in _items(data.get("templates")):
        tid = template.get("id")
        if isinstance(tid, str):
            if tid in first:
                found.append(_finding(("templates", i, "id"), "template_id_twice",
                                      "the template id {template} is already used by "
                                      "templates[{first}]", template=tid, first=first[tid],
                                      first_n=first[tid] + 1))
            else:
                first[tid] = i
        text_slots = _slots_of(template.get("text"))
        if text_slots is None:
            found += _brace_findings(i, template)
            continue
        missing = sorted(text_slots - slots)
        if missing:
            found.append(_finding(("templates", i, "text"), "slot_undefined",
                                  "the text uses slots the pack does not define: {slots}",
                                  slots=", ".join(missing)))
        en_slots = _slots_of(template.get("translation_en"))
        if en_slots is not None and en_slots != text_slots:
            found.append(_finding(("templates", i, "translation_en"), "translation_slots",
                                  "the translation must use the same {{slots}} as the text "
                                  "({slots})", slots=", ".join(sorted(text_slots)) or "-"))
    return found


def _brace_findings(i: int, template: Mapping[str, object]) -> list[Finding]:
    if not isinstance(template.get("text"), str):
        return []
    return [_finding(("templates", i, "text"), "stray_brace",
                     "a { or } that is not a slot; write {{ or }} for a brace")]


def clash_findings(
    packs: Sequence[tuple[Loc, ContentPack]], builtin: Iterable[ContentPack],
) -> list[tuple[int, Finding]]:
    """A scenario's own pack whose id, or a template id of which, another pack already uses.

    The engine merges all a scenario's templates by id, so a clash would
    silently replace one comment's ground truth with another's. Each finding
    comes with the index in ``packs`` of the pack it is about.
    """
    owner: dict[str, str] = {}
    pack_ids: set[str] = set()
    for pack in builtin:
        pack_ids.add(pack.id)
        for template in pack.templates:
            owner.setdefault(template.id, pack.id)
    found: list[tuple[int, Finding]] = []
    for index, (loc, pack) in enumerate(packs):
        if pack.id in pack_ids:
            found.append((index, _finding((*loc, "id"), "pack_id_clash",
                                          "another pack of the scenario is called {pack}",
                                          pack=pack.id)))
        pack_ids.add(pack.id)
        for i, template in enumerate(pack.templates):
            other = owner.get(template.id)
            if other == pack.id:
                continue  # a repeat inside one pack: pack_findings reports it
            if other is not None:
                found.append((index, _finding((*loc, "templates", i, "id"), "template_id_clash",
                                              "the template id {template} is already used in "
                                              "the pack {pack}", template=template.id,
                                              pack=other)))
            else:
                owner[template.id] = pack.id
    return found


def scripted_findings(data: Mapping[str, object], template_ids: frozenset[str],
                      packs: Sequence[str]) -> list[Finding]:
    """Scripted comments whose template is in none of the scenario's packs."""
    found: list[Finding] = []
    for i, item in _items(data.get("scripted")):
        tid = item.get("template")
        if isinstance(tid, str) and tid not in template_ids:
            found.append(_finding(("scripted", i, "template"), "unknown_template",
                                  "no template {template} in the scenario's content packs",
                                  template=tid, packs=", ".join(packs),
                                  **_suggestion(tid, template_ids)))
    return found


def close_matches(word: str, known: Iterable[str], n: int = 3) -> tuple[str, ...]:
    """The known words closest to ``word``, best first."""
    return tuple(difflib.get_close_matches(word, sorted(set(known)), n=n, cutoff=0.5))


def _suggestion(word: str, known: Iterable[str]) -> dict[str, object]:
    matches = close_matches(word, known, n=1)
    return {"suggestion": matches[0]} if matches else {}


# ---------------------------------------------------------------- topics


#: The categories whose templates a scenario's topics choose between.
TOPICAL: frozenset[Category] = frozenset({Category.QUESTION, Category.HOAX})


def scenario_topics(scenario: Scenario) -> frozenset[str]:
    """The topics a scenario is about: ``topic`` and the ``topics`` beside it."""
    return frozenset((scenario.topic, *scenario.topics))


def topic_findings(scenario: Scenario, packs: Iterable[ContentPack],
                   builtin_topics: Mapping[str, Sequence[str]] = types.MappingProxyType({}),
                   ) -> list[Finding]:
    """Warn about topics that no question or hoax of the scenario's packs is about.

    The suggestion goes by meaning first: a word of a built-in topic
    (``anemia`` is ``adolescent``) names that topic, and, when none of the
    scenario's packs has it, the built-in packs that do (``builtin_topics``:
    topic → pack ids); only then by spelling among the packs' topics.
    """
    known = {t.topic for pack in packs for t in pack.templates if t.category in TOPICAL}
    found: list[Finding] = []
    named: list[tuple[Loc, str]] = [(("topic",), scenario.topic)]
    named += [(("topics", i), topic) for i, topic in enumerate(scenario.topics)]
    for loc, topic in named:
        if topic in known:
            continue
        meant = builtin_topic(topic)
        if meant is not None and meant in known:
            found.append(_finding(loc, "unknown_topic_builtin",
                                  "no question or hoax of the scenario's packs is about "
                                  "{topic}; the built-in topic is {builtin}", topic=topic,
                                  builtin=meant))
            continue
        if meant is not None and builtin_topics.get(meant):
            found.append(_finding(loc, "unknown_topic_pack",
                                  "no question or hoax of the scenario's packs is about "
                                  "{topic}; the built-in topic {builtin} is in {packs}",
                                  topic=topic, builtin=meant,
                                  packs=", ".join(builtin_topics[meant])))
            continue
        matches = close_matches(topic, known)
        found.append(_finding(loc, "unknown_topic_suggest" if matches else "unknown_topic",
                              "no question or hoax of the scenario's packs is about {topic}",
                              topic=topic, matches=matches, known=tuple(sorted(known))))
    return found


def writer_findings(scenario: Scenario) -> list[Finding]:
    """Warn about a template of the scenario's own packs written only by personas who are
    not in the audience: it is drawn only for them, so it never comes."""
    present = {p for p, weight in scenario.audience.personas.items() if weight > 0}
    found: list[Finding] = []
    for pack in scenario.packs:
        for template in pack.templates:
            if template.personas and not set(template.personas) & present:
                found.append(_finding(("audience", "personas"), "template_writers_absent",
                                      "the template {template} is written only by {personas}, "
                                      "who are not in the audience", template=template.id,
                                      personas=", ".join(p.value for p in template.personas),
                                      pack=pack.id))
    return found


# ---------------------------------------------------------------- realism


@dataclass(frozen=True)
class RateRange:
    """What Gladi treats as the range of a real community live (docs/scenario-format.md)."""

    low: float
    high: float


#: Working ranges, documented with their reasoning in docs/scenario-format.md
#: ("How busy is a real live?"). Harmless chat is counted per viewer per minute
#: at the peak audience; harmful comments and guest requests per second.
RATE_RANGES: Mapping[str, RateRange] = types.MappingProxyType({
    "chat_per_viewer_minute": RateRange(0.1, 2.0),
    "harmful_per_second": RateRange(0.0, 0.5),
    "guest_requests_per_second": RateRange(0.0, 0.05),
})
#: Fewer expected questions than this and the host has too little to answer.
MIN_QUESTIONS = 5
#: Fewer expected harmful comments than this and an idle moderator misses little.
MIN_HARMFUL = 3

_WAVE_CATEGORY = {InjectKind.HOAX_WAVE: Category.HOAX, InjectKind.QUESTION_WAVE: Category.QUESTION}


def expected_comments(scenario: Scenario,
                      packs: Iterable[ContentPack] = ()) -> dict[Category, float]:
    """Roughly how many comments of each category the scenario brings (rates at peak).

    Scripted comments count when their template is in ``packs``.
    """
    ends = [p.start_s for p in scenario.phases[1:]] + [scenario.duration_s]
    counts: dict[Category, float] = {}
    for phase, end in zip(scenario.phases, ends, strict=True):
        for category, rate in phase.rates.items():
            counts[category] = counts.get(category, 0.0) + rate * (end - phase.start_s)
    for inject in scenario.injects:
        if inject.kind is InjectKind.TROLL_RAID:
            cycle = inject.categories or (Category.SARA, Category.PORN, Category.JUDOL)
            for i in range(inject.count):
                category = cycle[i % len(cycle)]
                counts[category] = counts.get(category, 0.0) + 1
        elif inject.kind in _WAVE_CATEGORY:
            category = _WAVE_CATEGORY[inject.kind]
            counts[category] = counts.get(category, 0.0) + inject.count
    templates = {t.id: t for pack in packs for t in pack.templates}
    for item in scenario.scripted:
        template = templates.get(item.template)
        if template is not None:
            counts[template.category] = counts.get(template.category, 0.0) + 1
    return counts


def normalise_keyword(keyword: str) -> str:
    """Keywords match case-insensitively, as TikTok's filter does, with their own runs of
    spaces collapsed (the room's filter, moderation/room.py, matches this way)."""
    return " ".join(keyword.split()).casefold()


#: How many template ids a warning names as examples.
EXAMPLES = 3


def filter_findings(scenario: Scenario, packs: Iterable[ContentPack]) -> list[Finding]:
    """Warn about a starting keyword that hides harmless comments of the packs.

    What the scenario's own filter hides counts neither for nor against the
    trainee, so the viewers who write those comments (worried mothers asking
    whether "MR bikin autis") silently vanish from the drill. The templates'
    text is matched as written, slots unfilled.
    """
    templates = [t for pack in packs for t in pack.templates if not t.harmful]
    found: list[Finding] = []
    for i, raw in enumerate(scenario.settings.keyword_filter):
        keyword = normalise_keyword(raw)
        hidden = [t for t in templates if keyword and keyword in t.text.casefold()]
        if not hidden:
            continue
        questions = sum(1 for t in hidden if t.category is Category.QUESTION)
        found.append(_finding(("settings", "keyword_filter", i), "filter_hides_harmless",
                              "the starting filter word {keyword} hides {count} harmless "
                              "templates ({questions} questions)", keyword=raw,
                              count=len(hidden), questions=questions,
                              examples=", ".join(t.id for t in hidden[:EXAMPLES])))
    return found


def scenario_warnings(scenario: Scenario, packs: Sequence[ContentPack],
                      builtin_topics: Mapping[str, Sequence[str]] = types.MappingProxyType({}),
                      ) -> list[Finding]:
    """What makes a valid scenario a poor drill: a room that teaches little or is unreal.

    ``builtin_topics`` (topic → built-in pack ids) lets a topic suggestion name the
    built-in pack to add.
    """
    found = topic_findings(scenario, packs, builtin_topics)
    found += filter_findings(scenario, packs) + writer_findings(scenario)
    expected = expected_comments(scenario, packs)
    harmful = sum(n for c, n in expected.items() if c in HARMFUL)
    questions = expected.get(Category.QUESTION, 0.0)
    if harmful == 0:
        found.append(_finding(("phases",), "nothing_harmful",
                              "nothing harmful ever comes: an idle moderator scores as well "
                              "as a good one"))
    elif harmful < MIN_HARMFUL:
        found.append(_finding(("phases",), "little_harmful",
                              "only about {count} harmful comments come", count=round(harmful)))
    if questions < MIN_QUESTIONS:
        found.append(_finding(("phases",), "few_questions",
                              "only about {count} questions come; the host has little to answer",
                              count=round(questions)))
    for i, phase in enumerate(scenario.phases):
        found += _phase_rate_findings(i, phase.rates, phase.guest_requests,
                                      scenario.audience.peak_viewers)
    return found


def _phase_rate_findings(i: int, rates: Mapping[Category, float], guests: float,
                         peak: int) -> list[Finding]:
    found: list[Finding] = []
    chat = sum(r for c, r in rates.items() if c not in HARMFUL) * 60 / peak
    harmful = sum(r for c, r in rates.items() if c in HARMFUL)
    checks = (
        ("chat_per_viewer_minute", chat, ("phases", i, "rates")),
        ("harmful_per_second", harmful, ("phases", i, "rates")),
        ("guest_requests_per_second", guests, ("phases", i, "guest_requests")),
    )
    for name, value, loc in checks:
        bounds = RATE_RANGES[name]
        if name == "chat_per_viewer_minute" and value == 0:
            continue  # a phase of only trolls or silence is a deliberate choice
        if value < bounds.low or value > bounds.high:
            found.append(_finding(loc, "rate_" + name + ("_high" if value > bounds.high
                                                          else "_low"),
                                  "{value} is outside {low}-{high}",
                                  value=round(value, 3), low=bounds.low, high=bounds.high))
    return found


# ---------------------------------------------------------------- facts kept current


@dataclass(frozen=True)
class StaleFact:
    """A dated fact due for a re-check: a template's answer, or the economy (``template`` None)."""

    pack: str
    template: str | None
    as_of: str
    age_days: int
    source: str | None


def day_number(year: int, month: int, day: int) -> int:
    """Days since 1 March of year 0 in the proleptic Gregorian calendar.

    Only differences matter; the arithmetic is H. Hinnant's ``days_from_civil``
    (https://howardhinnant.github.io/date_algorithms.html), so the core needs
    no date library (and so no clock nearby).
    """
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era


def as_of_day(as_of: str) -> int | None:
    """The day number of an ``as_of`` text (``2025-06`` is 1 June 2025); None if unreadable."""
    parts = as_of.split("-")
    try:
        year, month = int(parts[0]), int(parts[1])
        day = int(parts[2]) if len(parts) > 2 else 1
    except (ValueError, IndexError):
        return None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return day_number(year, month, day)


def stale_facts(packs: Iterable[ContentPack], today: str, max_age_days: int = 365, *,
                economy_as_of: str | None = None) -> list[StaleFact]:
    """The facts checked longer than ``max_age_days`` before ``today`` (``YYYY-MM-DD``).

    Today's date is passed in by the caller: the core reads no clock. Every
    template with an ``as_of`` date counts, and the economy's date when given.

    Raises:
        ValueError: ``today`` is not a date.
    """
    now = as_of_day(today)
    if now is None:
        raise ValueError(f"not a date: {today!r}")
    found: list[StaleFact] = []
    for pack in packs:
        for template in pack.templates:
            day = None if template.as_of is None else as_of_day(template.as_of)
            if day is not None and now - day > max_age_days:
                found.append(StaleFact(pack.id, template.id, str(template.as_of), now - day,
                                       template.source))
    day = None if economy_as_of is None else as_of_day(economy_as_of)
    if day is not None and now - day > max_age_days:
        found.append(StaleFact("economy", None, str(economy_as_of), now - day, None))
    return found


@dataclass(frozen=True)
class UndatedFact:
    """An answer that states a number (a dose, an age, a threshold, a figure, a platform
    limit) with no ``as_of``: nobody can tell when it was last checked."""

    pack: str
    template: str
    source: str | None


#: A number in an answer: what makes a fact one that can go stale.
_NUMBER = re.compile(r"\d")


def undated_facts(packs: Iterable[ContentPack]) -> list[UndatedFact]:
    """Every answer with a number in it and no ``as_of`` date, pack by pack."""
    return [UndatedFact(pack.id, template.id, template.source)
            for pack in packs for template in pack.templates
            if template.answer is not None and template.as_of is None
            and _NUMBER.search(template.answer.id + template.answer.en)]
