"""The day report: one self-contained HTML page comparing the groups of a training day.

A training day runs one drill room per group (``gladi serve``, docs/protocol.md
"Training day"). This page puts their results side by side: each group's
score and its parts, how each kind of harmful comment was handled, and every
participant's credit. Same style and rules as the session debrief
(:mod:`debrief.report_html`): everything inline, offline, prints to A4.
:func:`render_day` is a pure function of the groups' results.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from i18n import translate
from i18n.formats import decimal, number
from moderation.scorecard import COMPONENTS, Scorecard
from scenarios.schema import Scenario

from . import tables
from .report_html import page

__all__ = ["Group", "Member", "render_day"]


@dataclass(frozen=True, slots=True)
class Member:
    """One participant of a group (the host or a moderator) and their credit."""

    name: str
    role: str
    team: str | None
    points: int
    hits: int
    false_alarms: int
    answers: int
    actions: int
    seat_hits: int


@dataclass(frozen=True, slots=True)
class Group:
    """One room's results: the group's name, its scorecard so far (final once ended;
    ``None`` for a room that has not started: it has no score yet)."""

    name: str
    code: str
    scenario: Scenario
    status: str
    ended: bool
    card: Scorecard | None
    members: tuple[Member, ...]


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _t(key: str, lang: str, **params: object) -> str:
    return _e(translate(f"serve.day_report.{key}", lang, **params))


def _pct(value: float | None, lang: str) -> str:
    return "—" if value is None else number(100 * value, lang)


def _verdict(group: Group, lang: str) -> str:
    """Passed or not once ended; else still running, or not started (no score)."""
    if group.card is None:
        return _t("not_started", lang)
    if not group.ended:
        return _t("running", lang)
    return _t("passed" if group.card.passed else "not_passed", lang)


def _table(head: Sequence[str], nums: Sequence[bool], rows: Sequence[Sequence[str]]) -> str:
    """An HTML table whose cells are already escaped; ``nums`` marks the numeric columns."""
    cls = ['class="num"' if n else "" for n in nums]
    out = ["<table><thead><tr>"]
    out += [f"<th {c}>{h}</th>" for h, c in zip(head, cls, strict=True)]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td {c}>{cell}</td>"
                                    for cell, c in zip(row, cls, strict=True)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _bars(groups: Sequence[Group], lang: str) -> str:
    """Each group's score as a horizontal bar, with the pass mark (inline SVG, no script)."""
    row_h, label_w, bar_w = 26, 180, 360
    height = row_h * len(groups) + 10
    parts = [f'<svg class="chart" viewBox="0 0 {label_w + bar_w + 60} {height}" role="img" '
             f'aria-label="{_t("chart", lang)}">']
    for i, group in enumerate(groups):
        y = 5 + i * row_h
        parts.append(f'<text x="{label_w - 6}" y="{y + 17}" text-anchor="end" '
                     f'font-size="13">{_e(group.name[:28])}</text>')
        card = group.card
        if card is None:  # not started: no bar, no score
            parts.append(f'<text x="{label_w + 6}" y="{y + 17}" font-size="13" '
                         f'font-style="italic">{_verdict(group, lang)}</text>')
            continue
        width = bar_w * max(0.0, min(100.0, card.score)) / 100
        color = "#2e7d32" if card.passed else "#c62828"
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="18" '
                     f'fill="{color}"/>')
        parts.append(f'<text x="{label_w + width + 6:.1f}" y="{y + 17}" '
                     f'font-size="13">{_e(decimal(card.score, lang))}</text>')
        mark = label_w + bar_w * card.pass_mark / 100
        parts.append(f'<line x1="{mark:.1f}" x2="{mark:.1f}" y1="{y}" y2="{y + row_h}" '
                     'stroke="#1a1a1a" stroke-dasharray="3 2"/>')
    parts.append("</svg>")
    return "".join(parts)


