"""Picking and rendering comment templates from content packs.

What a scenario's room says is drawn here. Two things of the scenario shape it
(docs/scenario-format.md, "Topics and personas"):

- its **topics**: questions and hoaxes on the scenario's topics make up
  :data:`FOCUS` of those drawn (when the packs have both kinds); other
  categories prefer on-topic templates :data:`TOPIC_BOOST` times;
- **who writes**: a template may name the personas who write it
  (``personas: [teen]``), and is then drawn only for a writer of those.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import random
from collections.abc import Iterable, Mapping

from scenarios.checks import TOPICAL
from scenarios.schema import ContentPack, Template
from scenarios.taxonomy import REGULAR_PERSONAS, Category, Persona

__all__ = ["FOCUS", "TOPIC_BOOST", "ContentIndex", "Drawer", "content_digest"]

#: The share of questions and hoaxes drawn from the scenario's topics.
FOCUS = 0.75
#: How much more often an on-topic template of another category is drawn.
TOPIC_BOOST = 3.0


def content_digest(packs: Iterable[ContentPack]) -> str:
    """A fingerprint of the packs, so a session file knows if content changed under it."""
    h = hashlib.sha256()
    for pack in packs:
        h.update(json.dumps(pack.model_dump(mode="json"), sort_keys=True).encode())
    return h.hexdigest()


class _Pool:
    """Templates with cumulative weights for fast weighted choice."""

    __slots__ = ("templates", "cum", "total")

    def __init__(self, templates: list[Template], weights: list[float]) -> None:
        self.templates = templates
        self.total = 0.0
        self.cum: list[float] = []
        for w in weights:
            self.total += w
            self.cum.append(self.total)

    def pick(self, rng: random.Random) -> Template:
        # What random.choices does, without its per-call set-up: this runs for
        # every comment of a ten-thousand-viewer live.
        i = bisect.bisect(self.cum, rng.random() * self.total)
        return self.templates[min(i, len(self.templates) - 1)]


def _weights(items: list[Template], topics: frozenset[str], category: Category) -> list[float]:
    """Draw weights: the scenario's topics take :data:`FOCUS` of questions and hoaxes."""
    if category in TOPICAL:
        on = sum(t.weight for t in items if t.topic in topics)
        off = sum(t.weight for t in items if t.topic not in topics)
        if on and off:
            return [t.weight * (FOCUS / on if t.topic in topics else (1 - FOCUS) / off)
                    for t in items]
        return [t.weight for t in items]
    return [t.weight * (TOPIC_BOOST if t.topic in topics else 1.0) for t in items]


class Drawer:
    """The template pools of one scenario: by category, evasion and the writer's persona."""

    def __init__(self, templates: list[Template], topics: frozenset[str]) -> None:
        self.topics = topics
        self._plain: dict[tuple[Category, Persona | None], _Pool] = {}
        self._evasive: dict[tuple[Category, Persona | None], _Pool] = {}
        writers: tuple[Persona | None, ...] = (None, *sorted(REGULAR_PERSONAS))
        for category in Category:
            of_category = [t for t in templates if t.category is category]
            for persona in writers:
                # Templates that name their writers go only to those writers;
                # with no writer known (None), every template of the category.
                fits = [t for t in of_category
                        if persona is None or not t.personas or persona in t.personas]
                plain = [t for t in fits if t.evasion is None]
                evasive = [t for t in fits if t.evasion]
                for pools, items in ((self._plain, plain), (self._evasive, evasive)):
                    if items:
                        pools[category, persona] = _Pool(items,
                                                         _weights(items, topics, category))

    def has(self, category: Category) -> bool:
        """True if some template can produce ``category``."""
        return (category, None) in self._plain or (category, None) in self._evasive

    def plain_pool(self, category: Category, persona: Persona | None = None) -> _Pool | None:
        """The non-evasive templates of ``category`` that ``persona`` writes (hot loop)."""
        key = (category, persona)
        pool = self._plain.get(key) or self._evasive.get(key)
        if pool is None and persona is not None:
            return self.plain_pool(category)
        return pool

    def pick(self, category: Category, rng: random.Random, evasive: bool,
             persona: Persona | None = None) -> Template | None:
        """Choose a template of ``category``, preferring evasive ones when asked."""
        key = (category, persona)
        first, second = (
            (self._evasive, self._plain) if evasive else (self._plain, self._evasive)
        )
        pool = first.get(key) or second.get(key)
        if pool is None and persona is not None:
            return self.pick(category, rng, evasive)
        return pool.pick(rng) if pool else None


