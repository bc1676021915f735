"""The synthetic audience: who is watching, and picking who acts.

Viewers are materialised when they join. Pools keep present viewers by
persona in lists with an index, so choosing someone at random and removing a
viewer are both O(1): a live with ten thousand viewers costs no more per
second than one with forty.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from moderation.events import Viewer
from scenarios.taxonomy import OFFICIALS, REGULAR_PERSONAS, Category, Persona

from .content import ContentIndex

__all__ = ["Audience", "poisson", "weighted"]


def poisson(rng: random.Random, lam: float) -> int:
    """Draw from a Poisson distribution with mean ``lam`` using only ``rng``."""
    if lam <= 0:
        return 0
    if lam < 30:
        # Knuth's method: exact and cheap for the small rates of a village live.
        limit = math.exp(-lam)
        k = 0
        p = rng.random()
        while p > limit:
            k += 1
            p *= rng.random()
        return k
    return max(0, round(rng.gauss(lam, lam**0.5)))


class _Pool:
    """A bag of viewer ids with O(1) add, remove and random choice."""

    __slots__ = ("items", "index")

    def __init__(self) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}

    def add(self, item: str) -> None:
        if item not in self.index:
            self.index[item] = len(self.items)
            self.items.append(item)

    def remove(self, item: str) -> None:
        i = self.index.pop(item, None)
        if i is None:
            return
        last = self.items.pop()
        if last != item:
            self.items[i] = last
            self.index[last] = i

    def choice(self, rng: random.Random) -> str:
        return self.items[int(rng.random() * len(self.items))]

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, item: object) -> bool:
        return item in self.index


#: Who writes each harmless category, by persona weight.
CHATTERS: dict[Category, tuple[tuple[Persona, float], ...]] = {
    Category.GREETING: ((Persona.YOUNG_MOTHER, 3), (Persona.CADRE, 2), (Persona.TEEN, 2)),
    Category.QUESTION: ((Persona.YOUNG_MOTHER, 6), (Persona.CADRE, 1), (Persona.TEEN, 0.5)),
    Category.PRAISE: ((Persona.YOUNG_MOTHER, 2), (Persona.CADRE, 3), (Persona.TEEN, 1)),
    Category.CHITCHAT: ((Persona.YOUNG_MOTHER, 2), (Persona.CADRE, 1), (Persona.TEEN, 3)),
    Category.OFFTOPIC: ((Persona.YOUNG_MOTHER, 1), (Persona.TEEN, 4)),
}


def weighted(rng: random.Random, choices: Sequence[tuple[Persona, float]]) -> Persona:
    """Pick a persona by weight (a short list: a linear scan beats random.choices)."""
    x = rng.random() * sum(w for _, w in choices)
    for persona, weight in choices:
        x -= weight
        if x < 0:
            return persona
    return choices[-1][0]


@dataclass(slots=True)
class _Record:
    handle: str
    persona: Persona


class Audience:
    """Everyone who has joined the live, and who is present now."""

    def __init__(self, content: ContentIndex, rng: random.Random) -> None:
        self.content = content
        self.rng = rng
        self.viewers: dict[str, _Record] = {}
        #: Present viewers who may wander off (everyone but officials).
        self.roaming = _Pool()
        self.pools: dict[Persona, _Pool] = {p: _Pool() for p in Persona}
        self.present: set[str] = set()
        self.handles: dict[str, str] = {}
        self._next = 0

    @property
    def count(self) -> int:
        return len(self.present)

    def join(self, persona: Persona) -> Viewer:
        """A new viewer of ``persona`` arrives."""
        self._next += 1
        vid = f"v{self._next}"
        handle = self.content.handle(persona, self.rng)
        self.viewers[vid] = _Record(handle, persona)
        self.handles[vid] = handle
        self.present.add(vid)
        self.pools[persona].add(vid)
        if persona not in OFFICIALS:
            self.roaming.add(vid)
        return Viewer(vid, handle, persona)

    def leave(self, vid: str) -> None:
        """``vid`` leaves (or is blocked)."""
        if vid not in self.present:
            return
        self.present.discard(vid)
        self.roaming.remove(vid)
        self.pools[self.viewers[vid].persona].remove(vid)

    def leave_random(self, n: int) -> list[str]:
        """``n`` roaming viewers, chosen at random, leave; return who left."""
        gone = []
        for _ in range(min(n, len(self.roaming))):
            vid = self.roaming.choice(self.rng)
            self.leave(vid)
            gone.append(vid)
        return gone

    def pick_regular(self) -> str | None:
        """A random present regular viewer (for taps, gifts, follows)."""
        for _ in range(4):
            if not self.roaming:
                return None
            vid = self.roaming.choice(self.rng)
            if self.viewers[vid].persona in REGULAR_PERSONAS:
                return vid
        return None

    def pick_chatter(self, category: Category) -> tuple[str, Viewer | None]:
        """Who writes a harmless comment; a newcomer arrives if nobody fits.

        Returns the viewer id and, for a newcomer, the :class:`Viewer` to announce.
        """
        choices = CHATTERS.get(category, CHATTERS[Category.CHITCHAT])
        pools = self.pools
        if all(pools[p] for p, _ in choices):  # the usual case in a busy live
            persona = weighted(self.rng, choices)
            return pools[persona].choice(self.rng), None
        present = [(p, w) for p, w in choices if pools[p]]
        persona = weighted(self.rng, present or choices)
        if present:
            return pools[persona].choice(self.rng), None
        viewer = self.join(persona)
        return viewer.id, viewer

    def pick_troll(self, persona: Persona, repeat: float) -> tuple[str, Viewer | None]:
        """Who writes a harmful comment: a troll already here, or a new one."""
        pool = self.pools[persona]
        if pool and self.rng.random() < repeat:
            return pool.choice(self.rng), None
        viewer = self.join(persona)
        return viewer.id, viewer