def _compare(groups: Sequence[Group], lang: str) -> str:
    head = [_t("col_group", lang), _t("col_room", lang), _t("col_scenario", lang),
            _t("col_status", lang), _t("col_members", lang), _t("col_score", lang),
            _t("col_passed", lang), *[_e(translate(f"judge.part_{p}", lang)) for p in COMPONENTS],
            _t("col_false_alarms", lang), _t("col_reaction", lang)]
    rows = []
    for g in groups:
        card = g.card
        who = [_e(g.name), _e(g.code), _e(g.scenario.title.get(lang)),
               _e(translate(f"seat.status.{g.status}", lang)), number(len(g.members), lang)]
        if card is None:  # not started: no score, and none of its parts
            rows.append([*who, "—", _verdict(g, lang), *["—" for _ in COMPONENTS], "—", "—"])
            continue
        median = card.reaction.median_s
        rows.append([*who, decimal(card.score, lang), _verdict(g, lang),
                     *[_pct(card.components[p].value, lang) for p in COMPONENTS],
                     number(card.reaction.false_alarms, lang),
                     "—" if median is None else decimal(median, lang)])
    nums = [False, False, False, False, True, True, False, True, True, True, True, True, True]
    return _table(head, nums, rows)


def _categories(groups: Sequence[Group], lang: str) -> str:
    """Harmful comments handled per kind: hits of all, for each group side by side."""
    per_group = [{} if g.card is None else
                 {row.category: row for row in tables.category_rows(g.card) if row.harmful}
                 for g in groups]
    kinds = sorted({kind for rows in per_group for kind in rows})
    if not kinds:
        return f'<p class="note">{_t("no_harm", lang)}</p>'
    head = [_e(translate("report.col_category", lang)), *[_e(g.name) for g in groups]]
    rows = []
    for kind in kinds:
        cells = [_e(translate(f"judge.cat_{kind}", lang))]
        for rows_of in per_group:
            row = rows_of.get(kind)
            cells.append("—" if row is None else
                         f"{number(row.hits or 0, lang)}/{number(row.total, lang)}")
        rows.append(cells)
    return _table(head, [False] + [True] * len(groups), rows)


def _members(group: Group, lang: str) -> str:
    if not group.members:
        return f'<p class="note">{_t("no_members", lang)}</p>'
    head = [_t("col_name", lang), _t("col_role", lang), _t("col_team", lang),
            _t("col_points", lang), _t("col_hits", lang), _t("col_seat_hits", lang),
            _t("col_false_alarms", lang), _t("col_answers", lang), _t("col_actions", lang)]
    ranked = sorted(group.members, key=lambda m: (-m.points, m.name))
    started = group.card is not None
    rows = [[_e(m.name), _e(translate(f"serve.role.{m.role}", lang)), _e(m.team or "—"),
             number(m.points, lang) if started else "—",
             *[number(n, lang) for n in (m.hits, m.seat_hits, m.false_alarms, m.answers,
                                         m.actions)]] for m in ranked]
    return _table(head, [False, False, False, True, True, True, True, True, True], rows)


def render_day(groups: Sequence[Group], lang: str, title: str) -> str:
    """The whole day report: the groups compared, then each group's participants."""
    people = number(sum(len(g.members) for g in groups), lang)
    meta = _t("meta", lang, groups=number(len(groups), lang), people=people)
    body = [f"<header><h1>{_e(title)}</h1>"
            f'<p class="meta">{meta}</p>'
            f'<p class="note">{_t("note", lang)}</p></header>']
    if not groups:
        body.append(f'<p class="note">{_t("no_groups", lang)}</p>')
        return page(title, "\n".join(body), lang)
    body.append(f'<section id="compare"><h2>{_t("h_compare", lang)}</h2>'
                f"<figure>{_bars(groups, lang)}<figcaption>{_t('chart', lang)}</figcaption>"
                f"</figure>{_compare(groups, lang)}</section>")
    body.append(f'<section id="kinds"><h2>{_t("h_kinds", lang)}</h2>'
                f"{_categories(groups, lang)}</section>")
    for group in groups:
        body.append(f'<section class="group keep" id="group-{_e(group.code)}">'
                    f"<h2>{_e(group.name)} · {_e(group.scenario.title.get(lang))}</h2>"
                    f"{_members(group, lang)}</section>")
    return page(title, "\n".join(body), lang)
