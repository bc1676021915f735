"""``gladi report``: a saved session as a debrief page (HTML) and CSV tables."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .errors import UserError
from .i18n import t


def register(subparsers: Any) -> None:
    """Add the ``report`` subcommand."""
    from debrief.cliutil import add_lang

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "report", help=t("report.help"), description=t("report.description"))
    parser.add_argument("session", metavar=t("report.session_metavar"),
                        help=t("report.session_help"))
    parser.add_argument("--html", metavar="FILE", help=t("report.html_help"))
    parser.add_argument("--csv", metavar="DIR", help=t("report.csv_help"))
    add_lang(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the debrief page (and the CSV tables when asked)."""
    from debrief import csv_export, report_html
    from debrief.cliutil import lang_of, write_atomically
    from debrief.session import load

    lang = lang_of(args)
    source = Path(args.session)
    loaded = load(source, lang)
    meta = {**loaded.record.meta, "seed": loaded.record.seed}
    page = report_html.render(loaded.card, loaded.record.scenario, loaded.session.events,
                              loaded.session.content.by_id, meta, lang)
    target = Path(args.html) if args.html else source.with_suffix(".html")
    write_atomically(target, page, lang)
    print(t("report.written", lang, path=target))
    if args.csv:
        folder = Path(args.csv)
        try:
            csv_export.write(folder, loaded.card, lang)
        except OSError as error:
            raise UserError(t("report.cannot_write", lang, path=folder,
                              reason=error.strerror or error)) from None
        print(t("report.csv_written", lang, path=folder))
    return 0
