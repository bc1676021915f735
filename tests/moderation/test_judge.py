"""The judge: hits, misses, false alarms, exposure, hosting, the score."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeGuard

import pytest

from moderation import actions as a
from moderation.engine import Result, Session
from moderation.events import (
    CommentPosted,
    Event,
    GiftSent,
    GuestRequested,
    Hidden,
    OfficialJoined,
)
from moderation.judge import Outcome, Scorecard, TipCode, judge
from moderation.scoring import dead_air
from scenarios.taxonomy import Category, ReportReason
from tests.factories import session

ONLY = {"name": {"id": "x", "en": "x"}, "start_s": 0}
#: A trainee's reflex: may apply actions when it sees an event.
React = Callable[[Session, Event], None]


def card(s: Session) -> Scorecard:
    s.advance(s.duration)
    return judge(s.scenario, s.content.by_id, s.events)


def watch(s: Session, react: React, step: int = 250) -> Scorecard:
    """Advance in steps; ``react(session, event)`` may apply actions."""
    while not s.ended:
        for event in s.advance(s.now + step):
            react(s, event)
    return judge(s.scenario, s.content.by_id, s.events)


def harmful(e: Event, s: Session) -> TypeGuard[CommentPosted]:
    return isinstance(e, CommentPosted) and e.hidden is None and s.truth[e.id].harmful


def test_idle_misses_everything() -> None:
    c = card(session(1))
    assert c.reaction.hits == 0
    assert c.reaction.harmful > 0
    assert c.components["detection"].value == 0
    assert c.components["exposure"].value == 0
    assert c.score < 20
    harmful = [row for row in c.categories.values() if row.misses is not None]
    assert harmful and all(row.misses == row.total for row in harmful)


def test_deleting_every_troll_quickly_is_all_hits() -> None:
    def react(s: Session, e: Event) -> None:
        if harmful(e, s):
            s.apply(a.Delete(t=s.now, comment=e.id))

    c = watch(session(1), react)
    assert c.reaction.hits == c.reaction.harmful > 0
    assert c.components["detection"].value == 1
    assert c.reaction.median_s is not None and c.reaction.median_s <= 0.25
    assert c.components["speed"].value == 1


def test_slower_action_scores_less_speed_and_more_exposure() -> None:
    def after(delay: int) -> Scorecard:
        queue: list[tuple[int, str]] = []

        def react(s: Session, e: Event) -> None:
            if harmful(e, s):
                queue.append((e.t + delay, e.id))
            while queue and queue[0][0] <= s.now:
                s.apply(a.Delete(t=s.now, comment=queue.pop(0)[1]))

        return watch(session(2), react)

    fast, slow = after(1000), after(20_000)
    fast_speed, slow_speed = fast.components["speed"].value, slow.components["speed"].value
    fast_safe, slow_safe = fast.components["exposure"].value, slow.components["exposure"].value
    assert fast_speed is not None and slow_speed is not None and fast_speed > slow_speed
    assert fast_safe is not None and slow_safe is not None and fast_safe > slow_safe


def test_deleting_a_question_is_a_false_alarm_for_whoever_did_it() -> None:
    done: list[Result] = []

    def react(s: Session, e: Event) -> None:
        if isinstance(e, CommentPosted) and e.template == "q-1" and not done:
            done.append(s.apply(a.Delete(t=s.now, actor="mod1", comment=e.id)))

    c = watch(session(3), react)
    assert done and done[0].accepted
    assert c.categories[Category.QUESTION].false_alarms == 1
    assert c.actors["mod1"].false_alarms == 1
    assert c.reaction.false_alarms == 1
    assert any(t.code is TipCode.FALSE_ALARM for t in c.tips)


def test_muting_a_worried_mother_costs_as_much_as_missing_a_troll() -> None:
    base = card(session(3))
    muted: list[Result] = []

    def react(s: Session, e: Event) -> None:
        if isinstance(e, CommentPosted) and e.template.startswith("q-") and not muted:
            muted.append(s.apply(a.Mute(t=s.now, viewer=e.viewer, duration=60, comment=e.id)))

    c = watch(session(3), react)
    assert muted and muted[0].accepted
    assert c.reaction.false_alarms == 1
    # One false alarm cancels one hit in the detection part.
    assert c.components["detection"].value == base.components["detection"].value == 0


def test_a_broad_keyword_filter_costs_false_alarms() -> None:
    s = session(6)
    s.apply(a.AddKeyword(t=0, keyword="gratis", actor="mod1"))
    c = card(s)
    caught = [e for e in s.events if isinstance(e, CommentPosted) and e.hidden is Hidden.FILTER]
    assert caught
    assert c.categories[Category.QUESTION].false_alarms == len(caught)
    assert c.actors["mod1"].false_alarms == len(caught)


def test_filter_that_catches_trolls_gets_prevention_hits() -> None:
    s = session(11, phases=[{**ONLY, "rates": {"judol": 0.3, "greeting": 0.3},
                             "evasion": 0.0}])
    s.apply(a.AddKeyword(t=0, keyword="slot", actor="mod1"))
    c = card(s)
    assert c.categories[Category.JUDOL].hits == c.categories[Category.JUDOL].total > 0
    assert c.actors["mod1"].hits == c.categories[Category.JUDOL].total
    assert c.exposure.viewer_seconds == 0


def test_blocking_a_troll_before_they_post_is_no_false_alarm() -> None:
    s = session(2)
    trolls: list[str] = []
    while not trolls:
        s.advance(s.now + 100)
        trolls = [v for v, r in s.audience.viewers.items() if r.persona.value == "gambler"]
    assert s.apply(a.Block(t=s.now, viewer=trolls[0])).accepted
    c = card(s)
    assert c.reaction.false_alarms == 0


def test_answers_gifts_and_officials_count_in_hosting() -> None:
    s = session(4, injects=[{"at_s": 10, "kind": "official_joins", "role": "midwife"}])

    def react(s: Session, e: Event) -> None:
        if isinstance(e, CommentPosted) and e.hidden is None and e.template.startswith("q-"):
            s.apply(a.Answer(t=s.now, comment=e.id, text="ok"))
        elif isinstance(e, GiftSent):
            s.apply(a.Thank(t=s.now, target=e.id))
        elif isinstance(e, OfficialJoined):
            s.apply(a.Welcome(t=s.now, viewer=e.viewer))

    good = watch(s, react)
    idle = card(session(4, injects=[{"at_s": 10, "kind": "official_joins", "role": "midwife"}]))
    parts, idle_parts = good.hosting.parts, idle.hosting.parts
    assert parts.questions == pytest.approx(1.0)
    assert parts.gifts == 1.0 and parts.officials == 1.0
    assert idle_parts.questions == 0 and idle_parts.officials == 0
    assert any(t.code is TipCode.OFFICIAL_NOT_WELCOMED for t in idle.tips)


def test_accepting_a_troll_guest_is_a_tip_and_no_credit() -> None:
    def react(s: Session, e: Event) -> None:
        if isinstance(e, GuestRequested):
            s.apply(a.AcceptGuest(t=s.now, request=e.id))

    c = watch(session(4, injects=[{"at_s": 5, "kind": "guest_request", "troll": True,
                                   "count": 1}]), react)
    assert c.hosting.parts.guests == 0
    assert c.tips[0].code is TipCode.TROLL_GUEST


def test_pinning_a_hoax_adds_exposure_and_a_top_tip() -> None:
    pinned: list[Result] = []

    def react(s: Session, e: Event) -> None:
        if isinstance(e, CommentPosted) and e.hidden is None and e.template == "hx-1" \
                and not pinned:
            pinned.append(s.apply(a.Pin(t=s.now, comment=e.id)))

    c = watch(session(5), react)
    assert pinned and pinned[0].accepted
    on_stream = sum(i.exposure for i in c.items if i.harmful)
    # The pinned time is added on top of the time the hoax spent in the stream.
    assert c.exposure.viewer_seconds > round(on_stream, 1) + 1
    assert c.tips[0].code is TipCode.PINNED_HARMFUL


def test_a_troll_counts_on_screen_no_longer_than_the_stream_keeps_it() -> None:
    # Mid-live (a drill's leaderboard), a troll still on screen times out as the
    # stream would let it, not at the end of the live.
    s = session(8, phases=[{**ONLY, "rates": {"judol": 0.05}, "evasion": 0.0}])
    s.advance(80_000)
    c = judge(s.scenario, s.content.by_id, s.events)
    on_screen_ms = [i.exposure / (i.template.severity * i.viewers / 1000)
                    for i in c.items if i.harmful and i.viewers]
    assert len(on_screen_ms) > 1
    assert max(on_screen_ms) == pytest.approx(s.scenario.settings.stream_max_s * 1000)
    # Nobody moderated, so the worst case is what happened.
    assert all(i.worst_exposure == i.exposure for i in c.items)


def test_dead_air_counts_silence_beyond_the_grace() -> None:
    total, gaps = dead_air([(0, 5000), (30_000, 30_000)], 40_000)
    # 5 s → 30 s is a 25 s gap (15 s dead); 30 s → 40 s is 10 s (none).
    assert total == 15_000 and gaps == [(5000, 25_000)]
    assert dead_air([], 60_000)[0] == 50_000


def test_comments_off_prevents_harm_but_costs_after_a_minute() -> None:
    short, long_ = session(7), session(7)
    for s, off in ((short, 30_000), (long_, 110_000)):
        s.advance(5000)
        s.apply(a.SetComments(t=5000, enabled=False, actor="mod1"))
        s.advance(5000 + off)
        s.apply(a.SetComments(t=s.now, enabled=True))
    c_short, c_long = card(short), card(long_)
    assert c_short.hosting.parts.comments_open == 1.0
    long_open = c_long.hosting.parts.comments_open
    assert long_open is not None and long_open < 1.0
    assert c_long.actors["mod1"].hits > 0


def test_scorecard_json_has_a_top_level_score_and_no_secrets_missing() -> None:
    c = card(session(1))
    data = c.to_json()
    assert isinstance(data["score"], float)
    components = data["components"]
    assert isinstance(components, dict)
    assert set(components) == {"detection", "speed", "exposure", "hosting"}


def test_score_is_the_weighted_mean_of_the_parts() -> None:
    c = card(session(1))
    used = [(part.weight, part.value) for part in c.components.values()
            if part.value is not None]
    expected = 100 * sum(w * v for w, v in used) / sum(w for w, _ in used)
    assert c.score == round(expected, 1)


# ---------------------------------------------------------------- block and report required

#: A room of groomers only: every harmful comment requires block and report.
GROOMERS = {"phases": [{**ONLY, "rates": {"greeting": 0.2, "child_safety": 0.1}}]}


def groomers(react: React) -> Scorecard:
    return watch(session(3, **GROOMERS), react)


def by_category(c: Scorecard, category: Category) -> list[Outcome]:
    return [i.outcome for i in c.items if i.category is category]


def test_a_groomer_deleted_or_muted_is_a_miss_with_the_tip_that_names_both_actions() -> None:
    def react(s: Session, e: Event) -> None:
        if harmful(e, s):
            s.apply(a.Delete(t=s.now, comment=e.id))

    c = groomers(react)
    outcomes = by_category(c, Category.CHILD_SAFETY)
    assert outcomes and set(outcomes) == {Outcome.MISS}
    assert c.reaction.hits == 0
    assert {t.code for t in c.tips} >= {TipCode.INCOMPLETE}
    tip = next(t for t in c.tips if t.code is TipCode.INCOMPLETE)
    assert dict(tip.params)["needed"] == "block+report"


@pytest.mark.parametrize("only", [a.Block, a.Report])
def test_a_groomer_blocked_or_reported_only_is_a_miss(only: type[a.Block | a.Report]) -> None:
    def react(s: Session, e: Event) -> None:
        if harmful(e, s):
            s.apply(a.Block(t=s.now, viewer=e.viewer, comment=e.id) if only is a.Block
                    else a.Report(t=s.now, comment=e.id, reason=ReportReason.SEXUAL))

    outcomes = by_category(groomers(react), Category.CHILD_SAFETY)
    assert outcomes and set(outcomes) == {Outcome.MISS}


def test_a_groomer_blocked_and_reported_is_a_hit_for_whoever_completes_it() -> None:
    def react(s: Session, e: Event) -> None:
        if harmful(e, s):
            s.apply(a.Report(t=s.now, comment=e.id, reason=ReportReason.SEXUAL))
            s.apply(a.Block(t=s.now, viewer=e.viewer, comment=e.id, actor="mod1"))

    c = groomers(react)
    items = [i for i in c.items if i.category is Category.CHILD_SAFETY]
    assert items and all(i.outcome is Outcome.HIT and i.credited == "mod1" for i in items)
    assert c.reaction.hits == c.reaction.harmful == len(items)
    assert TipCode.INCOMPLETE not in {t.code for t in c.tips}


def test_undoing_the_report_takes_the_hit_back() -> None:
    def react(s: Session, e: Event) -> None:
        if harmful(e, s):
            s.apply(a.Block(t=s.now, viewer=e.viewer, comment=e.id))
            s.apply(a.Report(t=s.now, comment=e.id, reason=ReportReason.SEXUAL))
            s.apply(a.Undo(t=s.now))

    c = groomers(react)
    outcomes = by_category(c, Category.CHILD_SAFETY)
    assert outcomes and set(outcomes) == {Outcome.MISS}
    assert c.reaction.hits == 0
