"""Pydantic schemas for scenario files, content packs and the economy config.

Every model is frozen and forbids unknown fields, so a typo in a scenario file
is an error that names the field instead of a setting silently ignored.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from i18n import Lang, pick

from .checks import (
    LOADER_CHECKS,
    Finding,
    audience_findings,
    inject_findings,
    pack_findings,
    scoring_findings,
    template_findings,
    timeline_findings,
)
from .taxonomy import (
    HARMFUL,
    Category,
    Difficulty,
    Evasion,
    InjectKind,
    Persona,
    Response,
)

__all__ = [
    "Audience",
    "ContentPack",
    "Economy",
    "Gift",
    "Inject",
    "Phase",
    "Scenario",
    "Scoring",
    "ScriptedComment",
    "Settings",
    "Template",
    "Text",
]

Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]
NonEmpty = Annotated[str, Field(min_length=1)]
Rate = Annotated[float, Field(ge=0)]
#: A regular viewer: the personas an audience mix and a template's writers may name
#: (trolls arrive through comment rates and injects, officials through injects).
RegularPersona = Literal[Persona.YOUNG_MOTHER, Persona.CADRE, Persona.TEEN, Persona.LURKER,
                         Persona.ELDER]
#: A date a fact was last checked: ``2025-06`` or ``2025-06-30``.
AsOf = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")]

#: What a content pack file beside a scenario is called: a path ending in one of these.
PACK_FILE_SUFFIXES = (".yaml", ".yml")
_IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def _pack_ref(value: str) -> str:
    """A built-in pack id, or the path of a pack file relative to the scenario."""
    if value.lower().endswith(PACK_FILE_SUFFIXES) and value.strip() == value:
        return value
    if _IDENTIFIER.match(value) and len(value) <= 80:
        return value
    raise PydanticCustomError(
        "pack_ref",
        "\"{value}\" is neither a built-in pack id nor a pack file ending in .yaml",
        {"value": value},
    )


#: An entry of ``Scenario.content``: ``core`` or ``my-pack.yaml``.
PackRef = Annotated[str, AfterValidator(_pack_ref)]


def is_pack_file(ref: str) -> bool:
    """True when a ``content`` entry names a pack file rather than a built-in pack."""
    return ref.lower().endswith(PACK_FILE_SUFFIXES)


def _raise_first(findings: Sequence[Finding]) -> None:
    """Raise the first finding as a coded validation error (for callers other than the
    loader); its ``at`` points below the model that raises it."""
    if findings:
        first = findings[0]
        raise PydanticCustomError(first.code, first.message.replace("{", "{{").replace("}", "}}"),
                                  {"at": first.loc, **first.params})


def _loader_checks(info: ValidationInfo) -> bool:
    context = info.context
    return isinstance(context, Mapping) and bool(context.get(LOADER_CHECKS))


class _Model(BaseModel):
    # Field docstrings go into the JSON Schema, so editors show them on hover.
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Text(_Model):
    """A piece of text in both of Gladi's languages."""

    id: NonEmpty
    en: NonEmpty

    def get(self, lang: str) -> str:
        """Return the text in ``lang``; a language it lacks falls back as ``i18n.CONVENTIONS``
        says (the pseudo-language shows the English in brackets), an unknown one is
        Indonesian."""
        return pick({Lang.ID.value: self.id, Lang.EN.value: self.en}, lang)


# ---------------------------------------------------------------- content


class Template(_Model):
    """One comment template with its ground truth.

    ``text`` is what a viewer types, in Indonesian, with ``{slot}`` placeholders
    filled from the pack's slot lists. ``translation_en`` is an English
    translation for the English interface and for trainers; it is marked as a
    translation wherever it is shown.
    """

    id: Identifier
    category: Category
    topic: Identifier = "general"
    severity: Annotated[int, Field(ge=0, le=3)] = 0
    text: NonEmpty
    translation_en: NonEmpty
    evasion: Evasion | None = None
    acceptable: tuple[Response, ...] = ()
    explanation: Text
    answer: Text | None = None
    source: NonEmpty | None = None
    refer: bool = False
    weight: Annotated[float, Field(gt=0)] = 1.0
    personas: tuple[RegularPersona, ...] = ()
    """Who writes this comment (regular viewers only); empty: anyone who writes
    this category. A persona listed here never draws templates meant for others."""
    as_of: AsOf | None = None
    """When the fact in the answer was last checked against its source; facts
    that can go stale (statistics, targets, schedules) carry it."""
    requires: tuple[Literal[Response.BLOCK, Response.REPORT], ...] = ()
    """Responses that must *all* be given for the comment to count as handled
    (each must also be acceptable): a groomer or a threat is blocked and
    reported, not only deleted. Child-safety comments require block and report."""

    @property
    def harmful(self) -> bool:
        return self.category in HARMFUL

    @property
    def slots(self) -> frozenset[str]:
        """The slot names the template uses."""
        return frozenset(name for _, name, _, _ in string.Formatter().parse(self.text) if name)

    @model_validator(mode="after")
    def _ground_truth_is_consistent(self, info: ValidationInfo) -> Self:
        if not _loader_checks(info):  # the loader checks the raw data, with the schema's
            _raise_first(template_findings(self.model_dump(mode="json")))
        return self


