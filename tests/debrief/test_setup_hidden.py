"""The debrief counts what the scenario's own starting filter hid (issue 27).

A starting keyword that also matches honest questions hides them from the whole
drill; they count neither for nor against the trainee, so the debrief says how
many there were ("filter menyembunyikan 7 pertanyaan") instead of letting them
vanish unnoticed.
"""

from __future__ import annotations

import pytest

from debrief.report_html import render_session
from debrief.report_text import scorecard_text
from debrief.tables import setup_hidden
from moderation.engine import Session
from moderation.events import CommentPosted, Hidden
from moderation.judge import judge
from scenarios.taxonomy import Category
from tests import factories


def _played(keywords: tuple[str, ...]) -> tuple[Session, int]:
    session = factories.session(4, settings={"keyword_filter": list(keywords)})
    session.advance(session.duration)
    hidden = sum(1 for e in session.events if isinstance(e, CommentPosted)
                 and e.hidden is Hidden.FILTER and session.truth[e.id].category
                 is Category.QUESTION)
    return session, hidden


def test_the_starting_filter_hides_questions_and_the_debrief_counts_them() -> None:
    # "gratis" is in the honest question "kak imunisasi gratis kan?".
    session, hidden = _played(("gratis",))
    assert hidden > 0
    card = judge(session.scenario, session.content.by_id, session.events)
    assert setup_hidden(card).questions == hidden
    text = scorecard_text(card, session.scenario, "id")
    assert f"menyembunyikan {hidden} pertanyaan" in text
    assert f"hid {hidden} question(s)" in scorecard_text(card, session.scenario, "en")
    page = render_session(session, card, {}, "id")
    assert f"menyembunyikan {hidden} pertanyaan" in page


@pytest.mark.parametrize("keywords", [(), ("judi",)])
def test_no_line_when_the_starting_filter_hid_nothing_harmless(
    keywords: tuple[str, ...],
) -> None:
    session, hidden = _played(keywords)
    assert hidden == 0
    card = judge(session.scenario, session.content.by_id, session.events)
    assert setup_hidden(card).total == 0
    assert "menyembunyikan" not in scorecard_text(card, session.scenario, "id")
