"""The chart series: computed from the log, consistent with what the judge scored."""

from __future__ import annotations

from pathlib import Path

import pytest

from debrief import timeline
from debrief.session import load
from moderation.events import AudienceChanged, CommentPosted, Hidden
from tests import factories


def test_shaded_exposure_is_exactly_what_the_judge_scored(troll_session: Path) -> None:
    loaded = load(troll_session, "en")
    card, events = loaded.card, loaded.session.events
    end = int(card.duration_s * 1000)
    shown = [i for i in card.items if i.harmful and i.hidden is None and i.viewers]
    shaded = timeline.exposure_spans(events, loaded.record.scenario, card.items, end)
    assert len(shaded) == sum(1 for i in shown if i.exposure > 0) > 10
    # The judge scores severity × viewers × seconds on screen; undo the weights.
    on_screen_ms = sum(i.exposure / (i.template.severity * i.viewers / 1000) for i in shown)
    assert sum(stop - start for start, stop in shaded) == pytest.approx(on_screen_ms)


def test_viewers_follow_the_audience_events() -> None:
    session = factories.session()
    session.end(60_000)
    points = timeline.viewers(session.events)
    counts = [e.viewers for e in session.events if isinstance(e, AudienceChanged)]
    assert points[0][0] == 0
    assert points[-1][1] == counts[-1]
    assert [t for t, _ in points] == sorted({t for t, _ in points})


def test_comment_counts_cover_every_visible_comment() -> None:
    session = factories.session()
    session.end(120_000)
    width = timeline.bin_width(120_000)
    counts = timeline.comment_counts(session.events, session.content.by_id, 120_000, width)
    posted = [e for e in session.events
              if isinstance(e, CommentPosted) and e.hidden is not Hidden.MUTED]
    assert sum(sum(row) for row in counts.values()) == len(posted)
    assert all(len(row) == 120_000 // width for row in counts.values())


def test_merge_spans_unites_overlaps() -> None:
    assert timeline.merge_spans([(5, 9), (0, 3), (2, 4), (9, 12)]) == [(0, 4), (5, 12)]
    assert timeline.merge_spans([]) == []


def test_bin_width_gives_about_forty_round_bins() -> None:
    assert timeline.bin_width(120_000) == 5_000
    assert timeline.bin_width(600_000) == 15_000
    assert timeline.bin_width(4 * 3600 * 1000) == 600_000
