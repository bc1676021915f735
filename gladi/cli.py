"""The ``gladi`` command line.

Each subcommand lives in its own ``gladi/cmd_*.py`` module with two functions:
``register(subparsers)`` adds its parser, and the parser's ``run`` default
does the work and returns the exit status. Modules are imported lazily so that
``gladi simulate`` never pays for importing the camera or the server.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import UserError
from .i18n import LANGUAGES, get_language, set_language, t

#: Subcommand modules, in the order ``gladi --help`` lists them.
COMMANDS: tuple[str, ...] = (
    "gladi.cmd_simulate",
    "gladi.cmd_scenario",
    "gladi.cmd_check",
    "gladi.cmd_rehearse",
    "gladi.cmd_report",
    "gladi.cmd_history",
    "gladi.cmd_replay",
    "gladi.cmd_quiz",
    "gladi.cmd_serve",
)


def _language_from(argv: Sequence[str]) -> str | None:
    """Find ``--lang`` before argparse runs, so that help text is translated too."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def build_parser() -> argparse.ArgumentParser:
    """Build the full parser in the current language."""
    parser = argparse.ArgumentParser(
        prog="gladi",
        description=t("cli.description"),
        epilog=t("cli.epilog"),
    )
    parser.add_argument("--version", action="version", version=f"gladi {__version__}")
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=get_language(),
        help=t("cli.lang_help"),
    )
    subparsers = parser.add_subparsers(dest="command", metavar=t("cli.command_metavar"))
    for name in COMMANDS:
        module = importlib.import_module(name)
        module.register(subparsers)
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    set_language(_language_from(args_list) or get_language())
    parser = build_parser()
    args = parser.parse_args(_default_command(args_list))
    set_language(args.lang)
    try:
        status: int = args.run(args)
    except UserError as error:
        print(t("cli.error", message=str(error)), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # the last line of defence: no traceback for users
        path = crash_report(error)
        print(
            t("cli.crash", kind=type(error).__name__, path=path or "-"),
            file=sys.stderr,
        )
        return 70
    return status


if __name__ == "__main__":
    raise SystemExit(main())
