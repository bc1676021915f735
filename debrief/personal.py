"""One person's own debrief in a drill room: what *she* did, before the room's answer key.

A drill room scores actors (:mod:`moderation.judge`); a seat is one person, and in team
mode several seats share an actor. What a seat did is known by its accepted actions
(:class:`Deed`: when, what, on which comment or viewer), so each of the judge's verdicts
that came from an action is given to the seat that took it at that moment, as the drill
server's board gives hits (``server/board.py``).

:func:`personal` reads the scorecard and the seat's deeds and gives a :class:`Personal`:
her hits, the harm the room missed, her false alarms, (for the host) the questions left
unanswered, her fastest and slowest act on a harmful comment (the slowest only when she
acted more than once), and the tips that are hers
(the judge's :class:`~moderation.scorecard.Tip`, as the desktop debrief picks them: the
heaviest first, three of them, :data:`debrief.report_text.TIPS_SHOWN`). Pure: no words,
no I/O; the renderers put it into words (:func:`debrief.report_text.tip_text`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from moderation.actions import Role
from moderation.judge import Item, Outcome, Scorecard, Tip, TipCode
from scenarios.taxonomy import Category, Response

from .report_text import TIPS_SHOWN

__all__ = ["Act", "Deed", "Personal", "personal"]

#: Tips a person earns by her own action, and the actions that earn each: given to the seat
#: that took such an action at the tip's time (on the tip's comment, when it names one).
_OWN: dict[TipCode, frozenset[str]] = {
    TipCode.FALSE_ALARM: frozenset({"delete", "mute", "block", "report"}),
    TipCode.WRONG_REASON: frozenset({"report"}),
    TipCode.PINNED_HARMFUL: frozenset({"pin"}),
    TipCode.TROLL_GUEST: frozenset({"guest_accept"}),
}
#: Tips about harm left on screen: everyone who moderates could have acted.
_SHARED = frozenset({TipCode.MISS, TipCode.LATE})
#: Tips about hosting (answering, welcoming, talking, comments left off): the host's.
_HOSTING = frozenset({TipCode.UNANSWERED, TipCode.OFFICIAL_NOT_WELCOMED, TipCode.DEAD_AIR,
                      TipCode.COMMENTS_OFF_LONG})


@dataclass(frozen=True, slots=True)
class Deed:
    """An action of the seat that the room accepted: when (room ms), which kind (the
    action's wire type), and the comment and viewer it named."""

    t: int
    type: str
    comment: str | None = None
    viewer: str | None = None


@dataclass(frozen=True, slots=True)
class Act:
    """One of the person's acts on a harmful comment: when (room ms), what she did, and how
    long after the comment appeared (``reaction_ms``); ``late`` past the response window."""

    t: int
    item: Item
    response: Response
    reaction_ms: int
    late: bool


@dataclass(frozen=True, slots=True)
class Personal:
    """A person's own result. ``misses``: harmful comments nobody handled in time (the
    room's, so hers too); ``unanswered``: questions never answered (the host's to answer;
    ``None`` for anyone else)."""

    hits: int
    misses: int
    false_alarms: int
    unanswered: int | None
    fastest: Act | None
    slowest: Act | None
    tips: tuple[Tip, ...]


def _hers(deeds: Sequence[Deed], t: int, item: Item | None,
          kinds: frozenset[str] | None = None) -> bool:
    """Whether one of ``deeds`` at ``t`` (of one of ``kinds``) named ``item`` (its comment
    or its author)."""
    return any(d.t == t and (kinds is None or d.type in kinds)
               and (item is None or d.comment == item.id or d.viewer == item.viewer)
               for d in deeds)


def _acts(items: Iterable[Item], actor: str, deeds: Sequence[Deed]) -> list[Act]:
    """Her acts that decided a harmful comment's fate (the first response to it)."""
    acts = []
    for item in items:
        if not item.harmful or item.credited != actor or item.reaction_ms is None \
                or item.outcome not in (Outcome.HIT, Outcome.LATE):
            continue
        at = item.t + item.reaction_ms
        if not _hers(deeds, at, item):
            continue
        response = next((h.response for h in item.responses if h.t == at and h.actor == actor),
                        None)
        if response is not None:
            acts.append(Act(at, item, response, item.reaction_ms, item.outcome is Outcome.LATE))
    return acts


def _tips(card: Scorecard, role: Role, deeds: Sequence[Deed],
          items: dict[str, Item]) -> tuple[Tip, ...]:
    """Her tips, heaviest first: those her own actions earned, then the harm the room let
    through, then (the host) the hosting ones; at most :data:`TIPS_SHOWN`."""
    staff = role in (Role.HOST, Role.MODERATOR)
    own = [tip for tip in card.tips if tip.code in _OWN and _hers(
        deeds, tip.t, items.get(tip.comment) if tip.comment else None, _OWN[tip.code])]
    shared = [tip for tip in card.tips if staff and tip.code in _SHARED]
    hosting = [tip for tip in card.tips if role is Role.HOST and tip.code in _HOSTING]
    ordered = sorted(shared + hosting, key=lambda tip: (-tip.weight, tip.t))
    return tuple((own + ordered)[:TIPS_SHOWN])


def personal(card: Scorecard, role: Role, actor: str, hits: int,
             deeds: Sequence[Deed]) -> Personal:
    """One seat's own result from the room's ``card``: its ``role``, the ``actor`` it
    moderated as, its own ``hits`` (the board's, which also counts harm a keyword of hers
    kept off the screen) and its accepted ``deeds``."""
    items = {item.id: item for item in card.items}
    acts = _acts(card.items, actor, deeds)
    misses = sum(1 for i in card.items if i.harmful and i.outcome in (Outcome.MISS,
                                                                        Outcome.LATE))
    false_alarms = sum(1 for i in card.items if i.outcome is Outcome.FALSE_ALARM
                       and i.credited == actor and any(d.comment == i.id for d in deeds))
    unanswered = sum(1 for i in card.items if i.category is Category.QUESTION
                     and i.outcome is not Outcome.SILENCED and i.answered_ms is None) \
        if role is Role.HOST else None
    fastest = min(acts, key=lambda a: (a.reaction_ms, a.t)) if acts else None
    slowest = max(acts, key=lambda a: (a.reaction_ms, -a.t)) if len(acts) > 1 else None
    return Personal(hits=hits, misses=misses, false_alarms=false_alarms, unanswered=unanswered,
                    fastest=fastest, slowest=slowest, tips=_tips(card, role, deeds, items))
