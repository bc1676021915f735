"""The debrief page: one self-contained HTML document for a finished session.

Everything is inline — styles, charts (SVG) — so the page works offline,
opens in any browser, and prints to PDF (A4, tables and charts kept whole).
:func:`render` is a pure function of the session's data; writing the file is
the caller's job.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from importlib import metadata
from typing import Any

from debrief.report_text import clock, setup_hidden_text, tip_params
from i18n import comment_translation, translate
from i18n.formats import decimal, figure, figures, moment, number, parse_utc
from moderation.engine import Session
from moderation.events import Event
from moderation.judge import FAST_MS, Item, Outcome, Scorecard, Tip, TipCode
from scenarios.schema import Scenario, Template

from . import charts, tables, timeline


def _version() -> str:
    """The installed Gladi's version, for the report's footer."""
    try:
        return metadata.version("gladi")
    except metadata.PackageNotFoundError:  # run from a bare source tree
        return "dev"


__all__ = ["STYLE", "page", "render", "render_session"]

STYLE = """
:root { --ink:#1a1a1a; --muted:#666; --line:#ddd; --ok:#2e7d32; --bad:#c62828; --band:#f5f7fa; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
       color: var(--ink); margin: 0; line-height: 1.45; font-size: 16px; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem;
     margin-top: 2rem; }
.meta, .note, figcaption { color: var(--muted); font-size: .9rem; }
.score { font-size: 2.6rem; font-weight: 700; }
.passed { color: var(--ok); font-weight: 600; } .failed { color: var(--bad); font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0; font-size: .92rem; }
th, td { border: 1px solid var(--line); padding: .3rem .45rem; text-align: left;
         vertical-align: top; }
