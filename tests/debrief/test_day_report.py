"""The day report compares a training day's groups on one offline page."""

from __future__ import annotations

import re

from debrief.day_report import Group, Member, render_day
from moderation.sessionfile import scorecard_of
from tests import factories


def _group(name: str, code: str, seed: int, members: tuple[Member, ...]) -> Group:
    session = factories.session(seed)
    session.end(120_000)
    return Group(name=name, code=code, scenario=session.scenario, status="ended", ended=True,
                 card=scorecard_of(session), members=members)


def test_every_group_and_participant_is_on_the_page_escaped_and_offline() -> None:
    sari = Member("Bu <Sari>", "moderator", "Melati", 30, 3, 0, 0, 5, 3)
    groups = [_group("Kelompok & Co", "100001", 1, (sari,)), _group("Mawar", "100002", 2, ())]
    for lang in ("id", "en"):
        page = render_day(groups, lang, "Hari pelatihan")
        assert "Bu &lt;Sari&gt;" in page and "Kelompok &amp; Co" in page
        assert page.count('class="group keep"') == 2
        assert "<script" not in page and not re.search(r'(src|href)="(https?:)?//', page)
        for group in groups:
            assert f"{group.card.score:.1f}" in page


def test_a_day_without_rooms_says_so() -> None:
    page = render_day([], "en", "Training day")
    assert "No rooms yet." in page
