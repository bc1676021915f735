"""Benchmark: time to the host's first picture on phones, clean LAN against crowded hotspot.

The drill server runs in its own network namespace, the host's phone (Chromium's fake
camera) and the seats' phone (one Chromium, default WebRTC settings, 360×740 pages) in
others, joined through the hotspot bed of tests/netbed.py. For each profile a fresh bed
and server: the host goes live, ``--seats`` seats join one after another, the trainer's
console opens, and every page is sampled once a second for ``--watch`` seconds.

Printed per round and profile: first picture after asking to join (median and p95 over
the seats, ms) and the share of 1-s samples in which the video played; then, over the
rounds, the medians and the ratio crowded hotspot ÷ clean LAN of the first-picture
medians (the clean LAN of the same run is the baseline). Needs root (namespaces).

Run:  uv run python bench/bench_field_video.py --rounds 3    (about four minutes)
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.netbed import CLEAN_LAN, CROWDED_HOTSPOT, Profile, unavailable  # noqa: E402
from tests.server.field import Watched, field, host_goes_live, seats_watch  # noqa: E402


async def one(profile: Profile, seats: int, watch: int) -> Watched:
    with tempfile.TemporaryDirectory() as data:
        async with field(Path(data), profile, phones=2) as f:
            await host_goes_live(f)
            trainer = await f.trainer()
            await trainer.send(type="control", command="start")
            watched = await seats_watch(f, seats, watch)
            await trainer.close()
            return watched


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seats", type=int, default=5)
    parser.add_argument("--watch", type=int, default=20, help="seconds of sampling")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    why = unavailable()
    if why is not None:
        sys.exit(f"cannot build the hotspot bed: {why}")
    medians: dict[str, list[float]] = {CLEAN_LAN.name: [], CROWDED_HOTSPOT.name: []}
    for round_no in range(1, args.rounds + 1):
        for profile in (CLEAN_LAN, CROWDED_HOTSPOT):
            watched = asyncio.run(one(profile, args.seats, args.watch))
            firsts = watched.first_picture_ms
            played = sum(watched.plays) / (len(watched.plays) * args.watch)
            medians[profile.name].append(statistics.median(firsts))
            print(f"round {round_no} {profile.name:16} first picture median "
                  f"{statistics.median(firsts):6.0f} ms  p95 {p95(firsts):6.0f} ms  "
                  f"playing {played:6.1%} of samples (console {watched.console_plays}/"
                  f"{args.watch})", flush=True)
    clean = statistics.median(medians[CLEAN_LAN.name])
    crowded = statistics.median(medians[CROWDED_HOTSPOT.name])
    print(f"median over {args.rounds} round(s): clean LAN {clean:.0f} ms, crowded hotspot "
          f"{crowded:.0f} ms, ratio {crowded / clean:.2f}")


if __name__ == "__main__":
    main()
