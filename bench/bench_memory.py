"""Benchmark: does the desktop app fit a modest laptop? Memory in a busy live, and start time.

* ``rss``: ``gladi rehearse --bench SECONDS`` — the live screen of ``serbuan-troll``
  reshaped to ~50 comments a second, 400 viewers, the synthetic camera with face
  detection on its thread (simulator/bench.py) — in a child process whose resident
  memory is read from ``/proc/<pid>/status`` five times a second (Linux). Prints the
  peak and the median over the run. ``--app dist/Gladi/Gladi`` measures the built
  app instead of ``python -m gladi``.
* ``start``: from launching ``gladi`` with no arguments to the home screen's first
  frame on the screen (SDL's dummy driver), median of ``--runs`` launches. The child
  is this script, which wraps ``App.step`` to report the first frame and stop; the
  clock runs from just before the launch, so interpreter start-up and every import
  count. The disk cache is warm after the first run (the median hides the first).

Run:  uv run python bench/bench_memory.py rss --seconds 30
      uv run python bench/bench_memory.py rss --seconds 30 --app dist/Gladi/Gladi
      uv run python bench/bench_memory.py start --runs 5
Goals (issue 17): at most 400 MB resident; home screen within 3 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from gladi.cli import main as gladi_main  # noqa: E402
from simulator.app import App  # noqa: E402

HOME_MARK = "HOME-SCREEN"


def _environment(data: Path) -> dict[str, str]:
    return {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy",
            "GLADI_DATA_DIR": str(data), "PYGAME_HIDE_SUPPORT_PROMPT": "1"}


def _rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def measure_rss(command: list[str], seconds: float) -> tuple[float, float, str]:
    """Peak and median resident MB of ``command … rehearse --bench``, and its output."""
    samples: list[float] = []
    with tempfile.TemporaryDirectory() as data:
        child = subprocess.Popen([*command, "rehearse", "--bench", f"{seconds:g}"],
                                 env=_environment(Path(data)), stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True)
        done = threading.Event()

        def poll() -> None:
            while not done.wait(0.2):
                rss = _rss_mb(child.pid)
                if rss is not None:
                    samples.append(rss)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        output, _ = child.communicate()
        done.set()
        poller.join()
    if child.returncode != 0 or not samples:
        raise SystemExit(f"the benchmark failed ({child.returncode}):\n{output}")
    return max(samples), statistics.median(samples), output.strip()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure_start(runs: int) -> tuple[list[float], list[float]]:
    """Seconds from launch to the home screen's first frame, and the CPU seconds of
    each whole run (less sensitive than wall time to other work on the machine)."""
    times: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as data:
            before = _children_cpu()
            started = time.time()
            done = subprocess.run([sys.executable, __file__, "--home-child"],
                                  env=_environment(Path(data)), capture_output=True,
                                  text=True, check=True)
            cpu.append(_children_cpu() - before)
        mark = next(line for line in done.stdout.splitlines() if line.startswith(HOME_MARK))
        times.append(float(mark.split()[1]) - started)
    return times, cpu


def home_child() -> int:
    """Open the app as ``gladi`` with no arguments does; stop after the first frame."""
    step = App.step

    def first_frame(self: App) -> None:
        step(self)
        if self.top is not None:
            print(HOME_MARK, time.time(), flush=True)
            self.running = False

    App.step = first_frame  # type: ignore[method-assign]
    return gladi_main([])


def main() -> int:
    if sys.argv[1:] == ["--home-child"]:
        return home_child()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("what", choices=("rss", "start"))
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--app", type=Path, default=None,
                        help="a built app (dist/Gladi/Gladi) instead of python -m gladi")
    args = parser.parse_args()
    if args.what == "rss":
        command = [str(args.app)] if args.app else [sys.executable, "-m", "gladi"]
        peak, median, output = measure_rss(command, args.seconds)
        print(output)
        print(f"resident memory: peak {peak:.0f} MB, median {median:.0f} MB "
              f"({' '.join(command)}, {args.seconds:g} s)")
    else:
        times, cpu = measure_start(args.runs)
        print("home screen after " + ", ".join(f"{t:.2f}" for t in times)
              + f" s; median {statistics.median(times):.2f} s "
              f"(CPU per run, median {statistics.median(cpu):.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
