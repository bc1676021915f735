"""``gladi replay``: recompute a saved session from its log and check it matches.

``--watch`` then plays it back in the desktop app (``simulator.desktop.playback``):
the trainee's actions marked, speed control, the debrief at the end. With no
screen it says so in one line, like ``gladi rehearse``, and exits 0.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from .cmd_rehearse import NO_DISPLAY_EXIT
from .i18n import t


def register(subparsers: Any) -> None:
    """Add the ``replay`` subcommand."""
    from debrief.cliutil import add_lang

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "replay", help=t("replay.help"), description=t("replay.description"))
    parser.add_argument("session", metavar=t("report.session_metavar"),
                        help=t("report.session_help"))
    parser.add_argument("--json", action="store_true", help=t("replay.json_help"))
    parser.add_argument("--watch", action="store_true", help=t("replay.watch_help"))
    parser.add_argument("--speed", type=float, default=1.0, choices=(0.5, 1.0, 2.0, 4.0),
                        metavar="0.5|1|2|4", help=t("replay.speed_help"))
    add_lang(parser)
    parser.set_defaults(run=run)


def _event_text(event: dict[str, Any] | None, lang: str) -> str:
    if event is None:
        return t("replay.no_event", lang)
    from .report_text import clock

    return t("replay.event", lang, type=event.get("type", "?"), time=clock(int(event.get("t", 0))))


def _watch(loaded: Any, lang: str, speed: float) -> bool:
    """Play the session back in the desktop app; False when there is no screen.

    Only a session that replays exactly is shown: a playback of other events
    would mislead, so a mismatch is reported as without ``--watch``.
    """
    import os

    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from simulator.desktop.display import has_display

    if not has_display():
        print(t("desktop.no_display", lang))
        return False
    from simulator.desktop.playback import watch

    watch(loaded, lang, speed)
    return True


def run(args: argparse.Namespace) -> int:
    """Replay; exit 0 when events and scorecard match, 1 when they do not."""
    from pathlib import Path

    from debrief.cliutil import lang_of
    from debrief.replaycheck import check
    from debrief.session import load

    lang = lang_of(args)
    path = Path(args.session)
    loaded = load(path, lang, verify=False)
    result = check(loaded)
    if args.watch and result.matches and not _watch(loaded, lang, args.speed):
        return NO_DISPLAY_EXIT
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return 0 if result.matches else 1
    if result.first_difference is not None:
        print(t("replay.events_differ", lang, path=path, index=result.first_difference,
                recorded=_event_text(result.recorded_event, lang),
                replayed=_event_text(result.replayed_event, lang)))
        return 1
    if result.scorecard_differences:
        print(t("replay.scorecard_differs", lang, path=path,
                fields=", ".join(result.scorecard_differences),
                stored="—" if result.stored_score is None else result.stored_score,
                score=result.score))
        return 1
    key = "replay.matches" if result.has_scorecard else "replay.matches_no_scorecard"
    print(t(key, lang, path=path, events=result.events, inputs=result.inputs,
            score=f"{result.score:.1f}"))
    return 0
