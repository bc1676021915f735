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

from .errors import UserError
from .i18n import get_language, t

#: Exit status when there is no display: not an error (documented in docs/desktop.md).
NO_DISPLAY_EXIT = 0


def register(subparsers: Any) -> None:
    """Add the ``rehearse`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "rehearse", help=t("desktop.rehearse_help"), description=t("desktop.rehearse_description"))
    parser.add_argument("--scenario", metavar="ID|FILE", help=t("desktop.scenario_help"))
    parser.add_argument("--camera", metavar="N|FILE|synthetic", help=t("desktop.camera_help"))
    parser.add_argument("--mic", metavar="N|FILE|synthetic", help=t("desktop.mic_help"))
    parser.add_argument("--trainee", default="", help=t("desktop.trainee_help"))
    parser.add_argument("--seed", type=int, default=None, help=t("desktop.seed_help"))
    parser.add_argument("--large-text", action="store_true", help=t("desktop.large_text_help"))
    parser.add_argument("--skip-checks", action="store_true", help=t("desktop.skip_checks_help"))
    parser.add_argument("--bench", type=float, metavar="SECONDS", default=None,
                        help=t("desktop.bench_help"))
    parser.set_defaults(run=run)


def _quiet_pygame() -> None:
    # pygame-ce prints a greeting on import; users should only see Gladi's lines.
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def run(args: argparse.Namespace) -> int:
    """Open the app (or run the benchmark)."""
    _quiet_pygame()
    if args.bench is not None:
        from simulator.desktop.bench import run_bench

        return run_bench(args.bench, args.scenario)
    from simulator.desktop.display import has_display

    if not has_display():
        print(t("desktop.no_display"))
        return NO_DISPLAY_EXIT
    if args.scenario is not None:
        # Fail early, with the loader's message, for a scenario that does not load.
        from .cmd_simulate import load_session_inputs

        load_session_inputs(args.scenario)
    import pygame

    from simulator.desktop.app import App, Options

    options = Options(lang=get_language(), trainee=args.trainee, large_text=args.large_text,
                      camera=args.camera, mic=args.mic, scenario=args.scenario, seed=args.seed,
                      skip_preflight=args.skip_checks)
    try:
        app = App(options)
    except pygame.error as error:
        print(t("desktop.display_failed", reason=str(error)), file=sys.stderr)
        return NO_DISPLAY_EXIT
    try:
        return app.run()
    except UserError:
        raise