th { background: var(--band); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.miss td:first-child, tr.late td:first-child, tr.false_alarm td:first-child
  { border-left: 4px solid var(--bad); }
tr.hit td:first-child, tr.prevented td:first-child { border-left: 4px solid var(--ok); }
#answer-key th:nth-child(1), #questions th:nth-child(1) { width: 3.2rem; }
#answer-key th:nth-child(2), #questions th:nth-child(2) { width: 8.5rem; }
#answer-key th:nth-child(4), #answer-key th:nth-child(5) { width: 6.5rem; }
#answer-key th:nth-child(3) { width: 22%; } #answer-key th:nth-child(8) { width: 22%; }
#questions th:nth-child(3) { width: 28%; } #questions th:nth-child(5) { width: 36%; }
td:nth-child(2) { overflow-wrap: anywhere; }
figure { margin: 1rem 0; } svg.chart { width: 100%; height: auto; }
ol.tips li { margin-bottom: .8rem; } .tip-head { font-weight: 600; }
.orig { font-style: italic; } .tr { color: var(--muted); font-size: .85rem; }
@page { size: A4; margin: 14mm; }
@media print {
  body { font-size: 11pt; } main { max-width: none; padding: 0; }
  h2 { break-after: avoid; } figure, tr, ol.tips li, .keep { break-inside: avoid; }
  thead { display: table-header-group; } a { color: inherit; text-decoration: none; }
}
"""


NUM = ' class="num"'


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def page(title: str, body: str, lang: str) -> str:
    """Wrap ``body`` in a complete, self-contained HTML document."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _when(stamp: object, lang: str) -> str:
    """``2026-05-01T08:30:00Z`` → ``1 Mei 2026 15.30 WIB`` (the machine's zone, the
    reader's way); anything else as is."""
    if not isinstance(stamp, str) or not stamp:
        return "—"
    try:
        return moment(parse_utc(stamp), lang)
    except ValueError:
        return stamp


def _num(value: float | None, lang: str, digits: int = 1) -> str:
    """``77,2`` (id) or ``77.2`` (en); "—" for nothing."""
    return "—" if value is None else decimal(value, lang, digits)


def _table(head: Sequence[tuple[str, bool]], rows: Sequence[tuple[str, Sequence[str]]]) -> str:
    """An HTML table; ``head`` is (label, numeric) and cells are already escaped."""
    out = ["<table>", "<thead><tr>"]
    out += [f"<th{NUM if num else ''}>{_e(label)}</th>" for label, num in head]
    out.append("</tr></thead><tbody>")
    for css, cells in rows:
        out.append(f'<tr class="{_e(css)}">' if css else "<tr>")
        out += [f"<td{NUM if head[i][1] else ''}>{cell}</td>"
                for i, cell in enumerate(cells)]
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _comment(text: str, translation: str | None, lang: str) -> str:
    """A viewer's comment as typed (Indonesian), with the English translation marked."""
    out = f'<span class="orig">“{_e(text)}”</span>'
    if english := comment_translation(translation, lang):
        shown = translate("report.translation", lang, text=english)
        out += f'<br><span class="tr">{_e(shown)}</span>'
    return out


def _responses(codes: Sequence[str], lang: str) -> str:
    return ", ".join(translate(f"report.response_{c}", lang) for c in codes)


def _score_section(card: Scorecard, scenario: Scenario, lang: str) -> str:
    if card.duration_s < scenario.duration_s:  # ended early: stopped, never a pass
        stopped = translate("report.stopped", lang, elapsed=clock(round(card.duration_s * 1000)),
                            total=clock(scenario.duration_s * 1000))
        verdict = f'<p class="failed">{_e(stopped)}</p>'
    else:
        verdict = (f'<p class="passed">{_e(translate("judge.passed", lang))}</p>' if card.passed
                   else f'<p class="failed">{_e(translate("judge.not_passed", lang))}</p>')
    parts = _table(
        [(translate("report.col_part", lang), False), (translate("report.col_value", lang), True),
         (translate("report.col_weight", lang), True),
         (translate("report.col_points", lang), True)],
        [("", [_e(translate(f"judge.part_{row.name}", lang)),
               _num(None if row.value is None else 100 * row.value, lang, 0),
               figure(row.weight, lang), _num(row.points, lang)])
         for row in tables.part_rows(card)],
    )
    reaction, exposure, hosting = card.reaction, card.exposure, card.hosting
    facts = [
        translate("judge.reaction", lang, median=_num(reaction.median_s, lang),
                  p90=_num(reaction.p90_s, lang)),
        translate("judge.exposure", lang, actual=number(exposure.viewer_seconds, lang),
          worst=number(exposure.worst_case, lang)),
        translate("judge.hosting", lang, answered=hosting.answered, questions=hosting.questions,
          thanked=hosting.gifters_thanked, gifters=hosting.gifters,
          welcomed=hosting.officials_welcomed, officials=hosting.officials,
          dead_air=number(hosting.dead_air_s, lang)),
    ]
    hidden = setup_hidden_text(card, lang)
    if hidden:
        facts.append(hidden)
    return (
        f'<section id="score" class="keep"><h2>{_e(translate("report.h_score", lang))}</h2>'
        f'<div class="score">{decimal(card.score, lang, 1)} / 100</div>{verdict}'
        f'<p class="note">{_e(translate("report.pass_mark", lang, pass_mark=card.pass_mark))}</p>'
        f'<h3>{_e(translate("report.h_parts", lang))}</h3>{parts}'
        f'<p class="note">{_e(translate("report.parts_note", lang))}</p>'
        "<ul>" + "".join(f"<li>{_e(f)}</li>" for f in facts) + "</ul></section>"
    )


def _category_section(card: Scorecard, lang: str) -> str:
    rows = []
    for row in tables.category_rows(card):
        rows.append(("harmful" if row.harmful else "", [
            _e(translate(f"judge.cat_{row.category}", lang)), str(row.total),
            "—" if row.hits is None else str(row.hits),
            "—" if row.misses is None else str(row.misses), str(row.false_alarms),
            _num(row.reaction_median_s, lang), _num(row.reaction_max_s, lang)]))
    head = [(translate("report.col_category", lang), False),
            (translate("report.col_total", lang), True),
            (translate("report.col_hits", lang), True),
            (translate("report.col_misses", lang), True),
            (translate("report.col_false_alarms", lang), True),
            (translate("report.col_reaction_median", lang), True),
            (translate("report.col_reaction_max", lang), True)]
    return (f'<section id="categories"><h2>{_e(translate("report.h_categories", lang))}</h2>'
            f"{_table(head, rows)}</section>")


def _tip(tip: Tip, items: Mapping[str, Item], translated: Mapping[str, str], lang: str) -> str:
    params = tip_params(tip, lang)
    head = translate(f"judge.tip_{tip.code}", lang, time=clock(tip.t), **params)
    out = [f'<li><div class="tip-head">{_e(head)}</div>']
    item = items.get(tip.comment) if tip.comment else None
    if item is not None:
        template = item.template
        out.append(f"<div>{_e(translate('report.tip_comment', lang))} "
                   f"{_comment(item.text, translated.get(item.id), lang)}</div>")
        if item.harmful:
            right = translate("report.right_harmful", lang,
                      responses=_responses([r.value for r in template.acceptable], lang))
        elif template.answer is not None:
            right = translate("report.right_question", lang)
        else:
            right = translate("report.right_harmless", lang)
        out.append(f"<div>{_e(right)}</div>")
        why = translate("judge.tip_why", lang, text=template.explanation.get(lang))
        out.append(f"<div>{_e(why)}</div>")
        if template.answer is not None:
            answer = translate("judge.tip_answer", lang, text=template.answer.get(lang),
                       source=template.source or "—")
            out.append(f"<div>{_e(answer)}</div>")
        elif template.source:
            out.append(f"<div>{_e(translate('report.source', lang, source=template.source))}</div>")
    else:
        out.append(f"<div>{_e(translate(f'report.right_{tip.code}', lang))}</div>")
    out.append("</li>")
    return "".join(out)


def _tips_section(card: Scorecard, translated: Mapping[str, str], lang: str) -> str:
    items = {item.id: item for item in card.items}
    tips = tables.top_tips(card)
    body = ('<ol class="tips">' + "".join(_tip(tip, items, translated, lang) for tip in tips)
            + "</ol>") if tips else f"<p>{_e(translate('judge.no_tips', lang))}</p>"
    return f'<section id="tips"><h2>{_e(translate("report.h_tips", lang))}</h2>{body}</section>'


def _done(done: Sequence[tuple[int, str, str]], lang: str) -> str:
    if not done:
        return _e(translate("report.nothing_done", lang))
    return "<br>".join(_e(translate("report.done_line", lang, time=clock(when), actor=actor,
                            response=translate(f"report.response_{r}", lang)))
                       for when, actor, r in done)


def _key_section(card: Scorecard, translated: Mapping[str, str], lang: str) -> str:
    rows = []
    for row in tables.key_rows(card):
        if row.should:
            should = _e(_responses(row.should, lang))
        else:
            kind = "question" if row.category == "question" else "harmless"
            should = _e(translate(f"report.should_{kind}", lang))
        why = _e(row.explanation.get(lang))
        if row.answer is not None:
            why += "<br>" + _e(translate("judge.tip_answer", lang, text=row.answer.get(lang),
                                 source=row.source or "—"))
        elif row.source:
            why += "<br>" + _e(translate("report.source", lang, source=row.source))
        outcome = _e(translate(f"report.outcome_{row.outcome}", lang))
        if row.reaction_s is not None and row.outcome in (Outcome.HIT, Outcome.LATE):
            outcome += "<br>" + _e(translate("report.after_seconds", lang,
                                             seconds=decimal(row.reaction_s, lang, 1)))
        rows.append((row.outcome, [
            clock(row.t), "@" + _e(row.handle), _comment(row.text, translated.get(row.id), lang),
            _e(translate(f"judge.cat_{row.category}", lang)), outcome, _done(row.done, lang),
            should, why]))
    head = [(translate(f"report.col_{name}", lang), False)
            for name in ("time", "handle", "comment", "category", "outcome", "done", "should",
                         "why")]
    body = _table(head, rows) if rows else f"<p>{_e(translate('report.no_harmful', lang))}</p>"
    return (f'<section id="answer-key"><h2>{_e(translate("report.h_key", lang))}</h2>'
            f'<p class="note">{_e(translate("report.key_note", lang))}</p>{body}</section>')


def _questions_section(card: Scorecard, translated: Mapping[str, str], lang: str) -> str:
    rows = []
    for row in tables.question_rows(card):
        answered = (translate("report.answered_after", lang, seconds=number(row.answered_s, lang))
                    if row.answered_s is not None else translate("report.not_answered", lang))
        model = "—" if row.answer is None else _e(row.answer.get(lang))
        rows.append(("" if row.answered_s is not None else "miss", [
            clock(row.t), "@" + _e(row.handle), _comment(row.text, translated.get(row.id), lang),
            _e(answered), model, _e(row.source or "—")]))
    head = [(translate(f"report.col_{name}", lang), False)
            for name in ("time", "handle", "question", "answered", "model_answer", "source")]
    body = _table(head, rows) if rows else f"<p>{_e(translate('report.no_questions', lang))}</p>"
    heading = _e(translate("report.h_questions", lang))
    return f'<section id="questions"><h2>{heading}</h2>{body}</section>'


def _coaching_section(coaching: object, lang: str) -> str:
    """The host's camera and voice warnings of a drill (the session file's ``meta.coaching``,
    written by the drill server), each with its time: *1:42 Wajah terlalu gelap — …*."""
    if not isinstance(coaching, list) or not coaching:
        return ""
    lines = []
    for entry in coaching:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("hint_key"), str):
            continue
        params = entry.get("params")
        text = translate(f"check.{entry['hint_key']}", lang,
                         **figures(params if isinstance(params, Mapping) else {}, lang))
        cleared = entry.get("cleared_t")
        until = translate("report.coaching_until", lang, time=clock(cleared)) \
            if isinstance(cleared, int) else translate("report.coaching_to_end", lang)
        line = translate("report.coaching_line", lang, time=clock(int(entry.get("t") or 0)),
                         text=text, until=until)
        lines.append(f'<li class="{_e(entry.get("level", ""))}">{_e(line)}</li>')
    return (f'<section id="coaching"><h2>{_e(translate("report.h_coaching", lang))}</h2>'
            f'<p>{_e(translate("report.coaching_intro", lang))}</p>'
            f'<ul class="coaching">{"".join(lines)}</ul></section>')


