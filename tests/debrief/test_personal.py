"""One person's own debrief (debrief.personal): her verdicts are those earned by her own
actions; the harm the room let through is everyone's; hosting tips are the host's."""

from __future__ import annotations

from debrief.personal import Deed, personal
from moderation.actions import AddModerator, Delete, Permission, Role
from moderation.events import CommentPosted
from moderation.scorecard import Scorecard, TipCode
from moderation.sessionfile import scorecard_of
from tests import factories


def _drill() -> tuple[Scorecard, list[Deed], list[Deed]]:
    """Ani deletes two harmful comments 1,5 s after they appear; Budi deletes a harmless
    one; the rest is left to run."""
    session = factories.session(3)
    for name in ("ani", "budi"):
        session.apply(AddModerator(t=0, name=name, permissions=(Permission.MODERATE,)))
    ani: list[Deed] = []
    budi: list[Deed] = []
    seen: list[CommentPosted] = []
    t = 0
    while t < 100_000 and (len(ani) < 2 or not budi):
        t += 500
        seen += [e for e in session.advance(t) if isinstance(e, CommentPosted)
                 and e.hidden is None]
        for comment in [c for c in seen if t >= c.t + 1_500]:
            seen.remove(comment)
            harmful = session.content.by_id[comment.template].harmful
            who = ani if harmful and len(ani) < 2 else budi if not harmful and not budi \
                else None
            if who is None:
                continue
            actor = "ani" if who is ani else "budi"
            assert session.apply(Delete(t=t, actor=actor, comment=comment.id)).accepted
            who.append(Deed(t, "delete", comment.id, comment.viewer))
    assert len(ani) == 2 and budi
    session.end(120_000)
    return scorecard_of(session), ani, budi


def test_her_acts_and_tips_are_her_own() -> None:
    card, ani_deeds, budi_deeds = _drill()
    ani = personal(card, Role.MODERATOR, "ani", 2, ani_deeds)
    budi = personal(card, Role.MODERATOR, "budi", 0, budi_deeds)
    assert (ani.false_alarms, budi.false_alarms) == (0, 1)
    assert ani.fastest is not None and ani.slowest is not None
    assert {ani.fastest.t, ani.slowest.t} == {d.t for d in ani_deeds}
    assert ani.fastest.reaction_ms <= ani.slowest.reaction_ms and not ani.fastest.late
    assert budi.fastest is None and budi.slowest is None
    # Budi's own false alarm first; nobody else gets it.
    assert budi.tips[0].code is TipCode.FALSE_ALARM
    assert all(tip.code is not TipCode.FALSE_ALARM for tip in ani.tips)
    # The harm nobody handled is both of theirs, and neither answers questions.
    missed = sum(1 for i in card.items if i.harmful and i.outcome.value in ("miss", "late"))
    assert ani.misses == budi.misses == missed and ani.unanswered is None
    assert len(ani.tips) <= 3 and len(budi.tips) <= 3
    assert all(tip.code in (TipCode.MISS, TipCode.LATE) for tip in ani.tips)


def test_the_host_gets_the_hosting_tips_and_her_unanswered_questions() -> None:
    card, _, _ = _drill()
    host = personal(card, Role.HOST, "host", 0, [])
    moderator = personal(card, Role.MODERATOR, "ani", 0, [])
    asked = [i for i in card.items if i.category.value == "question"
             and i.outcome.value != "silenced" and i.answered_ms is None]
    assert host.unanswered == len(asked)
    hosting = {TipCode.UNANSWERED, TipCode.OFFICIAL_NOT_WELCOMED, TipCode.DEAD_AIR,
               TipCode.COMMENTS_OFF_LONG}
    assert not any(tip.code in hosting for tip in moderator.tips)
    theirs = [tip for tip in card.tips if tip.code in hosting | {TipCode.MISS, TipCode.LATE}]
    assert list(host.tips) == sorted(theirs, key=lambda tip: (-tip.weight, tip.t))[:3]
    assert any(tip.code in hosting for tip in card.tips)  # (the drill has some to give)
