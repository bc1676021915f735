"""Small helpers shared by the debrief commands (report, history, replay, quiz)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from debrief import files
from i18n import PSEUDO_ENV, Lang, offered, translate

__all__ = ["add_lang", "lang_of", "offered_languages", "print_json", "write_atomically"]


def offered_languages() -> tuple[Lang, ...]:
    """The languages ``--lang`` and the desktop's menu offer: the test pseudo-language too
    when ``GLADI_PSEUDO=1`` (docs/i18n.md)."""
    return offered(pseudo=os.environ.get(PSEUDO_ENV) == "1")


def add_lang(parser: argparse.ArgumentParser, lang: str) -> None:
    """Accept ``--lang`` after the subcommand too (``gladi report S.json --lang en``).

    It has its own ``dest`` so that, when absent, it does not overwrite the
    global ``gladi --lang`` value.
    """
    parser.add_argument("--lang", dest="command_lang", default=None,
                        choices=[lang.value for lang in offered_languages()],
                        help=translate("report.lang_help", lang))


def lang_of(args: argparse.Namespace) -> str:
    """The language the command should speak (``gladi.cli.main`` settles it)."""
    lang: str = args.lang
    return lang


def write_atomically(path: Path, text: str, lang: str) -> None:
    """Write a debrief file atomically; a failure is a translated message."""
    files.write_atomically(path, text, "report.cannot_write", lang)


def print_json(document: Any) -> None:
    """Print a JSON document as ASCII (letters beyond it as ``\\u`` escapes).

    ASCII is the same bytes in every code page and valid UTF-8, so ``gladi … --json >
    hasil.json`` parses to the same text on a Windows console, in a pipe or in a file
    (see ``gladi.cli.make_output_safe``).
    """
    print(json.dumps(document, indent=2))
