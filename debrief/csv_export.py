"""The debrief tables as CSV files for spreadsheets.

The same rows as the HTML page (:mod:`debrief.tables`), with translated
headers and kinds. :func:`csv_tables` is pure (name → rows); :func:`write`
saves them, one UTF-8 file per table, with a byte-order mark so that Excel on
Windows opens Indonesian text correctly. Excel set to Indonesian separates a list
with ";" and writes decimals with ",": an Indonesian file does the same (77,2), so
it opens in columns, numbers as numbers; an English one uses "," and "." (77.2).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from debrief.report_text import clock, tip_params
from i18n import conventions, translate
from i18n.formats import figure
from moderation.judge import Scorecard

from . import tables

__all__ = ["csv_tables", "to_csv", "write"]

Row = Sequence[object]
def _num(value: float | None) -> object:
    return "" if value is None else value


def csv_tables(card: Scorecard, lang: str) -> dict[str, list[Row]]:
    """Every table of the debrief, header first, keyed by file name."""
    def h(*keys: str) -> list[object]:
        return [translate(f"report.col_{k}", lang) for k in keys]

    parts: list[Row] = [h("part", "value", "weight", "points")]
    parts += [[translate(f"judge.part_{r.name}", lang),
               _num(None if r.value is None else 100 * r.value), r.weight, _num(r.points)]
              for r in tables.part_rows(card)]
    parts.append([translate("report.h_score", lang), card.score, "", card.score])
    categories: list[Row] = [h("category", "total", "hits", "misses", "false_alarms",
                               "reaction_median", "reaction_max")]
    categories += [[translate(f"judge.cat_{r.category}", lang), r.total, _num(r.hits),
                    _num(r.misses), r.false_alarms, _num(r.reaction_median_s),
                    _num(r.reaction_max_s)]
                   for r in tables.category_rows(card)]
    tips: list[Row] = [h("time", "why")]
    for tip in tables.top_tips(card):
        params = tip_params(tip, lang)
        tips.append([clock(tip.t),
                     translate(f"judge.tip_{tip.code}", lang, time=clock(tip.t), **params)])
    key: list[Row] = [h("time", "handle", "comment", "category", "outcome", "done", "should",
                        "why", "source")]
    for r in tables.key_rows(card):
        done = "; ".join(translate("report.done_line", lang, time=clock(w), actor=a,
                           response=translate(f"report.response_{x}", lang)) for w, a, x in r.done)
        should = ", ".join(translate(f"report.response_{x}", lang) for x in r.should)
        key.append([clock(r.t), r.handle, r.text, translate(f"judge.cat_{r.category}", lang),
                    translate(f"report.outcome_{r.outcome}", lang), done, should,
                    r.explanation.get(lang), r.source or ""])
    questions: list[Row] = [h("time", "handle", "question", "answered", "model_answer", "source")]
    questions += [[clock(r.t), r.handle, r.text, _num(r.answered_s),
                   "" if r.answer is None else r.answer.get(lang), r.source or ""]
                  for r in tables.question_rows(card)]
    return {"score_parts": parts, "categories": categories, "tips": tips,
            "answer_key": key, "questions": questions}


def _cell(value: object, lang: str) -> object:
    if isinstance(value, float):
        return figure(value, lang)
    if isinstance(value, bool):  # never "True"
        return translate("report.yes" if value else "report.no", lang)
    return value


def to_csv(rows: Sequence[Row], lang: str = "en") -> str:
    """One table as CSV text, separated and with decimals as Excel in ``lang`` expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=conventions(lang).csv_separator, lineterminator="\r\n")
    writer.writerows([_cell(value, lang) for value in row] for row in rows)
    return buffer.getvalue()


def write(folder: Path, card: Scorecard, lang: str) -> list[Path]:
    """Write every table into ``folder`` (created if needed); return the files.

    Raises:
        OSError: the folder or a file cannot be written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in csv_tables(card, lang).items():
        path = folder / f"{name}.csv"
        path.write_text(to_csv(rows, lang), encoding="utf-8-sig", newline="")
        paths.append(path)
    return paths
