"""Benchmark: how much faster than real time the session engine runs.

A 60-minute live growing to 10,000 viewers with chat peaking at 100 comments
per second, played by the ``perfect`` autopilot (which acts on every harmful
comment), then judged. Prints simulated seconds per wall-clock second.

Machines here are noisy, so the run also times a baseline in the same process:
constructing every event of the run once more from its fields, the least any
engine producing these events must do. The ratio engine/baseline is the figure
to compare across machines.

Run on one core:  taskset -c 0 uv run python bench/bench_engine.py
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gladi.batch import paused_gc  # noqa: E402
from moderation.autopilot import make_autopilot, run  # noqa: E402
from moderation.content import ContentIndex  # noqa: E402
from moderation.engine import Session  # noqa: E402
from moderation.events import Event  # noqa: E402
from moderation.judge import judge  # noqa: E402
from scenarios import load_content, load_economy, load_scenario  # noqa: E402


def play(seed: int, autopilot: str, pause_gc: bool) -> tuple[float, float, Session]:
    """Play and judge one session; return (play seconds, judge seconds, session)."""
    scenario = load_scenario(ROOT / "bench" / "scenarios" / "bench-60min.yaml")
    content = ContentIndex(load_content(scenario), scenario.topic)
    session = Session(scenario, content, load_economy(), seed)
    gc.collect()
    with paused_gc() if pause_gc else contextlib.nullcontext():
        started = time.perf_counter()
        run(session, make_autopilot(autopilot, session))
        played = time.perf_counter()
        judge(scenario, content.by_id, session.events)
        judged = time.perf_counter()
    return played - started, judged - played, session


def baseline(events: Sequence[Event]) -> float:
    """Time to build the same events again from their fields, and keep them."""
    fields = [(type(e), tuple(e)) for e in events]
    kept: list[Event] = []
    started = time.perf_counter()
    for cls, values in fields:
        kept.append(cls(*values))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--autopilot", default="perfect")
    parser.add_argument("--with-gc", action="store_true",
                        help="keep the cyclic garbage collector on (gladi simulate pauses it)")
    args = parser.parse_args()

    plays, judges, ratios = [], [], []
    session = None
    for seed in range(1, args.runs + 1):
        session = None  # free the last run's session first: each run starts alike
        played, judged, session = play(seed, args.autopilot, not args.with_gc)
        with paused_gc():
            base = baseline(session.events)
        plays.append(played)
        judges.append(judged)
        ratios.append(played / base)
        print(f"run {seed}: play {played:.2f} s, judge {judged:.2f} s, "
              f"{len(session.events)} events, baseline {base:.3f} s", flush=True)
    assert session is not None
    duration = session.duration / 1000
    comments = sum(1 for e in session.events if e.type == "comment")
    applied = sum(1 for e in session.events if e.type == "applied")
    peak = max(len([1 for e in session.events if e.type == "comment" and e.t // 1000 == s])
               for s in range(0, int(duration), 60))
    print(f"scenario: {duration / 60:.0f} simulated minutes, peak viewers "
          f"{session.scenario.audience.peak_viewers}, {comments} comments "
          f"(busiest sampled second: {peak}), {applied} actions applied")
    print(f"simulated s per wall s (play only), median: {duration / statistics.median(plays):.0f}x")
    totals = [p + j for p, j in zip(plays, judges, strict=True)]
    print(f"simulated s per wall s (play + judge), median: "
          f"{duration / statistics.median(totals):.0f}x")
    print(f"engine (play) / event-construction baseline, median: "
          f"{statistics.median(ratios):.1f}")


if __name__ == "__main__":
    main()
