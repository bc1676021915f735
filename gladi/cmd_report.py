"""``gladi report``: a saved session as a debrief page (HTML) and CSV tables."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from debrief.errors import UserError
from i18n import translate


def register(subparsers: Any, lang: str) -> None:
    """Add the ``report`` subcommand."""
    from gladi.cliutil import add_lang

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "report",
        help=translate("report.help", lang),
        description=translate("report.description", lang),
    )
    parser.add_argument(
        "session",
        metavar=translate("report.session_metavar", lang),
        help=translate("report.session_help", lang),
    )
    parser.add_argument("--html", metavar="FILE", help=translate("report.html_help", lang))
    parser.add_argument("--csv", metavar="DIR", help=translate("report.csv_help", lang))
    add_lang(parser, lang)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the debrief page (and the CSV tables when asked)."""
    from debrief import csv_export, report_html
    from debrief.session import load
    from gladi.cliutil import lang_of, write_atomically

    lang = lang_of(args)
    source = Path(args.session)
    loaded = load(source, lang)
    meta = {**loaded.record.meta, "seed": loaded.record.seed}
    page = report_html.render(
        loaded.card,
        loaded.record.scenario,
        loaded.session.events,
        loaded.session.content.by_id,
        meta,
        lang,
    )
    target = Path(args.html) if args.html else source.with_suffix(".html")
    write_atomically(target, page, lang)
    print(translate("report.written", lang, path=target))
    if args.csv:
        folder = Path(args.csv)
        try:
            csv_export.write(folder, loaded.card, lang)
        except OSError as error:
            raise UserError(
                translate("report.cannot_write", lang, path=folder, reason=error.strerror or error)
            ) from None
        print(translate("report.csv_written", lang, path=folder))
    return 0
