"""The debrief charts, drawn with matplotlib straight to inline SVG.

Only the SVG backend is used (a bare :class:`~matplotlib.figure.Figure`, no
pyplot), so nothing opens a window and nothing needs a display. Text is drawn
as paths, so the page needs no font; the XML prologue (which names an external
DTD) and the metadata block are cut, and a fixed hash salt per chart keeps the
output byte-for-byte reproducible. Every title and label goes through
:func:`i18n.t`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from i18n import translate
from scenarios.taxonomy import Category

from .timeline import ActionMark

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "CATEGORY_COLOURS",
    "actions_chart",
    "comments_chart",
    "reaction_chart",
    "scores_chart",
    "viewers_chart",
]

#: Harmful kinds in warm colours, harmless ones in cool colours.
CATEGORY_COLOURS: dict[Category, str] = {
    Category.GREETING: "#9ecae1",
    Category.QUESTION: "#3182bd",
    Category.PRAISE: "#74c476",
    Category.CHITCHAT: "#c7e9c0",
    Category.OFFTOPIC: "#bdbdbd",
    Category.HOAX: "#e6550d",
    Category.SARA: "#a50f15",
    Category.PORN: "#de2d26",
    Category.JUDOL: "#fd8d3c",
    Category.SCAM: "#fdae6b",
    Category.HARASSMENT: "#756bb1",
    Category.SPAM: "#fdd0a2",
    Category.CHILD_SAFETY: "#67000d",
}
EXPOSURE_COLOUR = "#ff0000"
LEGEND_COLUMNS = 5
WIDTH_IN = 9.0


#: Fixed margins (inches) for the charts that share the session timeline, so
#: their minute axes line up when printed one above the other.
TIMELINE_LEFT_IN, TIMELINE_RIGHT_IN = 1.35, 0.25


def _figure(height: float, timeline: bool = False, bottom_in: float = 0.55) -> Figure:
    from matplotlib.figure import Figure

    if not timeline:
        return Figure(figsize=(WIDTH_IN, height), dpi=100, layout="constrained")
    fig = Figure(figsize=(WIDTH_IN, height), dpi=100)
    fig.subplots_adjust(left=TIMELINE_LEFT_IN / WIDTH_IN, right=1 - TIMELINE_RIGHT_IN / WIDTH_IN,
                        top=1 - 0.35 / height, bottom=bottom_in / height)
    return fig


def _svg(fig: Figure, name: str) -> str:
    """Serialise ``fig`` to an ``<svg>`` element ready to inline in HTML."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": f"gladi-{name}"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    # Element ids must be unique across the page; several charts share glyphs
    # and clip paths, so each chart gets its own prefix.
    text = re.sub(r'(?<![\w:-])id="([^"]+)"', rf'id="{name}-\1"', text)
    text = re.sub(r'(xlink:href|href)="#([^"]+)"', rf'\1="#{name}-\2"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{name}-\1)", text)
    return text.replace("<svg ", f'<svg role="img" aria-label="{name}" class="chart" ', 1)


def _minutes_axis(ax: Axes, duration_ms: int, lang: str) -> None:
    # A session stopped in its first second still gets a usable axis.
    ax.set_xlim(0, max(duration_ms, 1000) / 60_000)
    ax.set_xlabel(translate("report.axis_minutes", lang))
    ax.grid(True, axis="x", alpha=0.3)


def viewers_chart(points: Sequence[tuple[int, int]], duration_ms: int, lang: str) -> str:
    """Viewers over time, as a step line."""
    fig = _figure(2.6, timeline=True)
    ax = fig.add_subplot()
    xs = [p[0] / 60_000 for p in points] + [duration_ms / 60_000]
    ys = [p[1] for p in points] + [points[-1][1] if points else 0]
    ax.step(xs, ys, where="post", color="#3182bd", linewidth=1.8)
    ax.fill_between(xs, ys, step="post", color="#3182bd", alpha=0.15)
    ax.set_title(translate("report.chart_viewers", lang))
    ax.set_ylabel(translate("report.axis_viewers", lang))
    ax.set_ylim(bottom=0)
    _minutes_axis(ax, duration_ms, lang)
    return _svg(fig, "viewers")


def comments_chart(
    counts: Mapping[Category, Sequence[int]],
    width_ms: int,
    duration_ms: int,
    spans: Sequence[tuple[int, int]],
    lang: str,
) -> str:
    """Comments per category over time (stacked), harmful exposure shaded behind."""
    from matplotlib.patches import Patch

    rows = -(-(len(counts) + 1) // LEGEND_COLUMNS)
    legend_in = 0.22 * rows + 0.15
    fig = _figure(3.2 + legend_in, timeline=True, bottom_in=0.55 + legend_in)
    ax = fig.add_subplot()
    for start, end in spans:
        ax.axvspan(start / 60_000, end / 60_000, color=EXPOSURE_COLOUR, alpha=0.12, linewidth=0)
    w = width_ms / 60_000
    bottoms: list[float] = []
    handles = []
    for category, row in counts.items():
        if not bottoms:
            bottoms = [0.0] * len(row)
        xs = [i * w for i in range(len(row))]
        colour = CATEGORY_COLOURS[category]
        ax.bar(xs, row, width=w, bottom=bottoms, align="edge", color=colour,
               edgecolor="white", linewidth=0.3)
        bottoms = [b + c for b, c in zip(bottoms, row, strict=True)]
        handles.append(Patch(color=colour, label=translate(f"judge.cat_{category.value}", lang)))
    handles.append(Patch(color=EXPOSURE_COLOUR, alpha=0.12,
                         label=translate("report.legend_exposure", lang)))
    # Below the plot, not beside it, so the minute axis keeps the timeline width.
    fig.legend(handles=handles, loc="lower center", ncol=LEGEND_COLUMNS, fontsize=8,
               frameon=False, bbox_to_anchor=(0.5, 0.0))
    ax.set_title(translate("report.chart_comments", lang, seconds=width_ms // 1000))
    ax.set_ylabel(translate("report.axis_comments", lang))
    _minutes_axis(ax, duration_ms, lang)
    return _svg(fig, "comments")


def actions_chart(
    marks: Sequence[ActionMark],
    duration_ms: int,
    false_alarms: Sequence[int],
    lang: str,
) -> str:
    """The trainee's actions on the session timeline, one row per kind of action."""
    kinds = sorted({m.kind for m in marks})
    rows = [*kinds, "false_alarm"] if false_alarms else kinds
    fig = _figure(max(1.6, 0.9 + 0.32 * len(rows)), timeline=True)
    ax = fig.add_subplot()
    for y, kind in enumerate(kinds):
        mine = [m for m in marks if m.kind == kind]
        spans = [(m.t / 60_000, m.duration / 60_000) for m in mine if m.duration and m.accepted]
        if spans:
            ax.broken_barh(spans, (y - 0.3, 0.6), color="#74c476")
        points = [m for m in mine if not m.duration]
        ok = [m.t / 60_000 for m in points if m.accepted]
        bad = [m.t / 60_000 for m in mine if not m.accepted]
        ax.plot(ok, [y] * len(ok), "|", color="#08519c", markersize=12, markeredgewidth=1.6)
        ax.plot(bad, [y] * len(bad), "x", color="#969696", markersize=6)
    if false_alarms:
        y = len(kinds)
        ax.plot([f / 60_000 for f in false_alarms], [y] * len(false_alarms), "v",
                color="#de2d26", markersize=8)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([translate(f"report.action_{k}", lang) for k in rows], fontsize=8)
    ax.set_ylim(-0.7, max(0.7, len(rows) - 0.3))
    ax.set_title(translate("report.chart_actions", lang))
    if not marks:
        ax.text(0.5, 0.5, translate("report.no_actions", lang), transform=ax.transAxes,
                ha="center", va="center")
    _minutes_axis(ax, duration_ms, lang)
    return _svg(fig, "actions")


def reaction_chart(times_s: Sequence[float], fast_s: float, window_s: float, lang: str) -> str:
    """How fast harmful comments were handled: a histogram of reaction times."""
    fig = _figure(2.6)
    ax = fig.add_subplot()
    if times_s:
        top = max(window_s, max(times_s))
        bins = [i * top / 24 for i in range(25)]
        ax.hist(times_s, bins=bins, color="#3182bd", edgecolor="white")
    else:
        ax.text(0.5, 0.5, translate("report.no_reactions", lang), transform=ax.transAxes,
                ha="center", va="center")
    ax.axvline(fast_s, color="#31a354", linestyle="--", label=translate("report.legend_fast", lang,
                                                              seconds=f"{fast_s:g}"))
    ax.axvline(window_s, color="#de2d26", linestyle="--",
               label=translate("report.legend_window", lang, seconds=f"{window_s:g}"))
    ax.legend(fontsize=8, frameon=False)
    ax.set_xlim(left=0)
    ax.set_title(translate("report.chart_reaction", lang))
    ax.set_xlabel(translate("report.axis_seconds", lang))
    ax.set_ylabel(translate("report.axis_count", lang))
    return _svg(fig, "reaction")


def scores_chart(
    series: Mapping[str, Sequence[tuple[int, float]]], pass_marks: Mapping[str, int], lang: str
) -> str:
    """Score per attempt, one line per scenario (x: attempt number overall)."""
    fig = _figure(3.0)
    ax = fig.add_subplot()
    for label, points in series.items():
        xs = [p[0] for p in points]
        line = ax.plot(xs, [p[1] for p in points], "o-", label=label)[0]
        mark = pass_marks.get(label)
        if mark is not None:
            ax.axhline(mark, color=line.get_color(), linestyle=":", linewidth=1)
    ax.set_ylim(0, 100)
    ax.set_title(translate("history.chart_title", lang))
    ax.set_xlabel(translate("history.axis_attempt", lang))
    ax.set_ylabel(translate("history.axis_score", lang))
    ax.grid(True, alpha=0.3)
    if series:
        ax.legend(fontsize=8, frameon=False, loc="lower right")
    return _svg(fig, "scores")
