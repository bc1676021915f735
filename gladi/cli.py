"""The ``gladi`` command line.

Each subcommand lives in its own ``gladi/cmd_*.py`` module with two functions:
``register(subparsers, lang)`` adds its parser in the user's language, and the
parser's ``run`` default does the work and returns the exit status. Modules are
imported lazily so that ``gladi simulate`` never pays for importing the camera or
the server.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from debrief.errors import UserError
from i18n import DEFAULT_LANGUAGE, normalise_language, translate

from . import __version__
from .cliutil import offered_languages

#: Subcommand modules, in the order ``gladi --help`` lists them.
COMMANDS: tuple[str, ...] = (
    "gladi.cmd_simulate",
    "gladi.cmd_scenario",
    "gladi.cmd_check",
    "gladi.cmd_rehearse",
    "gladi.cmd_report",
    "gladi.cmd_history",
    "gladi.cmd_booster",
    "gladi.cmd_replay",
    "gladi.cmd_quiz",
    "gladi.cmd_serve",
)


#: argparse's own words (its gettext message ids) and the catalogue keys that say them.
ARGPARSE_WORDS: dict[str, str] = {
    "usage: ": "cli.argparse_usage",
    "positional arguments": "cli.argparse_positionals",
    "options": "cli.argparse_options",
    "show this help message and exit": "cli.argparse_help",
    "%(prog)s: error: %(message)s\n": "cli.argparse_error",
    "argument %(argument_name)s: %(message)s": "cli.argparse_argument",
    "the following arguments are required: %s": "cli.argparse_required",
    "unrecognized arguments: %s": "cli.argparse_unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse_invalid_choice",
    "invalid %(type)s value: %(value)r": "cli.argparse_invalid_value",
    "expected one argument": "cli.argparse_expected_one",
    "expected at least one argument": "cli.argparse_expected_some",
    "expected at most one argument": "cli.argparse_expected_at_most_one",
    "expected %s argument": "cli.argparse_expected_n",
    "expected %s arguments": "cli.argparse_expected_n",
    "one of the arguments %s is required": "cli.argparse_one_required",
    "not allowed with argument %s": "cli.argparse_not_allowed",
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse_ambiguous",
    "ignored explicit argument %r": "cli.argparse_ignored",
}


@contextmanager
def argparse_words(lang: str) -> Iterator[None]:
    """argparse's own words — "usage:", "options", its error messages — in ``lang`` while
    the parser is built and used. argparse asks :mod:`gettext` for them through the names
    ``_`` and ``ngettext`` of its module (https://docs.python.org/3/library/argparse.html),
    so those are swapped for the catalogue's words here, and put back afterwards."""

    def words(message: str) -> str:
        key = ARGPARSE_WORDS.get(message)
        return message if key is None else translate(key, lang)

    def plural(single: str, many: str, count: int) -> str:
        return words(single if count == 1 else many)

    names = vars(argparse)
    saved = names["_"], names["ngettext"]
    names["_"], names["ngettext"] = words, plural
    try:
        yield
    finally:
        names["_"], names["ngettext"] = saved


def _language_from(argv: Sequence[str]) -> str | None:
    """Find ``--lang`` before argparse runs, so that help text is translated too."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def build_parser(lang: str) -> argparse.ArgumentParser:
    """Build the full parser, its help in ``lang``."""
    parser = argparse.ArgumentParser(
        prog="gladi",
        description=translate("cli.description", lang),
        epilog=translate("cli.epilog", lang),
    )
    parser.add_argument("--version", action="version", version=f"gladi {__version__}",
                        help=translate("cli.version_help", lang))
    parser.add_argument(
        "--lang",
        choices=[lang.value for lang in offered_languages()],
        default=lang,
        help=translate("cli.lang_help", lang),
    )
    subparsers = parser.add_subparsers(dest="command",
                                       metavar=translate("cli.command_metavar", lang))
    for name in COMMANDS:
        module = importlib.import_module(name)
        module.register(subparsers, lang)
    return parser


def _default_command(argv: list[str]) -> list[str]:
    """With no subcommand, open the desktop app (``rehearse``, its home screen).

    Without a display ``rehearse`` prints one translated line pointing to
    ``gladi simulate`` and exits 0 (see ``gladi/cmd_rehearse.py``).
    """
    # The value after ``--lang`` is not a subcommand (``gladi --lang en`` opens the app).
    words = [a for i, a in enumerate(argv) if not (i and argv[i - 1] == "--lang")]
    if any(not a.startswith("-") for a in words) or any(
        a in ("-h", "--help", "--version") for a in argv
    ):
        return argv
    return [*argv, "rehearse"]


def crash_report(exc: BaseException) -> Path | None:
    """Write the traceback of an unexpected error to the user's log folder."""
    try:
        import platformdirs

        folder = Path(platformdirs.user_log_dir("gladi", appauthor=False))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "crash.log"
        path.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
        return path
    except OSError:
        return None


def make_output_safe() -> None:
    """Text output never stops the program, whatever the console or code page.

    A Windows console shows every letter (Python writes it through the wide-character
    API), but output redirected to a file or a pipe is encoded in the ANSI code page
    (cp1252, cp437 …), which lacks "—", "✓" and emoji. Human text then degrades to
    "?" instead of raising ``UnicodeEncodeError``; JSON on standard output is ASCII
    (``gladi.cliutil.print_json``) and files are written as UTF-8, so neither loses a
    letter. A windowed app (the bundle on Windows and macOS, pythonw) has no console
    at all: its output goes nowhere. docs/install.md, "Text and files", says the same.
    """
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))
        elif isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    if isinstance(sys.stdin, io.TextIOWrapper):  # a pipe into ``gladi quiz`` in any encoding
        sys.stdin.reconfigure(errors="replace")


def _detach_stdout() -> None:
    """Point standard output at the null device once its reader has gone, so that the
    flush at exit cannot fail again (https://docs.python.org/3/library/signal.html#note-on-sigpipe)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):  # no real file behind stdout
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    make_output_safe()
    args_list = list(sys.argv[1:] if argv is None else argv)
    # GLADI_LANG lets a trainer pick English once for every command.
    lang = normalise_language(_language_from(args_list) or os.environ.get("GLADI_LANG"))
    if lang not in offered_languages():
        lang = DEFAULT_LANGUAGE
    with argparse_words(lang):
        parser = build_parser(lang)
        args = parser.parse_args(_default_command(args_list))
    # ``--lang`` after the subcommand (see cliutil.add_lang) wins over the global one.
    args.lang = lang = normalise_language(getattr(args, "command_lang", None) or args.lang)
    try:
        status: int = args.run(args)
    except UserError as error:
        print(translate("cli.error", lang, message=str(error)), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(translate("cli.interrupted", lang), file=sys.stderr)
        return 130
    except BrokenPipeError:  # ``gladi … | head``: the reader left; that is not an error
        _detach_stdout()
        return 0
    except Exception as error:  # the last line of defence: no traceback for users
        path = crash_report(error)
        print(
            translate("cli.crash", lang, kind=type(error).__name__, path=path or "-"),
            file=sys.stderr,
        )
        return 70
    return status


if __name__ == "__main__":
    raise SystemExit(main())