class ContentPack(_Model):
    """A data file of comment templates, slot values and viewer handles."""

    id: Identifier
    title: Text
    slots: dict[Identifier, tuple[NonEmpty, ...]] = {}
    handles: dict[Persona, tuple[NonEmpty, ...]] = {}
    templates: tuple[Template, ...]

    @model_validator(mode="after")
    def _templates_are_complete(self, info: ValidationInfo) -> Self:
        if _loader_checks(info):
            return self  # the loader checks the raw data, every problem at its field
        _raise_first(pack_findings({
            "slots": self.slots,
            "templates": [{"id": t.id, "text": t.text, "translation_en": t.translation_en}
                          for t in self.templates],
        }))
        return self


class Gift(_Model):
    """A gift with its coin value."""

    id: Identifier
    name: Text
    coins: Annotated[int, Field(ge=1)]
    weight: Annotated[float, Field(gt=0)] = 1.0


class Economy(_Model):
    """Values that change over time (gift prices, coin value), dated."""

    as_of: NonEmpty
    approximate: bool = True
    source: NonEmpty
    coin_idr: Annotated[float, Field(gt=0)]
    creator_share: Annotated[float, Field(gt=0, le=1)]
    gifts: tuple[Gift, ...] = Field(min_length=1)


# ---------------------------------------------------------------- scenario


class Audience(_Model):
    """Who watches and how they come and go."""

    start_viewers: Annotated[int, Field(ge=0)]
    peak_viewers: Annotated[int, Field(ge=1, le=100_000)]
    ramp_s: Annotated[int, Field(ge=0)] = 120
    leave_rate: Annotated[float, Field(ge=0, le=0.1)] = 0.002
    """Chance per viewer per second of leaving when all is well."""
    sensitivity: Annotated[float, Field(ge=0, le=5)] = 1.0
    """How strongly viewers react to dead air, trolls and good answers (1 = normal)."""
    personas: dict[RegularPersona, Rate] = {
        Persona.YOUNG_MOTHER: 5,
        Persona.CADRE: 2,
        Persona.TEEN: 2,
        Persona.LURKER: 6,
    }

    @model_validator(mode="after")
    def _regular_personas_only(self, info: ValidationInfo) -> Self:
        if not _loader_checks(info):
            _raise_first(audience_findings(self.model_dump(mode="json")))
        return self


class Phase(_Model):
    """A stretch of the live with its own pace.

    Rates are per second when the audience is at its peak; harmless comments,
    taps, gifts and follows scale with the audience, trolls do not.
    """

    name: Text
    start_s: Annotated[int, Field(ge=0)]
    rates: dict[Category, Rate]
    taps: Rate = 2.0
    gifts: Rate = 0.0
    follows: Rate = 0.02
    shares: Rate = 0.01
    guest_requests: Rate = 0.0
    evasion: Annotated[float, Field(ge=0, le=1)] = 0.2
    """Share of harmful comments written to evade keyword filters (0–1)."""
    repeat_offenders: Annotated[float, Field(ge=0, le=1)] = 0.3
    """Chance that a harmful comment comes from a troll who already posted."""


class Inject(_Model):
    """A scripted happening at a given time (trainers can fire the same kinds live)."""

    at_s: Annotated[int, Field(ge=0)]
    kind: InjectKind
    count: Annotated[int, Field(ge=1, le=500)] = 5
    over_s: Annotated[int, Field(ge=1, le=600)] = 20
    categories: tuple[Category, ...] = ()
    role: Literal[Persona.MIDWIFE, Persona.VILLAGE_HEAD] | None = None
    troll: bool = False
    evasive: bool = False
    duration_s: Annotated[int, Field(ge=1, le=300)] = 10

    @model_validator(mode="after")
    def _kind_fields(self, info: ValidationInfo) -> Self:
        if not _loader_checks(info):
            _raise_first(inject_findings(self.model_dump(mode="json")))
        return self