class ContentIndex:
    """Every template of a scenario's packs, indexed for the engine and the judge."""

    def __init__(self, packs: Iterable[ContentPack], topic: str | Iterable[str] = "general"
                 ) -> None:
        self.packs = tuple(packs)
        self.by_id: dict[str, Template] = {}
        self.slots: dict[str, tuple[str, ...]] = {}
        self.handles: dict[Persona, list[str]] = {}
        for pack in self.packs:
            for template in pack.templates:
                self.by_id[template.id] = template
            for name, values in pack.slots.items():
                self.slots[name] = self.slots.get(name, ()) + values
            for persona, bases in pack.handles.items():
                self.handles.setdefault(persona, []).extend(bases)
        self._drawers: dict[frozenset[str], Drawer] = {}
        self.topics = frozenset({topic} if isinstance(topic, str) else topic)
        self._default = self.drawer(self.topics)
        self.digest = content_digest(self.packs)
        self._slot_names = {tid: tuple(sorted(t.slots)) for tid, t in self.by_id.items()}
        #: Ids of the templates that have slots to fill.
        self.slotted = frozenset(tid for tid, names in self._slot_names.items() if names)

    def drawer(self, topics: frozenset[str]) -> Drawer:
        """The pools for a scenario about ``topics`` (built once per set of topics)."""
        drawer = self._drawers.get(topics)
        if drawer is None:
            drawer = self._drawers[topics] = Drawer(list(self.by_id.values()), topics)
        return drawer

    def has(self, category: Category) -> bool:
        """True if some template can produce ``category``."""
        return self._default.has(category)

    def plain_pool(self, category: Category) -> _Pool | None:
        """The non-evasive templates of ``category``, for the topics given at construction."""
        return self._default.plain_pool(category)

    def pick(self, category: Category, rng: random.Random, evasive: bool) -> Template | None:
        """Choose a template of ``category``, preferring evasive ones when asked."""
        return self._default.pick(category, rng, evasive)

    def fill(self, template: Template, rng: random.Random) -> tuple[tuple[str, str], ...]:
        """Choose values for the template's slots, in a stable order."""
        names = self._slot_names[template.id]
        if not names:
            return ()
        slots = self.slots
        out = []
        for name in names:
            values = slots[name]
            out.append((name, values[int(rng.random() * len(values))]))
        return tuple(out)

    @staticmethod
    def render(text: str, slots: Mapping[str, str] | tuple[tuple[str, str], ...]) -> str:
        """Fill ``text``'s slots; text without slots is returned as is."""
        if not slots:
            return text
        return text.format_map(dict(slots))

    def translation(self, template_id: str, slots: tuple[tuple[str, str], ...]) -> str:
        """The English translation of a posted comment."""
        template = self.by_id[template_id]
        return self.render(template.translation_en, slots)

    def handle(self, persona: Persona, rng: random.Random) -> str:
        """A plausible TikTok handle for a new viewer of ``persona``."""
        bases = self.handles.get(persona) or self.handles.get(Persona.LURKER) or ["penonton"]
        base = bases[int(rng.random() * len(bases))]
        style = rng.random()
        if style < 0.4:
            return f"{base}{int(style * 2497.5) + 1}"
        if style < 0.6:
            return f"{base}_{int((style - 0.4) * 450) + 10}"
        return base
