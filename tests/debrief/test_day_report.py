"""The day report compares a training day's groups on one offline page."""

from __future__ import annotations

import re

from debrief.day_report import Group, Member, render_day
from i18n import translate
from i18n.formats import decimal
from moderation.sessionfile import scorecard_of
from tests import factories


def _group(name: str, code: str, seed: int, members: tuple[Member, ...]) -> Group:
    session = factories.session(seed)
    session.end(120_000)
    return Group(name=name, code=code, scenario=session.scenario, status="ended", ended=True,
                 card=scorecard_of(session), members=members)


def _unstarted(name: str, code: str, members: tuple[Member, ...]) -> Group:
    session = factories.session(1)
    return Group(name=name, code=code, scenario=session.scenario, status="lobby", ended=False,
                 card=None, members=members)


def _row(page: str, group: str) -> list[str]:
    """The cells of a group's row in the comparison table."""
    table = page[page.index('<section id="compare">'):]
    row = re.search(rf"<tr><td >{re.escape(group)}</td>(.*?)</tr>", table)
    assert row is not None, group
    return re.findall(r"<td [^>]*>(.*?)</td>", row.group(1))


def test_every_group_and_participant_is_on_the_page_escaped_and_offline() -> None:
    sari = Member("Bu <Sari>", "moderator", "Melati", 30, 3, 0, 0, 5, 3)
    groups = [_group("Kelompok & Co", "100001", 1, (sari,)), _group("Mawar", "100002", 2, ())]
    for lang in ("id", "en"):
        page = render_day(groups, lang, "Hari pelatihan")
        assert "Bu &lt;Sari&gt;" in page and "Kelompok &amp; Co" in page
        assert page.count('class="group keep"') == 2
        assert "<script" not in page and not re.search(r'(src|href)="(https?:)?//', page)
        for group in groups:
            assert group.card is not None
            assert decimal(group.card.score, lang) in page


def test_a_room_that_has_not_started_says_so_and_has_no_score() -> None:
    sari = Member("Sari", "moderator", None, 0, 0, 0, 0, 0, 0)
    ran = _group("Melati", "100001", 1, ())
    assert ran.card is not None and 0 < ran.card.score < 79
    for lang in ("id", "en"):
        page = render_day([ran, _unstarted("Mawar", "100002", (sari,))], lang, "Hari")
        cells = _row(page, "Mawar")
        not_started = translate("serve.day_report.not_started", lang)
        assert cells[4:6] == ["—", not_started]  # no score; "belum mulai", not "running"
        assert set(cells[6:]) == {"—"}
        assert translate("serve.day_report.running", lang) not in cells
        assert _row(page, "Melati")[4] == decimal(ran.card.score, lang)
        # The chart draws no bar for it, and names no score.
        chart = page[page.index("<svg"):page.index("</svg>")]
        assert chart.count("<rect") == 1 and f">{not_started}</text>" in chart
        # Its members are listed without points.
        members = page[page.index('id="group-100002"'):]
        assert "<td >Sari</td>" in members and '<td class="num">—</td>' in members


def test_numbers_are_written_the_readers_way() -> None:
    group = _group("Melati", "100001", 1, (Member("Sari", "moderator", None, 1250, 3, 2, 0,
                                                  1, 1234),))
    assert group.card is not None
    indonesian, english = (render_day([group], lang, "Hari") for lang in ("id", "en"))
    score = group.card.score
    assert _row(indonesian, "Melati")[4] == f"{score:.1f}".replace(".", ",")
    assert _row(english, "Melati")[4] == f"{score:.1f}"
    assert "1.250" in indonesian and "1.234" in indonesian  # points and actions, grouped
    assert "1,250" in english and "1,234" in english


def test_a_day_without_rooms_says_so() -> None:
    page = render_day([], "en", "Training day")
    assert "No rooms yet." in page
