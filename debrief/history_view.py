"""The history as a text table and as an HTML page with a progress chart."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from i18n import pick, translate
from i18n.formats import decimal, moment, parse_utc

from . import charts
from .history import Attempt
from .recommend import RECENT, Recommendation, weaknesses
from .report_html import page
from .report_text import clock

__all__ = ["PARTS", "history_html", "history_text", "recommendation_text", "when"]

PARTS = ("detection", "speed", "exposure", "hosting")


def when(recorded_at: str, lang: str) -> str:
    """``2026-05-01T08:30:00Z`` (UTC, as stored) in the machine's zone, the reader's way:
    ``1 Mei 2026 15.30 WIB``; a time that cannot be read is shown as stored."""
    try:
        return moment(parse_utc(recorded_at), lang)
    except ValueError:
        return recorded_at


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}"


def _cells(n: int, a: Attempt, lang: str) -> list[str]:
    title = pick(a.title, lang) or a.scenario
    quiz = "—" if a.quiz is None else f"{a.quiz[0]}/{a.quiz[1]}"
    if a.stopped_at_s is not None:  # never a pass, whatever the score
        passed = translate("history.stopped", lang, elapsed=clock(round(a.stopped_at_s * 1000)))
    else:
        passed = translate("history.passed_yes" if a.passed else "history.passed_no", lang)
    return [str(n), when(a.recorded_at, lang), a.trainee or "—", title,
            decimal(a.score, lang, 1), passed,
            *[_pct(a.components.get(p)) for p in PARTS], quiz,
            _source(a, lang)]


def _source(a: Attempt, lang: str) -> str:
    """Where the attempt was made; a drill's with its group and room code."""
    source = translate(f"history.source_{a.source}", lang)
    if a.room is None:
        return source
    if a.group:
        return translate("history.source_group", lang, source=source, group=a.group, room=a.room)
    return translate("history.source_room", lang, source=source, room=a.room)


def _head(lang: str) -> list[str]:
    return [translate("history.col_n", lang), translate("history.col_date", lang),
            translate("history.col_trainee", lang), translate("history.col_scenario", lang),
            translate("history.col_score", lang), translate("history.col_passed", lang),
            *[translate(f"judge.part_{p}", lang) for p in PARTS],
            translate("history.col_quiz", lang),
            translate("history.col_source", lang)]


def recommendation_text(rec: Recommendation | None, titles: Mapping[str, str],
                        lang: str) -> str:
    """One sentence: what to practise next and why."""
    if rec is None:
        return translate("history.no_scenarios", lang)
    title = titles.get(rec.scenario, rec.scenario)
    if rec.reason == "weak" and rec.category is not None:
        return translate("history.recommend_weak", lang, scenario=title, id=rec.scenario,
                 category=translate(f"judge.cat_{rec.category}", lang),
                 rate=round(100 * (rec.rate or 0)))
    return translate(f"history.recommend_{rec.reason}", lang, scenario=title, id=rec.scenario)


def weakness_text(attempts: Sequence[Attempt], lang: str) -> str | None:
    """The kinds of comment handled wrongly most often lately, or None if none were."""
    weak = weaknesses(attempts)[:3]
    if not weak:
        return None
    kinds = ", ".join(f"{translate(f'judge.cat_{c}', lang)} {round(100 * r)}%" for c, r in weak)
    return translate("history.weak_kinds", lang, kinds=kinds, count=min(RECENT, len(attempts)))


def history_text(attempts: Sequence[Attempt], rec: Recommendation | None,
                 titles: Mapping[str, str], lang: str) -> str:
    """The history as an aligned plain-text table and the recommendation."""
    if not attempts:
        return translate("history.empty", lang)
    rows = [_head(lang)] + [_cells(n, a, lang) for n, a in enumerate(attempts, 1)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    weak = weakness_text(attempts, lang)
    return "\n".join([*lines, "", *([weak] if weak else []),
                      recommendation_text(rec, titles, lang)])


def history_html(attempts: Sequence[Attempt], rec: Recommendation | None,
                 titles: Mapping[str, str], trainee: str | None, lang: str) -> str:
    """A self-contained page: progress chart, every attempt, what to practise next."""
    e = html.escape
    title = (translate("history.title_trainee", lang, name=trainee) if trainee
             else translate("history.title", lang))
    series: dict[str, list[tuple[int, float]]] = {}
    marks: dict[str, int] = {}
    for n, a in enumerate(attempts, 1):
        label = titles.get(a.scenario) or a.title.get(lang) or a.scenario
        series.setdefault(label, []).append((n, a.score))
        marks[label] = a.pass_mark
    head = "".join(f"<th>{e(h)}</th>" for h in _head(lang))
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in _cells(n, a, lang)) + "</tr>"
                   for n, a in enumerate(attempts, 1))
    parts = [f"<header><h1>{e(title)}</h1></header>",
             f'<section id="next"><h2>{e(translate("history.h_next", lang))}</h2>'
             f"<p>{e(recommendation_text(rec, titles, lang))}</p>"
             + (f"<p>{e(weak)}</p>" if (weak := weakness_text(attempts, lang)) else "")
             + "</section>"]
    if attempts:
        parts.append(f'<section id="progress"><h2>{e(translate("history.h_progress", lang))}</h2>'
                     f'<figure id="chart-scores">{charts.scores_chart(series, marks, lang)}'
                     f'<figcaption>{e(translate("history.caption", lang))}</figcaption></figure>'
                     "</section>")
        parts.append(f'<section id="attempts"><h2>{e(translate("history.h_attempts", lang))}</h2>'
                     f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                     "</section>")
    else:
        parts.append(f"<p>{e(translate('history.empty', lang))}</p>")
    return page(title, "\n".join(parts), lang)
