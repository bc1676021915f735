"""A booster drill for one trainee: what to drill, the drill itself, and when it is due.

One code path for ``gladi booster`` (gladi/cmd_booster.py) and the desktop home's booster
card (simulator/screens/home.py, docs/desktop.md "Screens"):

* :func:`read_need` reads the trainee's history (:mod:`debrief.history`): the error rate
  of each kind of comment over the recent attempts (:func:`debrief.recommend.weaknesses`),
  the weakest kinds, and the day of the last practice;
* :func:`wrong_templates` picks, from the scorecards of saved sessions, the comments
  handled wrongly, most frequent first;
* :func:`build_booster` makes the scenario (:func:`scenarios.booster.booster_scenario`)
  with its words in both languages, and :func:`write_booster` writes it as YAML;
* :attr:`BoosterNeed.due` says when the next booster is due (:func:`next_due`).

The wording rules are in docs/scenario-format.md, "Booster drills".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from i18n import translate
from i18n.formats import day
from moderation.judge import Outcome, Scorecard
from scenarios import ScenarioError, builtin_content_ids, check_scenario, load_content_pack
from scenarios.booster import BoosterPlan, BoosterTexts, booster_scenario, interval_days, weak_kinds
from scenarios.schema import ContentPack, Scenario, Text
from scenarios.taxonomy import Category

from . import history
from .errors import UserError
from .files import write_atomically
from .recommend import weaknesses
from .scenario_text import describe_scenario_error

__all__ = ["DEFAULT_MINUTES", "MAX_TEMPLATES", "MINUTES", "WRONG", "BoosterNeed",
           "booster_need", "booster_texts", "build_booster", "card_title", "due_text",
           "kinds_text", "next_due", "read_need", "scenario_yaml", "wrong_templates",
           "write_booster"]

#: Outcomes of a comment handled wrongly (the judge's words, docs/scoring.md).
WRONG = frozenset({Outcome.MISS, Outcome.LATE, Outcome.FALSE_ALARM})
#: At most this many earlier comments are posted again.
MAX_TEMPLATES = 8
#: The lengths a booster may have, in minutes, and the usual one.
MINUTES = (3, 4, 5)
DEFAULT_MINUTES = 4


def next_due(last_practice: dt.date, worst_rate: float) -> dt.date:
    """When the next booster is due: the spacing of :func:`scenarios.booster.interval_days`."""
    return last_practice + dt.timedelta(days=interval_days(worst_rate))


@dataclass(frozen=True, slots=True)
class BoosterNeed:
    """What one trainee's history says a booster should drill."""

    trainee: str
    #: Error rate of each kind of comment over the recent attempts, worst first
    #: (only kinds with an error).
    rates: tuple[tuple[str, float], ...]
    #: The weakest kinds, worst first (at most three); empty when nothing went wrong.
    weak: tuple[Category, ...]
    #: The day of the latest attempt (its UTC date, as the history stores it).
    last_practice: dt.date

    @property
    def due(self) -> dt.date:
        """The day the next booster is due."""
        return next_due(self.last_practice, self.rates[0][1] if self.rates else 0.0)


def booster_need(trainee: str, attempts: Sequence[history.Attempt]) -> BoosterNeed | None:
    """The need for a booster from ``trainee``'s attempts (oldest first); None without any."""
    if not attempts:
        return None
    rates = weaknesses(attempts)
    return BoosterNeed(trainee, tuple(rates), weak_kinds(rates),
                       dt.date.fromisoformat(attempts[-1].recorded_at[:10]))


def read_need(trainee: str, *, path: Path | None = None) -> BoosterNeed | None:
    """:func:`booster_need` from the history database (``path``: the default one).

    Raises:
        debrief.history.HistoryError: the history cannot be read.
    """
    return booster_need(trainee, history.attempts(trainee, path=path))


