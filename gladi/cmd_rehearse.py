"""``gladi rehearse``: the desktop rehearsal app (and ``gladi`` with no arguments).

With no screen (Linux without ``DISPLAY``/``WAYLAND_DISPLAY`` and no dummy SDL
driver) it prints one translated line pointing to ``gladi simulate`` and exits
with :data:`NO_DISPLAY_EXIT` (0: nothing went wrong, there is just no screen).
``--bench SECONDS`` measures the live screen headless instead.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from debrief.errors import UserError
from i18n import translate
from simulator.routes import Drill

from .cliutil import offered_languages

#: Exit status when there is no display: not an error (documented in docs/desktop.md).
NO_DISPLAY_EXIT = 0


def register(subparsers: Any, lang: str) -> None:
    """Add the ``rehearse`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "rehearse",
        help=translate("desktop.rehearse_help", lang),
        description=translate("desktop.rehearse_description", lang),
    )
    parser.add_argument(
        "--scenario", metavar="ID|FILE", help=translate("desktop.scenario_help", lang)
    )
    parser.add_argument(
        "--camera", metavar="N|FILE|synthetic", help=translate("desktop.camera_help", lang)
    )
    parser.add_argument(
        "--mic", metavar="N|FILE|synthetic", help=translate("desktop.mic_help", lang)
    )
    parser.add_argument("--trainee", default="", help=translate("desktop.trainee_help", lang))
    parser.add_argument("--seed", type=int, default=None, help=translate("desktop.seed_help", lang))
    parser.add_argument(
        "--large-text", action="store_true", help=translate("desktop.large_text_help", lang)
    )
    parser.add_argument(
        "--skip-checks", action="store_true", help=translate("desktop.skip_checks_help", lang)
    )
    parser.add_argument(
        "--bench",
        type=float,
        metavar="SECONDS",
        default=None,
        help=translate("desktop.bench_help", lang),
    )
    parser.add_argument(
        "--drill", metavar="ws://HOST:PORT", default=None, help=translate("drill.drill_help", lang)
    )
    parser.add_argument(
        "--code", metavar="482913", default=None, help=translate("drill.code_help", lang)
    )
    parser.set_defaults(run=run)


def _quiet_pygame() -> None:
    # pygame-ce prints a greeting on import; users should only see Gladi's lines.
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def run(args: argparse.Namespace) -> int:
    """Open the app (or run the benchmark)."""
    lang: str = args.lang
    _quiet_pygame()
    if args.bench is not None:
        from simulator.bench import run_bench

        return run_bench(args.bench, args.scenario, lang)
    if args.drill is not None:
        _check_drill(args.drill, args.code, lang)
    from simulator.display import has_display

    if not has_display():
        print(translate("desktop.no_display", lang))
        return NO_DISPLAY_EXIT
    if args.scenario is not None:
        # Fail early, with the loader's message, for a scenario that does not load.
        from .cmd_simulate import load_setup_or_explain

        load_setup_or_explain(args.scenario, args.lang)
    import pygame

    import simulator.screens  # noqa: F401  (registers the screens the app builds by name)
    from simulator.app import App, Options

    options = Options(
        lang=args.lang,
        languages=offered_languages(),
        trainee=args.trainee,
        large_text=args.large_text,
        camera=args.camera,
        mic=args.mic,
        scenario=args.scenario,
        seed=args.seed,
        skip_preflight=args.skip_checks,
    )
    try:
        app = App(options)
    except pygame.error as error:
        print(translate("desktop.display_failed", lang, reason=str(error)), file=sys.stderr)
        return NO_DISPLAY_EXIT
    if args.drill is not None:
        # The host's seat in a group drill: the room runs on the server (simulator/drill.py).
        return app.run(
            start=lambda: app.replace(Drill(address=args.drill, code=args.code.strip()))
        )
    try:
        return app.run()
    except UserError:
        raise


def _check_drill(address: str, code: str | None, lang: str) -> None:
    """``--drill`` needs a usable address and ``--code``; else a translated message."""
    from simulator.drill import drill_url

    try:
        drill_url(address)
    except ValueError:
        raise UserError(translate("drill.bad_address", lang, address=address)) from None
    if code is None or not code.strip():
        raise UserError(translate("drill.code_needed", lang))
