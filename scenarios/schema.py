"""Pydantic schemas for scenario files, content packs and the economy config.

Every model is frozen and forbids unknown fields, so a typo in a scenario file
is an error that names the field instead of a setting silently ignored.
"""

from __future__ import annotations

import string
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .taxonomy import (
    HARMFUL,
    REGULAR_PERSONAS,
    REMOVALS,
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


class _Model(BaseModel):
    # Field docstrings go into the JSON Schema, so editors show them on hover.
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Text(_Model):
    """A piece of text in both of Gladi's languages."""

    id: NonEmpty
    en: NonEmpty

    def get(self, lang: str) -> str:
        """Return the text in ``lang``, Indonesian when the language is unknown."""
        return self.en if lang == "en" else self.id


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

    @property
    def harmful(self) -> bool:
        return self.category in HARMFUL

    @property
    def slots(self) -> frozenset[str]:
        """The slot names the template uses."""
        return frozenset(name for _, name, _, _ in string.Formatter().parse(self.text) if name)

    @model_validator(mode="after")
    def _ground_truth_is_consistent(self) -> Self:
        acceptable = set(self.acceptable)
        if self.harmful:
            if self.severity < 1:
                raise ValueError("a harmful comment needs severity 1 to 3")
            if not acceptable & REMOVALS and Response.ANSWER not in acceptable:
                raise ValueError(
                    "a harmful comment needs delete, mute, block or answer among acceptable"
                )
        else:
            if self.severity != 0:
                raise ValueError("a harmless comment has severity 0")
            wrong = acceptable & (REMOVALS | {Response.REPORT})
            if wrong:
                raise ValueError(
                    "a harmless comment may not list mute, block, delete or report as acceptable"
                )
        if self.category in (Category.QUESTION, Category.HOAX) and self.answer is None:
            raise ValueError("questions and hoaxes need a reference answer")
        if self.answer is not None and not self.source:
            raise ValueError("a reference answer needs its source")
        if self.category is Category.QUESTION and Response.ANSWER not in acceptable:
            raise ValueError("a question must list answer as acceptable")
        return self


class ContentPack(_Model):
    """A data file of comment templates, slot values and viewer handles."""

    id: Identifier
    title: Text
    slots: dict[Identifier, tuple[NonEmpty, ...]] = {}
    handles: dict[Persona, tuple[NonEmpty, ...]] = {}
    templates: tuple[Template, ...]

    @model_validator(mode="after")
    def _templates_are_complete(self) -> Self:
        seen: set[str] = set()
        for template in self.templates:
            if template.id in seen:
                raise ValueError(f"template id {template.id!r} is used twice")
            seen.add(template.id)
            missing = template.slots - set(self.slots)
            if missing:
                raise ValueError(
                    f"template {template.id!r} uses slots the pack does not define: "
                    + ", ".join(sorted(missing))
                )
            parsed = string.Formatter().parse(template.translation_en)
            missing_en = frozenset(n for _, n, _, _ in parsed if n) ^ template.slots
            if missing_en:
                raise ValueError(
                    f"template {template.id!r}: the translation must use the same slots as the text"
                )
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
    personas: dict[Persona, Rate] = {
        Persona.YOUNG_MOTHER: 5,
        Persona.CADRE: 2,
        Persona.TEEN: 2,
        Persona.LURKER: 6,
    }

    @model_validator(mode="after")
    def _regular_personas_only(self) -> Self:
        odd = set(self.personas) - REGULAR_PERSONAS
        if odd:
            raise ValueError(
                "the audience mix takes only regular viewers ("
                + ", ".join(sorted(REGULAR_PERSONAS))
                + "); trolls arrive through comment rates and injects, officials through injects"
            )
        if not any(self.personas.values()):
            raise ValueError("the audience mix needs at least one persona with a weight above 0")
        if self.start_viewers > self.peak_viewers:
            raise ValueError("start_viewers cannot exceed peak_viewers")
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
    def _kind_fields(self) -> Self:
        if self.kind is InjectKind.OFFICIAL_JOINS and self.role is None:
            raise ValueError("official_joins needs a role: midwife or village_head")
        if self.kind is InjectKind.TROLL_RAID:
            harmless = [c for c in self.categories if c not in HARMFUL]
            if harmless:
                raise ValueError("a troll raid takes harmful categories only")
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
    def _some_weight(self) -> Self:
        if not any(self.weights.values()):
            raise ValueError("at least one scoring weight must be above 0")
        return self


class Scenario(_Model):
    """A training scenario: audience, timeline, injects, settings and scoring."""

    id: Identifier
    version: Annotated[int, Field(ge=1)] = 1
    title: Text
    summary: Text
    topic: Identifier
    duration_s: Annotated[int, Field(ge=30, le=4 * 3600)]
    difficulty: Difficulty
    pass_mark: Annotated[int, Field(ge=0, le=100)] = 60
    learning_goals: tuple[Text, ...] = Field(min_length=1)
    content: tuple[Identifier, ...] = ("core",)
    audience: Audience
    phases: tuple[Phase, ...] = Field(min_length=1)
    injects: tuple[Inject, ...] = ()
    scripted: tuple[ScriptedComment, ...] = ()
    """Comments posted at fixed times, whatever the seed (tutorial prompts)."""
    settings: Settings = Settings()
    scoring: Scoring = Scoring()

    @model_validator(mode="after")
    def _timeline_fits(self) -> Self:
        if self.phases[0].start_s != 0:
            raise ValueError("the first phase must start at 0")
        starts = [p.start_s for p in self.phases]
        if starts != sorted(set(starts)):
            raise ValueError("phases must start at increasing times")
        if starts[-1] >= self.duration_s:
            raise ValueError("every phase must start before the end (duration_s)")
        times = [i.at_s for i in self.injects] + [c.at_s for c in self.scripted]
        late = [at for at in times if at >= self.duration_s]
        if late:
            raise ValueError(f"injects or scripted comments at {late} s fall after the end "
                             "(duration_s)")
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
