"""The booster drill: a short scenario from one trainee's weak spots, and when the next is due."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from gladi import cli
from gladi.cmd_booster import next_due
from moderation.autopilot import make_autopilot, run
from moderation.content import ContentIndex
from moderation.events import CommentPosted
from moderation.setup import SessionSetup, load_setup
from scenarios import (
    builtin_content_ids,
    check_scenario,
    load_content,
    load_content_pack,
    load_economy,
)
from scenarios.booster import (
    PER_KIND,
    BoosterPlan,
    BoosterTexts,
    booster_scenario,
    interval_days,
    weak_kinds,
)
from scenarios.checks import expected_comments
from scenarios.schema import ContentPack, Scenario, Text
from scenarios.taxonomy import Category


def texts() -> BoosterTexts:
    def t(word: str) -> Text:
        return Text(id=word, en=word + " (en)")

    return BoosterTexts(t("Penguat"), t("Ringkas"), (t("Tujuan"),), t("Pemanasan"), t("Latihan"))


def packs() -> tuple[ContentPack, ...]:
    return tuple(load_content_pack(p) for p in builtin_content_ids())


def test_weak_kinds_are_drilled_often_enough() -> None:
    plan = BoosterPlan("Bu Sari", (Category.JUDOL, Category.QUESTION), (), 240)
    scenario = booster_scenario(plan, packs(), texts())
    expected = expected_comments(scenario)
    assert expected[Category.JUDOL] >= PER_KIND
    assert expected[Category.QUESTION] >= PER_KIND
    assert scenario.id == "booster-bu-sari" and 180 <= scenario.duration_s <= 300


def test_comments_got_wrong_before_come_again_at_fixed_times() -> None:
    wrong = ("judol-2026-006", "hoax-mr-001", "cc-solo-001", "no-such-template")
    plan = BoosterPlan("Bu Sari", (Category.JUDOL,), wrong, 180)
    scenario = booster_scenario(plan, packs(), texts())
    assert [s.template for s in scenario.scripted] == list(wrong[:3])
    assert set(scenario.content) >= {"core", "obrolan", "troll"}
    session = load_setup_for(scenario).start(1)
    session.advance(scenario.duration_s * 1000)
    posted = {e.template for e in session.events if isinstance(e, CommentPosted)}
    assert set(wrong[:3]) <= posted


def load_setup_for(scenario: Scenario) -> SessionSetup:
    return SessionSetup(scenario, ContentIndex(load_content(scenario), scenario.topic),
                        load_economy())


def test_only_known_kinds_are_weak_kinds() -> None:
    assert weak_kinds([("judol", 0.9), ("none", 0.8), ("spam", 0.5), ("porn", 0.4),
                       ("scam", 0.3)]) == (Category.JUDOL, Category.SPAM, Category.PORN)


@pytest.mark.parametrize(("rate", "days"), [(0.9, 1), (0.5, 1), (0.3, 3), (0.1, 7)])
def test_the_next_booster_comes_sooner_the_weaker_the_kind(rate: float, days: int) -> None:
    assert interval_days(rate) == days
    assert next_due(dt.date(2026, 12, 1), rate) == dt.date(2026, 12, 1) + dt.timedelta(days)


# ---------------------------------------------------------------- gladi booster


def test_gladi_booster_writes_a_valid_drill_from_history_and_sessions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "s1.json"
    assert cli.main(["simulate", "--scenario", "serbuan-troll", "--autopilot", "random",
                     "--seed", "3", "--trainee", "Bu Sari", "--out", str(saved)]) == 0
    capsys.readouterr()
    out = tmp_path / "booster.yaml"
    assert cli.main(["--lang", "en", "booster", "--trainee", "Bu Sari", "--sessions",
                     str(saved), "--out", str(out), "--today", "2026-12-04"]) == 0
    printed = capsys.readouterr().out
    assert "Booster drill for Bu Sari" in printed and "Next booster" in printed
    check = check_scenario(out)
    assert check.problems == () and check.scenario is not None
    assert len(check.scenario.scripted) >= 3
    # The drill plays, and the idle autopilot cannot pass it.
    setup = load_setup(out)
    session = setup.start(1)
    run(session, make_autopilot("idle", session))
    kinds = Counter(session.truth[e.id].category for e in session.events
                    if isinstance(e, CommentPosted))
    assert any(c.harmful for c in kinds)


def test_gladi_booster_without_history_says_what_to_do(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["booster", "--trainee", "Pak Joko"]) == 2
    err = capsys.readouterr().err
    assert "Belum ada riwayat latihan" in err and "Traceback" not in err
