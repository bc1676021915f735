"""``gladi check``: pre-flight checks of camera, microphone and network.

Prints a table (or, with ``--json``, one JSON document) of every check with a
plain-language hint, and exits 0 when nothing fails, 1 when a check fails
(with ``--strict``, also when one warns), 2 for bad input.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
from typing import Any

from debrief.errors import UserError
from i18n import translate
from media.text import check_hint, check_json, check_label, check_value, source_text

from .cliutil import print_json

__all__ = ["register", "run"]

LEVEL_MARKS = {"ok": "✓", "warn": "!", "fail": "✗", "skip": "·"}


def register(subparsers: Any, lang: str) -> None:
    """Add the ``check`` subcommand."""
    parser = subparsers.add_parser(
        "check",
        help=translate("check.cli_help", lang),
        description=translate("check.cli_description", lang),
    )
    parser.add_argument(
        "--camera",
        metavar=translate("check.cli_camera_metavar", lang),
        help=translate("check.cli_camera_help", lang),
    )
    parser.add_argument(
        "--mic",
        metavar=translate("check.cli_mic_metavar", lang),
        help=translate("check.cli_mic_help", lang),
    )
    parser.add_argument("--server", metavar="URL", help=translate("check.cli_server_help", lang))
    parser.add_argument(
        "--no-camera", action="store_true", help=translate("check.cli_no_camera_help", lang)
    )
    parser.add_argument(
        "--no-mic", action="store_true", help=translate("check.cli_no_mic_help", lang)
    )
    parser.add_argument(
        "--strict", action="store_true", help=translate("check.cli_strict_help", lang)
    )
    parser.add_argument("--json", action="store_true", help=translate("check.cli_json_help", lang))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the checks the arguments ask for; return the exit status."""
    # Imported here so that other subcommands never pay for OpenCV.
    from media.camera import open_camera
    from media.faces import FaceDetectorUnavailable, HaarFaceDetector
    from media.microphone import open_microphone
    from media.net_probe import normalise_url, probe_sync
    from media.network import network_checks
    from media.preflight import camera_checks, microphone_results, sample_camera, sample_mic
    from media.results import CheckResult, failing, overall
    from media.sources import Notice, SourceError

    lang = args.lang
    sections: list[tuple[str, list[CheckResult]]] = []
    sources: dict[str, str] = {}
    notices: list[Notice] = []
    try:
        # Validate everything the user typed before spending time on devices.
        server = normalise_url(args.server) if args.server else None
        if not args.no_camera:
            camera, found = open_camera(args.camera)
            notices += found
            try:
                detector = HaarFaceDetector()
                observations = sample_camera(camera, detector)
                notices += getattr(camera, "notices", [])
                sources["camera"] = source_text(camera.describe(), lang)
            finally:
                camera.close()
            sections.append(("camera", camera_checks(observations)))
        if not args.no_mic:
            mic, found = open_microphone(args.mic)
            notices += found
            try:
                if mic.live:
                    print(
                        translate("check.speak_now", lang, seconds=4), file=sys.stderr, flush=True
                    )
                samples = sample_mic(mic)
                notices += getattr(mic, "notices", [])
                sources["microphone"] = source_text(mic.describe(), lang)
                rate = mic.sample_rate
            finally:
                mic.close()
            sections.append(("microphone", microphone_results(samples, rate)))
        if server is not None:
            sources["network"] = server
            sections.append(("network", network_checks(probe_sync(server))))
    except SourceError as error:
        raise UserError(source_text(error, lang)) from error
    except FaceDetectorUnavailable as error:
        raise UserError(translate("check.detector_missing", lang, reason=str(error))) from error

    results = [r for _, section in sections for r in section]
    failed = failing(results, strict=args.strict)
    status = 1 if failed else 0
    if args.json:
        document = {
            "status": overall(results).value,
            "exit_code": status,
            "strict": bool(args.strict),
            "language": lang,
            "sources": sources,
            "notices": [source_text(n, lang) for n in notices],
            "sections": {
                name: [check_json(r, lang) for r in section] for name, section in sections
            },
        }
        print_json(document)
    else:
        print(render_table(sections, sources, [source_text(n, lang) for n in notices], lang))
        verdict = (
            "summary_fail"
            if failed
            else ("summary_warn" if overall(results).value == "warn" else "summary_ok")
        )
        print(translate(f"check.{verdict}", lang))
    return status


def render_table(
    sections: list[tuple[str, list[Any]]], sources: dict[str, str], notices: list[str], lang: str
) -> str:
    """A plain-text report: sources, notices, then one table per section."""
    width = max(60, min(120, shutil.get_terminal_size((100, 24)).columns))
    lines = [translate("check.report_title", lang), ""]
    for name, text in sources.items():
        lines.append(f"{translate(f'check.section_{name}', lang)}: {text}")
    for notice in notices:
        lines.extend(textwrap.wrap(f"* {notice}", width, subsequent_indent="  "))
    headers = (
        translate("check.col_check", lang),
        translate("check.col_result", lang),
        translate("check.col_value", lang),
        translate("check.col_hint", lang),
    )
    for name, results in sections:
        rows = [
            (
                check_label(r, lang),
                f"{LEVEL_MARKS[r.level.value]} {translate(f'check.result_{r.level.value}', lang)}",
                check_value(r, lang),
                check_hint(r, lang),
            )
            for r in results
        ]
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers[:3])]
        hint_width = max(20, width - sum(widths) - 6)
        lines += ["", f"== {translate(f'check.section_{name}', lang)} =="]
        lines.append(
            "  ".join(h.ljust(w) for h, w in zip(headers[:3], widths, strict=True))
            + "  "
            + headers[3]
        )
        lines.append("  ".join("-" * w for w in widths) + "  " + "-" * min(hint_width, 40))
        for row in rows:
            wrapped = textwrap.wrap(row[3], hint_width) or [""]
            cells = "  ".join(c.ljust(w) for c, w in zip(row[:3], widths, strict=True))
            lines.append(f"{cells}  {wrapped[0]}")
            pad = " " * (sum(widths) + 2 * len(widths))
            lines.extend(pad + more for more in wrapped[1:])
    lines.append("")
    return "\n".join(lines)