class ScriptedComment(_Model):
    """One comment that always comes at the same moment (for guided scenarios)."""

    at_s: Annotated[int, Field(ge=0)]
    template: Identifier
    """The template to post; it must be in one of the scenario's content packs."""
    persona: Persona | None = None
    """Who writes it; by default a troll of the template's category for harmful
    comments, otherwise a young mother."""


class Settings(_Model):
    """How the live is set up when it starts."""

    gifts: bool = True
    comments_enabled: bool = True
    keyword_filter: tuple[NonEmpty, ...] = ()
    moderators: Annotated[int, Field(ge=0, le=20)] = 1
    mute_presets_s: tuple[Annotated[int, Field(ge=1)] | None, ...] = (5, 30, 60, 300, None)
    """Mute presets in seconds; null means "for the whole LIVE".

    TikTok's exact menu values are not published, so these are configurable
    and approximate.
    """
    max_guests: Annotated[int, Field(ge=0, le=5)] = 5
    max_moderators: Annotated[int, Field(ge=1, le=100)] = 20
    """Most moderators at once. TikTok allows 20 (a third-party figure); a drill
    server raises it so that every participant can moderate as themselves."""
    filter_limit: Annotated[int, Field(ge=1, le=1000)] = 200
    stream_window: Annotated[int, Field(ge=1, le=100)] = 12
    """How many newer comments push a comment out of the on-screen stream."""
    stream_max_s: Annotated[int, Field(ge=5, le=600)] = 45
    """Longest a comment stays on screen when the chat is quiet."""


Component = Literal["detection", "speed", "exposure", "hosting"]


class Scoring(_Model):
    """Weights of the score's parts (see docs/scoring.md)."""

    weights: dict[Component, Rate] = {
        "detection": 40,
        "speed": 15,
        "exposure": 15,
        "hosting": 30,
    }
    response_window_s: Annotated[int, Field(ge=5, le=600)] = 60
    """An action later than this after the comment appeared counts as a miss."""

    @model_validator(mode="after")
    def _some_weight(self, info: ValidationInfo) -> Self:
        if not _loader_checks(info):
            _raise_first(scoring_findings(self.model_dump(mode="json")))
        return self


class Scenario(_Model):
    """A training scenario: audience, timeline, injects, settings and scoring."""

    id: Identifier
    version: Annotated[int, Field(ge=1)] = 1
    title: Text
    summary: Text
    topic: Identifier
    topics: tuple[Identifier, ...] = ()
    """More topics the live is about, besides ``topic``; questions and hoaxes
    on any of them are the ones mostly drawn."""
    duration_s: Annotated[int, Field(ge=30, le=4 * 3600)]
    difficulty: Difficulty
    pass_mark: Annotated[int, Field(ge=0, le=100)] = 60
    learning_goals: tuple[Text, ...] = Field(min_length=1)
    content: tuple[PackRef, ...] = ("core",)
    """Built-in content packs by id, and pack files by path relative to the
    scenario file (``my-pack.yaml``). The loader reads a pack file into
    ``packs``, so a loaded scenario names only built-in ids here."""
    packs: tuple[ContentPack, ...] = ()
    """Content packs of this scenario's own, written inline (or read from the
    files ``content`` names); used after the built-in ones."""
    audience: Audience
    phases: tuple[Phase, ...] = Field(min_length=1)
    injects: tuple[Inject, ...] = ()
    scripted: tuple[ScriptedComment, ...] = ()
    """Comments posted at fixed times, whatever the seed (tutorial prompts)."""
    settings: Settings = Settings()
    scoring: Scoring = Scoring()

    @model_validator(mode="after")
    def _timeline_fits(self, info: ValidationInfo) -> Self:
        if _loader_checks(info):
            return self  # the loader checks the raw data, every problem at its field
        _raise_first(timeline_findings({
            "duration_s": self.duration_s,
            "phases": [{"start_s": p.start_s} for p in self.phases],
            "injects": [{"at_s": i.at_s} for i in self.injects],
            "scripted": [{"at_s": c.at_s} for c in self.scripted],
        }))
        return self

    def phase_at(self, t_s: float) -> Phase:
        """Return the phase running at ``t_s`` seconds."""
        current = self.phases[0]
        for phase in self.phases:
            if phase.start_s <= t_s:
                current = phase
            else:
                break
        return current
