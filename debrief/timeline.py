"""What happened when: series for the debrief charts, computed from the event log.

Pure functions over events and the judge's items; no plotting here, so the
desktop app can draw the same series its own way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from moderation.actions import presence_ms
from moderation.content import ContentIndex
from moderation.events import (
    ActionApplied,
    ActionRejected,
    AudienceChanged,
    CommentPosted,
    CommentsHidden,
    Event,
    Hidden,
)
from moderation.judge import Item
from moderation.stream import Stream
from scenarios.schema import Scenario, Template
from scenarios.taxonomy import Category

__all__ = [
    "ActionMark",
    "actions",
    "bin_width",
    "comment_counts",
    "exposure_spans",
    "merge_spans",
    "translations",
    "viewers",
]


@dataclass(frozen=True, slots=True)
class ActionMark:
    """One action of the trainee (or a moderator) on the timeline."""

    t: int
    actor: str
    kind: str
    accepted: bool
    #: How long it lasted (talking); 0 for one-click actions.
    duration: int = 0


def viewers(events: Iterable[Event]) -> list[tuple[int, int]]:
    """The viewer count after every change: ``(t_ms, viewers)``, starting at 0."""
    out: list[tuple[int, int]] = [(0, 0)]
    for event in events:
        if isinstance(event, AudienceChanged):
            if out[-1][0] == event.t:
                out[-1] = (event.t, event.viewers)
            else:
                out.append((event.t, event.viewers))
    return out


def bin_width(duration_ms: int, bins: int = 40) -> int:
    """A round bin width (5, 10, 15, 30, 60 … s) giving about ``bins`` bins."""
    for seconds in (5, 10, 15, 20, 30, 60, 120, 300, 600):
        if duration_ms / (seconds * 1000) <= bins:
            return seconds * 1000
    return 600_000


def comment_counts(
    events: Iterable[Event], templates: Mapping[str, Template], duration_ms: int, width: int
) -> dict[Category, list[int]]:
    """Comments that reached the screen, per category and time bin.

    Comments muted before they posted never appeared; those the keyword
    filter or comments-off caught count too, since staff saw them.
    """
    n = max(1, -(-duration_ms // width))
    counts: dict[Category, list[int]] = {}
    for event in events:
        if isinstance(event, CommentPosted) and event.hidden is not Hidden.MUTED:
            template = templates.get(event.template)
            if template is None:
                continue
            row = counts.setdefault(template.category, [0] * n)
            row[min(n - 1, event.t // width)] += 1
    return {c: counts[c] for c in Category if c in counts}


def exposure_spans(
    events: Sequence[Event], scenario: Scenario, items: Iterable[Item], end_ms: int
) -> list[tuple[int, int]]:
    """When each harmful comment was on viewers' screens: ``(start, end)`` ms.

    Replays the same :class:`~moderation.stream.Stream` rules the engine and
    the judge use, so the shading shows exactly the exposure that was scored.
    """
    settings = scenario.settings
    stream = Stream(settings.stream_window, settings.stream_max_s * 1000)
    for event in events:
        if isinstance(event, CommentPosted) and event.hidden is None:
            stream.post(event.id, event.t, False)
        elif isinstance(event, CommentsHidden):
            for cid in event.comments:
                stream.hide(cid, event.t)
    stream.expire(end_ms)
    spans = []
    for item in items:
        if item.harmful and item.hidden is None:
            until = stream.ended.get(item.id, end_ms)
            if until > item.t:
                spans.append((item.t, until))
    return sorted(spans)


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of overlapping spans (a busy raid shades as one band, not hundreds)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def actions(events: Iterable[Event]) -> list[ActionMark]:
    """Every action applied or refused, in order, as timeline marks."""
    out = []
    for event in events:
        if isinstance(event, ActionApplied | ActionRejected):
            action = event.action
            duration = presence_ms(action)
            out.append(ActionMark(event.t, action.actor, action.type,
                                  isinstance(event, ActionApplied), duration))
    return out


def translations(events: Iterable[Event], templates: Mapping[str, Template]) -> dict[str, str]:
    """The English translation of every comment, with its slots filled as posted."""
    out = {}
    for event in events:
        if isinstance(event, CommentPosted):
            template = templates.get(event.template)
            if template is not None:
                try:
                    out[event.id] = ContentIndex.render(template.translation_en, event.slots)
                except (KeyError, IndexError, ValueError):
                    out[event.id] = template.translation_en
    return out
