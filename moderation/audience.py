"""The synthetic audience: who is watching, and picking who acts.

Viewers are materialised when they join. Pools keep present viewers by
persona in lists with an index, so choosing someone at random and removing a
viewer are both O(1): a live with ten thousand viewers costs no more per
second than one with forty.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Sequence

from moderation.events import Viewer
from scenarios.taxonomy import OFFICIALS, REGULAR_PERSONAS, Category, Persona

from .content import ContentIndex

__all__ = ["Audience", "poisson", "weighted"]


def poisson(rng: random.Random, lam: float) -> int:
    """Draw from a Poisson distribution with mean ``lam`` using only ``rng``."""
    if lam <= 0:
        return 0
    if lam < 30:
        # Inversion: exact, one draw, then a walk up the cumulative distribution.
        u = rng.random()
        p = math.exp(-lam)
        cumulative = p
        k = 0
        while u > cumulative:
            k += 1
            p *= lam / k
            cumulative += p
            if p == 0.0:  # rounding left u just above the total mass
                break
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


#: How readily each persona writes each harmless category (lurkers never do).
#: Multiplied by how many of that persona are watching, this decides who
#: comments: a room of teenagers is a room where teenagers talk
#: (docs/scenario-format.md, "Topics and personas").
CHATTERS: dict[Category, tuple[tuple[Persona, int], ...]] = {
    Category.GREETING: ((Persona.YOUNG_MOTHER, 6), (Persona.CADRE, 4), (Persona.TEEN, 4),
                        (Persona.ELDER, 5)),
    Category.QUESTION: ((Persona.YOUNG_MOTHER, 12), (Persona.CADRE, 2), (Persona.TEEN, 3),
                        (Persona.ELDER, 8)),
    Category.PRAISE: ((Persona.YOUNG_MOTHER, 4), (Persona.CADRE, 6), (Persona.TEEN, 2),
                      (Persona.ELDER, 5)),
    Category.CHITCHAT: ((Persona.YOUNG_MOTHER, 4), (Persona.CADRE, 2), (Persona.TEEN, 6),
                        (Persona.ELDER, 3)),
    Category.OFFTOPIC: ((Persona.YOUNG_MOTHER, 2), (Persona.TEEN, 8), (Persona.ELDER, 1)),
}


#: The personas of the unnamed crowd, in a fixed order (replay depends on it).
_CROWD: tuple[Persona, ...] = tuple(p for p in Persona if p in REGULAR_PERSONAS)


def weighted(rng: random.Random, choices: Sequence[tuple[Persona, float]],
             total: float | None = None) -> Persona:
    """Pick a persona by weight (a short list: a linear scan beats random.choices)."""
    x = rng.random() * (sum(w for _, w in choices) if total is None else total)
    for persona, weight in choices:
        x -= weight
        if x < 0:
            return persona
    return choices[-1][0]


class Audience:
    """Everyone who has joined the live, and who is present now.

    Regular viewers are only counted, by persona, until they do something: most
    of a big audience never comments, so giving each of ten thousand silent
    viewers a name, a handle and an event as they drift in and out would cost
    time and tell nobody anything. A viewer steps out of the crowd, as a named
    :class:`Viewer`, the first time they comment, tap, send a gift or follow.
    Trolls and officials are named from the moment they arrive.
    """

    def __init__(self, content: ContentIndex, rng: random.Random) -> None:
        self.content = content
        self.rng = rng
        self.viewers: dict[str, Viewer] = {}
        #: Present named viewers who may wander off (everyone but officials).
        self.roaming = _Pool()
        self.pools: dict[Persona, _Pool] = {p: _Pool() for p in Persona}
        self.present: set[str] = set()
        self.handles: dict[str, str] = {}
        #: Present viewers not yet named, by persona, and their total.
        self.anon: dict[Persona, int] = dict.fromkeys(_CROWD, 0)
        self.anonymous = 0
        #: Named viewers who joined or left since the engine last announced it.
        self.joined: list[Viewer] = []
        self.left: list[str] = []
        self._next = 0

    @property
    def count(self) -> int:
        """How many people are watching."""
        return len(self.present) + self.anonymous

    def arrive(self, persona: Persona) -> None:
        """Someone of ``persona`` starts watching, unnamed until they act."""
        if persona in self.anon:
            self.anon[persona] += 1
            self.anonymous += 1
        else:
            self.join(persona)

    def join(self, persona: Persona) -> Viewer:
        """A named viewer of ``persona`` appears."""
        self._next += 1
        vid = f"v{self._next}"
        handle = self.content.handle(persona, self.rng)
        viewer = Viewer(vid, handle, persona)
        self.viewers[vid] = viewer
        self.handles[vid] = handle
        self.present.add(vid)
        self.pools[persona].add(vid)
        if persona not in OFFICIALS:
            self.roaming.add(vid)
        self.joined.append(viewer)
        return viewer

    def _step_out(self, persona: Persona) -> str:
        """An unnamed viewer of ``persona`` acts and so becomes a named one."""
        self.anon[persona] -= 1
        self.anonymous -= 1
        return self.join(persona).id

    def _crowd_persona(self, x: float) -> Persona:
        """The persona of the unnamed viewer at position ``x`` (0 ≤ x < anonymous)."""
        for persona in _CROWD:
            n = self.anon[persona]
            if x < n:
                return persona
            x -= n
        return next(p for p in reversed(_CROWD) if self.anon[p])

    def leave(self, vid: str) -> None:
        """``vid`` leaves (or is blocked)."""
        if vid not in self.present:
            return
        self.present.discard(vid)
        self.roaming.remove(vid)
        self.pools[self.viewers[vid].persona].remove(vid)
        self.left.append(vid)

    def churn(self, leave_rate: float, arrivals: float, mix: Sequence[tuple[Persona, float]],
              mix_total: float) -> None:
        """One second of comings and goings.

        Each present viewer leaves with chance ``leave_rate``; ``arrivals`` new
        viewers are expected, split over the personas of ``mix``. Splitting a
        Poisson process by persona, or thinning it by viewer, gives the same
        distribution as drawing viewer by viewer, so the unnamed crowd is drawn
        per persona: a second of a ten-thousand-viewer live costs a handful of
        draws, not thousands.
        """
        rng = self.rng
        anon = self.anon
        for persona in _CROWD:
            n = anon[persona]
            if n:
                gone = min(n, poisson(rng, n * leave_rate))
                anon[persona] = n - gone
                self.anonymous -= gone
        named = self.roaming.items
        for _ in range(min(len(named), poisson(rng, len(named) * leave_rate))):
            self.leave(named[int(rng.random() * len(named))])
        for persona, weight in mix:
            n = poisson(rng, arrivals * weight / mix_total)
            if n:
                if persona in anon:
                    anon[persona] += n
                    self.anonymous += n
                else:
                    for _ in range(n):
                        self.join(persona)

    def pick_regular(self) -> str | None:
        """A random present regular viewer (for taps, gifts, follows)."""
        rng = self.rng
        named = self.roaming.items
        viewers = self.viewers
        for _ in range(4):
            anonymous = self.anonymous
            total = len(named) + anonymous
            if not total:
                return None
            x = rng.random() * total
            if x < anonymous:
                return self._step_out(self._crowd_persona(x))
            vid = named[min(int(x - anonymous), len(named) - 1)]
            if viewers[vid].persona in REGULAR_PERSONAS:
                return vid
        return None

    def pick_of(self, persona: Persona) -> str:
        """A present viewer of ``persona``, named or stepping out of the crowd."""
        named = self.pools[persona].items
        unnamed = self.anon.get(persona, 0)
        x = self.rng.random() * (len(named) + unnamed)
        if x < unnamed:
            return self._step_out(persona)
        return named[min(int(x - unnamed), len(named) - 1)]

    def writers(self, category: Category) -> tuple[tuple[Persona, ...], list[float]]:
        """Who may write ``category`` now, with cumulative weights for :func:`bisect`.

        A persona's weight is how readily it writes that category times how
        many of it are watching. Empty when nobody watching writes such comments.
        """
        choices = CHATTERS.get(category) or CHATTERS[Category.CHITCHAT]
        pools, anon = self.pools, self.anon
        personas: list[Persona] = []
        cum: list[float] = []
        total = 0.0
        for persona, affinity in choices:
            present = len(pools[persona].items) + anon[persona]
            if present:
                total += affinity * present
                personas.append(persona)
                cum.append(total)
        return tuple(personas), cum

    def chatter_persona(self, category: Category) -> Persona | None:
        """Who writes the next harmless comment of ``category`` (see :meth:`writers`).

        None when nobody watching writes such comments (then a newcomer does).
        """
        personas, cum = self.writers(category)
        if not personas:
            return None
        i = bisect.bisect(cum, self.rng.random() * cum[-1])
        return personas[i if i < len(personas) else -1]

    def newcomer(self, category: Category) -> str:
        """A viewer who arrives to write ``category`` because nobody watching would."""
        choices = CHATTERS.get(category) or CHATTERS[Category.CHITCHAT]
        return self.join(weighted(self.rng, choices)).id

    def pick_chatter(self, category: Category) -> str:
        """Who writes a harmless comment; a newcomer arrives if nobody fits."""
        persona = self.chatter_persona(category)
        return self.newcomer(category) if persona is None else self.pick_of(persona)

    def pick_troll(self, persona: Persona, repeat: float) -> str:
        """Who writes a harmful comment: a troll already here, or a new one."""
        pool = self.pools[persona]
        if pool.items and self.rng.random() < repeat:
            return pool.choice(self.rng)
        return self.join(persona).id
