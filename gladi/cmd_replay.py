"""``gladi replay``: recompute a saved session from its log and check it matches.

``--watch`` then plays it back in the desktop app (``simulator.screens.playback``):
the trainee's actions marked, speed control, the debrief at the end. With no
screen it says so in one line, like ``gladi rehearse``, and exits 0.
"""

from __future__ import annotations

import argparse
from typing import Any

from i18n import translate

from .cmd_rehearse import NO_DISPLAY_EXIT


def register(subparsers: Any, lang: str) -> None:
    """Add the ``replay`` subcommand."""
    from gladi.cliutil import add_lang

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "replay",
        help=translate("replay.help", lang),
        description=translate("replay.description", lang),
    )
    parser.add_argument(
        "session",
        metavar=translate("report.session_metavar", lang),
        help=translate("report.session_help", lang),
    )
    parser.add_argument("--json", action="store_true", help=translate("replay.json_help", lang))
    parser.add_argument("--watch", action="store_true", help=translate("replay.watch_help", lang))
    parser.add_argument(
        "--speed",
        type=float,
        default=1.0,
        choices=(0.5, 1.0, 2.0, 4.0),
        metavar="0.5|1|2|4",
        help=translate("replay.speed_help", lang),
    )
    add_lang(parser, lang)
    parser.set_defaults(run=run)


def _event_text(event: dict[str, Any] | None, lang: str) -> str:
    if event is None:
        return translate("replay.no_event", lang)
    from debrief.report_text import clock

    return translate(
        "replay.event", lang, type=event.get("type", "?"), time=clock(int(event.get("t", 0)))
    )


def _watch(loaded: Any, lang: str, speed: float) -> bool:
    """Play the session back in the desktop app; False when there is no screen.

    Only a session that replays exactly is shown: a playback of other events
    would mislead, so a mismatch is reported as without ``--watch``.
    """
    import os

    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from simulator.display import has_display

    if not has_display():
        print(translate("desktop.no_display", lang))
        return False
    from simulator.screens.playback import watch

    watch(loaded, lang, speed)
    return True


def run(args: argparse.Namespace) -> int:
    """Replay; exit 0 when events and scorecard match, 1 when they do not."""
    from pathlib import Path

    from debrief.replaycheck import check
    from debrief.session import load
    from gladi.cliutil import lang_of, print_json

    lang = lang_of(args)
    path = Path(args.session)
    loaded = load(path, lang, verify=False)
    result = check(loaded)
    if args.watch and result.matches and not _watch(loaded, lang, args.speed):
        return NO_DISPLAY_EXIT
    if args.json:
        print_json(result.to_json())
        return 0 if result.matches else 1
    if result.first_difference is not None:
        print(
            translate(
                "replay.events_differ",
                lang,
                path=path,
                index=result.first_difference,
                recorded=_event_text(result.recorded_event, lang),
                replayed=_event_text(result.replayed_event, lang),
            )
        )
        return 1
    if result.scorecard_differences:
        print(
            translate(
                "replay.scorecard_differs",
                lang,
                path=path,
                fields=", ".join(result.scorecard_differences),
                stored="—" if result.stored_score is None else result.stored_score,
                score=result.score,
            )
        )
        return 1
    key = "replay.matches" if result.has_scorecard else "replay.matches_no_scorecard"
    print(
        translate(
            key,
            lang,
            path=path,
            events=result.events,
            inputs=result.inputs,
            score=f"{result.score:.1f}",
        )
    )
    return 0
