"""Small helpers shared by the debrief commands (report, history, replay, quiz)."""

from __future__ import annotations

import argparse
from pathlib import Path

from gladi import files
from gladi.i18n import LANGUAGES, get_language, set_language, t

__all__ = ["add_lang", "lang_of", "write_atomically"]


def add_lang(parser: argparse.ArgumentParser) -> None:
    """Accept ``--lang`` after the subcommand too (``gladi report S.json --lang en``).

    It has its own ``dest`` so that, when absent, it does not overwrite the
    global ``gladi --lang`` value.
    """
    parser.add_argument("--lang", dest="command_lang", choices=LANGUAGES, default=None,
                        help=t("report.lang_help"))


def lang_of(args: argparse.Namespace) -> str:
    """The language the command should speak, and make it the process default."""
    chosen = getattr(args, "command_lang", None)
    if chosen:
        set_language(chosen)
    return get_language()


def write_atomically(path: Path, text: str, lang: str) -> None:
    """Write a debrief file atomically; a failure is a translated message."""
    files.write_atomically(path, text, "report.cannot_write", lang)