def wrong_templates(cards: Iterable[Scorecard]) -> tuple[str, ...]:
    """The templates of the comments handled wrongly in ``cards``, most frequent first
    (at most :data:`MAX_TEMPLATES`)."""
    counts: Counter[str] = Counter()
    for card in cards:
        for item in card.items:
            if item.outcome in WRONG:
                counts[item.template.id] += 1
    return tuple(tid for tid, _ in counts.most_common(MAX_TEMPLATES))


def kinds_text(weak: Sequence[Category], lang: str) -> str:
    """The kinds of comment in words: ``hoaks kesehatan, judi online``."""
    return ", ".join(translate(f"judge.cat_{c.value}", lang) for c in weak) or "-"


def _both(key: str, **params: object) -> Text:
    return Text(id=translate(key, "id", **params), en=translate(key, "en", **params))


def booster_texts(trainee: str, weak: Sequence[Category]) -> BoosterTexts:
    """The booster scenario's words in both languages."""
    goals = [Text(id=translate("booster.goal_kind", "id", kind=kinds_text((c,), "id")),
                  en=translate("booster.goal_kind", "en", kind=kinds_text((c,), "en")))
             for c in weak]
    goals.append(_both("booster.goal_again"))
    return BoosterTexts(
        title=_both("booster.title", trainee=trainee),
        summary=Text(id=translate("booster.summary", "id", kinds=kinds_text(weak, "id")),
                     en=translate("booster.summary", "en", kinds=kinds_text(weak, "en"))),
        goals=tuple(goals),
        warm_up=_both("booster.phase_warm_up"),
        drill=_both("booster.phase_drill"),
    )


def builtin_packs() -> tuple[ContentPack, ...]:
    """Every built-in content pack (the booster draws from them).

    Raises:
        scenarios.ScenarioError: a built-in pack does not load.
    """
    return tuple(load_content_pack(pack_id) for pack_id in builtin_content_ids())


def build_booster(need: BoosterNeed, templates: Sequence[str],
                  minutes: int = DEFAULT_MINUTES,
                  packs: Sequence[ContentPack] | None = None) -> Scenario:
    """The booster scenario for ``need``, posting ``templates`` again.

    Raises:
        scenarios.ScenarioError: ``packs`` not given and a built-in pack does not load.
    """
    plan = BoosterPlan(need.trainee, need.weak, tuple(templates), minutes * 60)
    return booster_scenario(plan, builtin_packs() if packs is None else packs,
                            booster_texts(need.trainee, need.weak))


def scenario_yaml(scenario: Scenario) -> str:
    """The scenario file's text: a header line, then the scenario as YAML."""
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    return translate("booster.file_header", "en") + "\n" + yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, width=100)


def write_booster(target: Path, scenario: Scenario, error_key: str, lang: str) -> None:
    """Write ``scenario`` to ``target`` atomically and check that it loads back.

    Raises:
        debrief.errors.UserError: it cannot be written (the message ``error_key``, with
            ``{path}`` and ``{reason}``), or, a bug, it does not load back.
    """
    write_atomically(target, scenario_yaml(scenario), error_key, lang)
    check = check_scenario(target, warnings=False)
    if check.scenario is None:  # a bug, but say so rather than leave a broken file unnoticed
        raise UserError(describe_scenario_error(ScenarioError(str(target), check.problems),
                                                lang))


def card_title(need: BoosterNeed, minutes: int, lang: str) -> str:
    """What a booster trains, in one line: ``Latihan penguat 4 menit: judi online``."""
    return translate("booster.card_title", lang, minutes=minutes,
                     kinds=kinds_text(need.weak, lang))


def due_text(due: dt.date, today: dt.date, lang: str) -> str:
    """When it is due: ``jatuh tempo hari ini`` (today or earlier), else ``berikutnya 12 Des``."""
    if due <= today:
        return translate("booster.card_due_now", lang)
    return translate("booster.card_due", lang, date=day(due, lang))
