"""Picking and rendering comment templates from content packs."""

from __future__ import annotations

import bisect
import hashlib
import json
import random
from collections.abc import Iterable, Mapping

from scenarios.schema import ContentPack, Template
from scenarios.taxonomy import Category, Persona

__all__ = ["ContentIndex", "content_digest"]


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


class ContentIndex:
    """Every template of a scenario's packs, indexed for the engine and the judge."""

    def __init__(self, packs: Iterable[ContentPack], topic: str = "general") -> None:
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
        self._plain: dict[Category, _Pool] = {}
        self._evasive: dict[Category, _Pool] = {}
        for category in Category:
            plain = [t for t in self.by_id.values() if t.category is category and t.evasion is None]
            evasive = [t for t in self.by_id.values() if t.category is category and t.evasion]
            # The scenario's own topic comes up three times as often as others.
            for pool, items in ((self._plain, plain), (self._evasive, evasive)):
                if items:
                    weights = [t.weight * (3.0 if t.topic == topic else 1.0) for t in items]
                    pool[category] = _Pool(items, weights)
        self.digest = content_digest(self.packs)
        self._slot_names = {tid: tuple(sorted(t.slots)) for tid, t in self.by_id.items()}
        #: Ids of the templates that have slots to fill.
        self.slotted = frozenset(tid for tid, names in self._slot_names.items() if names)

    def has(self, category: Category) -> bool:
        """True if some template can produce ``category``."""
        return category in self._plain or category in self._evasive

    def plain_pool(self, category: Category) -> _Pool | None:
        """The non-evasive templates of ``category`` (for the engine's hot loop)."""
        return self._plain.get(category) or self._evasive.get(category)

    def pick(self, category: Category, rng: random.Random, evasive: bool) -> Template | None:
        """Choose a template of ``category``, preferring evasive ones when asked."""
        first, second = (
            (self._evasive, self._plain) if evasive else (self._plain, self._evasive)
        )
        pool = first.get(category) or second.get(category)
        return pool.pick(rng) if pool else None

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