def chart_svgs(
    card: Scorecard, scenario: Scenario, events: Sequence[Event],
    templates: Mapping[str, Template], lang: str,
) -> dict[str, str]:
    """The four debrief charts as inline SVG, keyed by name."""
    end = int(card.duration_s * 1000)
    width = timeline.bin_width(end)
    spans = timeline.merge_spans(timeline.exposure_spans(events, scenario, card.items, end))
    reactions = [i.reaction_ms / 1000 for i in card.items
                 if i.harmful and i.reaction_ms is not None
                 and i.outcome in (Outcome.HIT, Outcome.LATE)]
    false_alarms = [tip.t for tip in card.tips if tip.code is TipCode.FALSE_ALARM]
    return {
        "viewers": charts.viewers_chart(timeline.viewers(events), end, lang),
        "comments": charts.comments_chart(
            timeline.comment_counts(events, templates, end, width), width, end, spans, lang),
        "actions": charts.actions_chart(timeline.actions(events), end, false_alarms, lang),
        "reaction": charts.reaction_chart(reactions, FAST_MS / 1000,
                                          float(scenario.scoring.response_window_s), lang),
    }


def render(
    card: Scorecard,
    scenario: Scenario,
    events: Sequence[Event],
    templates: Mapping[str, Template],
    meta: Mapping[str, Any],
    lang: str,
) -> str:
    """The whole debrief page for one session."""
    translated = timeline.translations(events, templates)
    title = translate("report.title", lang, scenario=scenario.title.get(lang))
    info = [translate("report.meta_trainee", lang, name=meta.get("trainee") or "—"),
            translate("report.meta_date", lang, date=_when(meta.get("recorded_at"), lang)),
            translate("report.meta_seed", lang, seed=meta.get("seed", "—")),
            translate("report.meta_duration", lang, duration=clock(int(card.duration_s * 1000)))]
    if meta.get("autopilot"):
        info.append(translate("report.meta_autopilot", lang, autopilot=meta["autopilot"]))
    svgs = chart_svgs(card, scenario, events, templates, lang)
    figures = "".join(
        f'<figure id="chart-{name}">{svg}'
        f'<figcaption>{_e(translate(f"report.caption_{name}", lang))}</figcaption></figure>'
        for name, svg in svgs.items())
    body = "\n".join([
        f"<header><h1>{_e(title)}</h1>"
        f'<p class="meta">{_e(" · ".join(str(i) for i in info))}</p>'
        f"<p>{_e(scenario.summary.get(lang))}</p></header>",
        _score_section(card, scenario, lang),
        _category_section(card, lang),
        f'<section id="charts"><h2>{_e(translate("report.h_charts", lang))}</h2>'
        f"{figures}</section>",
        _tips_section(card, translated, lang),
        _key_section(card, translated, lang),
        _questions_section(card, translated, lang),
        _coaching_section(meta.get("coaching"), lang),
        f'<footer><p class="note">{_e(translate("report.footer", lang, version=_version()))}</p>'
        "</footer>",
    ])
    return page(title, body, lang)


def render_session(session: Session, card: Scorecard, meta: Mapping[str, Any], lang: str) -> str:
    """:func:`render` for a live :class:`~moderation.engine.Session` (the desktop app's case)."""
    return render(card, session.scenario, session.events, session.content.by_id,
                  {**meta, "seed": session.seed}, lang)
