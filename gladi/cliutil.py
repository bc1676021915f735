"""Small helpers shared by the debrief commands (report, history, replay, quiz)."""

from __future__ import annotations

import argparse
from pathlib import Path

from debrief import files
from i18n import LANGUAGES, translate

__all__ = ["add_lang", "lang_of", "write_atomically"]


def add_lang(parser: argparse.ArgumentParser, lang: str) -> None:
    """Accept ``--lang`` after the subcommand too (``gladi report S.json --lang en``).

    It has its own ``dest`` so that, when absent, it does not overwrite the
    global ``gladi --lang`` value.
    """
    parser.add_argument("--lang", dest="command_lang", choices=LANGUAGES, default=None,
                        help=translate("report.lang_help", lang))


def lang_of(args: argparse.Namespace) -> str:
    """The language the command should speak (``gladi.cli.main`` settles it)."""
    lang: str = args.lang
    return lang


def write_atomically(path: Path, text: str, lang: str) -> None:
    """Write a debrief file atomically; a failure is a translated message."""
    files.write_atomically(path, text, "report.cannot_write", lang)
