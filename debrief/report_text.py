"""The scorecard as readable text, in the user's language.

Shared by ``gladi simulate`` and any other front end that prints a result.
"""

from __future__ import annotations

from collections.abc import Mapping

from debrief.tables import setup_hidden
from i18n import translate
from i18n.formats import decimal, figure, number
from moderation.judge import Item, Scorecard, Tip
from scenarios.schema import Scenario

#: The debrief shows the few tips that matter most, not a wall of advice.
TIPS_SHOWN = 3


def clock(ms: int) -> str:
    """``m:ss`` since the start of the live."""
    seconds = ms // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}"


def tip_params(tip: Tip, lang: str) -> dict[str, str]:
    """A tip's parameters in words: its codes (a category, an action, a report reason)
    translated, never shown raw ("mute", "gambling")."""
    params = dict(tip.params)
    if "needed" in params:  # responses joined by "+": "block+report"
        params["needed"] = ", ".join(translate("judge.act_" + r, lang)
                                     for r in params["needed"].split("+"))
    for name, prefix in (("category", "judge.cat_"), ("action", "judge.act_"),
                         ("reason", "judge.reason_"), ("right", "judge.reason_")):
        if name in params:
            params[name] = translate(prefix + params[name], lang)
    return params


def tip_text(tip: Tip, items: Mapping[str, Item], lang: str) -> list[str]:
    """A coaching tip: what happened, and what would have been right and why."""
    params = tip_params(tip, lang)
    lines = [translate(f"judge.tip_{tip.code}", lang, time=clock(tip.t), **params)]
    item = items.get(tip.comment) if tip.comment else None
    if item is not None:
        template = item.template
        lines.append(translate("judge.tip_comment", lang, text=item.text))
        lines.append(translate("judge.tip_why", lang, text=template.explanation.get(lang)))
        if template.answer is not None:
            lines.append(translate("judge.tip_answer", lang, text=template.answer.get(lang),
                           source=template.source or "—"))
    return lines


def setup_hidden_text(card: Scorecard, lang: str) -> str:
    """How many harmless comments the scenario's starting filter hid ("" when none):
    they count neither way, so without this line they would vanish unnoticed."""
    hidden = setup_hidden(card)
    if not hidden.total:
        return ""
    key = "judge.setup_hidden" if hidden.others else "judge.setup_hidden_questions"
    return translate(key, lang, questions=hidden.questions, others=hidden.others)


def scorecard_text(card: Scorecard, scenario: Scenario, lang: str) -> str:
    """Render ``card`` as a plain-text report."""
    if card.duration_s < scenario.duration_s:  # ended early: stopped, never a pass
        verdict = translate("report.stopped", lang, elapsed=clock(round(card.duration_s * 1000)),
                            total=clock(scenario.duration_s * 1000))
    else:
        verdict = translate("judge.passed" if card.passed else "judge.not_passed", lang)
    out = [
        translate("judge.title", lang, scenario=scenario.title.get(lang)),
        translate("judge.score", lang, score=decimal(card.score, lang, 1),
                  pass_mark=card.pass_mark),
        verdict,
        "",
        translate("judge.components", lang),
    ]
    for name, part in card.components.items():
        out.append(translate("judge.component_line", lang,
                             name=translate(f"judge.part_{name}", lang),
                             value=_pct(part.value), weight=figure(part.weight, lang)))
    out += ["", translate("judge.table_header", lang)]
    for category, row in card.categories.items():
        out.append(translate("judge.table_row", lang,
                     category=translate(f"judge.cat_{category}", lang).ljust(22),
                     total=row.total, hits="—" if row.hits is None else row.hits,
                     misses="—" if row.misses is None else row.misses,
                     false_alarms=row.false_alarms))
    reaction = card.reaction
    out += [
        "",
        translate("judge.reaction", lang,
          median="—" if reaction.median_s is None else decimal(reaction.median_s, lang, 1),
          p90="—" if reaction.p90_s is None else decimal(reaction.p90_s, lang, 1)),
        translate("judge.exposure", lang, actual=number(card.exposure.viewer_seconds, lang),
          worst=number(card.exposure.worst_case, lang)),
    ]
    hosting = card.hosting
    out.append(translate("judge.hosting", lang, answered=hosting.answered,
                 questions=hosting.questions, thanked=hosting.gifters_thanked,
                 gifters=hosting.gifters, welcomed=hosting.officials_welcomed,
                 officials=hosting.officials, dead_air=number(hosting.dead_air_s, lang)))
    hidden = setup_hidden_text(card, lang)
    if hidden:
        out.append(hidden)
    if len(card.actors) > 1:
        out += ["", translate("judge.actors", lang)]
        for actor, credit in card.actors.items():
            out.append(translate("judge.actor_line", lang, name=actor, **credit.to_json()))
    items = {item.id: item for item in card.items}
    if card.tips:
        out += ["", translate("judge.tips", lang)]
        for n, tip in enumerate(card.tips[:TIPS_SHOWN], 1):
            lines = tip_text(tip, items, lang)
            out.append(f"{n}. {lines[0]}")
            out.extend(f"   {line}" for line in lines[1:])
    else:
        out += ["", translate("judge.no_tips", lang)]
    return "\n".join(out)
