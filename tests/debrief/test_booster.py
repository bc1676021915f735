"""debrief.booster: the booster drill's plan, shared by ``gladi booster`` and the desktop."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from debrief import history
from debrief.booster import (
    MAX_TEMPLATES,
    WRONG,
    BoosterNeed,
    booster_need,
    build_booster,
    card_title,
    due_text,
    read_need,
    write_booster,
    wrong_templates,
)
from debrief.errors import UserError
from debrief.session import load
from i18n.formats import day
from scenarios import check_scenario
from scenarios.taxonomy import Category


def _attempt(recorded_at: str, **categories: dict[str, int]) -> history.Attempt:
    return history.Attempt(
        id=1, session_key="k", recorded_at=recorded_at, trainee="Sari", source="desktop",
        autopilot=None, scenario="a", title={"id": "", "en": ""}, difficulty="easy", seed=1,
        score=50.0, passed=False, pass_mark=60, components={}, categories=categories,
        reaction_median_s=None, exposure=None, false_alarms=0)


def test_the_need_names_the_weakest_kinds_and_the_due_day() -> None:
    attempts = [
        _attempt("2026-11-01T09:00:00Z", judol={"total": 4, "misses": 4}),
        _attempt("2026-12-01T23:30:00Z", hoax={"total": 10, "misses": 3},
                 question={"total": 10, "false_alarms": 1}),
    ]
    need = booster_need("Sari", attempts)
    assert need is not None
    assert need.weak == (Category.JUDOL, Category.HOAX, Category.QUESTION)
    assert need.rates[0] == ("judol", 1.0)
    # The last practice is the latest attempt's (UTC) day; half or more wrong: a day later.
    assert need.last_practice == dt.date(2026, 12, 1)
    assert need.due == dt.date(2026, 12, 2)


def test_no_attempts_no_need_and_no_errors_nothing_weak() -> None:
    assert booster_need("Sari", []) is None
    calm = booster_need("Sari", [_attempt("2026-12-01T00:00:00Z", sara={"total": 3})])
    assert calm is not None and calm.weak == () and calm.rates == ()
    assert calm.due == dt.date(2026, 12, 8)  # nothing wrong: a week later


def test_read_need_reads_the_history_and_says_when_it_cannot(
    troll_session: Path, tmp_path: Path
) -> None:
    db = tmp_path / "history.sqlite3"
    loaded = load(troll_session, "id")
    history.record(loaded.record, loaded.card, "Sari", "simulate",
                   recorded_at="2026-12-04T08:00:00Z", path=db)
    need = read_need("sari", path=db)  # any letter case, as the history matches names
    assert need is not None and need.weak and need.last_practice == dt.date(2026, 12, 4)
    assert read_need("Joko", path=db) is None
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"not a database at all" * 100)
    with pytest.raises(history.HistoryError):
        read_need("Sari", path=broken)


def test_wrong_templates_are_the_comments_handled_wrongly_most_frequent_first(
    first_session: Path,
) -> None:
    loaded = load(first_session, "id")
    card = loaded.card
    wrong = Counter(i.template.id for i in card.items if i.outcome in WRONG)
    assert wrong, "the random autopilot makes mistakes"
    picked = wrong_templates([card, card])
    assert len(picked) == min(MAX_TEMPLATES, len(wrong))
    assert set(picked) <= set(wrong) <= set(loaded.session.content.by_id)  # template ids
    counts = [wrong[t] for t in picked]
    assert counts == sorted(counts, reverse=True)
    assert wrong_templates([]) == ()


def _need() -> BoosterNeed:
    return BoosterNeed("Bu Sari", (("hoax", 0.6), ("judol", 0.5)),
                       (Category.HOAX, Category.JUDOL), dt.date(2026, 12, 11))


def test_the_card_says_what_it_trains_and_when_it_is_due() -> None:
    need = _need()
    assert card_title(need, 4, "id") == "Latihan penguat 4 menit: hoaks kesehatan, judi online"
    assert card_title(need, 3, "en") == "3-minute booster drill: health hoax, online gambling"
    today = dt.date(2026, 12, 11)
    assert due_text(need.due, today, "id") == "berikutnya 12 Des"
    assert due_text(need.due, today, "en") == "next on Dec 12"
    assert due_text(need.due, need.due, "id") == "jatuh tempo hari ini"
    assert due_text(need.due, dt.date(2027, 1, 5), "en") == "due today"
    assert day(dt.date(2026, 5, 1), "id") == "1 Mei"


def test_the_built_drill_is_written_and_loads_back(tmp_path: Path) -> None:
    need = _need()
    scenario = build_booster(need, ("hoax-mr-001", "judol-2026-006"), 3)
    assert scenario.id == "booster-bu-sari" and scenario.duration_s == 180
    assert [s.template for s in scenario.scripted] == ["hoax-mr-001", "judol-2026-006"]
    target = tmp_path / "out" / "booster.yaml"
    write_booster(target, scenario, "booster.cannot_write", "id")
    check = check_scenario(target)
    assert check.scenario is not None and check.scenario.id == scenario.id
    # A folder where the file should go: a translated message, no half file left.
    blocked = tmp_path / "taken"
    blocked.mkdir()
    with pytest.raises(UserError, match="tidak bisa ditulis"):
        write_booster(blocked, scenario, "booster.cannot_write", "id")
    assert list(tmp_path.glob("**/*.tmp")) == []
