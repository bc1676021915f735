"""Benchmark the pre-flight checks on one core and print the figures.

    uv run python bench/bench_checks.py            # plain text
    uv run python bench/bench_checks.py --markdown # the docs/benchmarks.md section

Budgets (issue "gladi check"): all camera checks on a 640×480 frame, median
≤ 5 ms on one core; audio checks on a 20 ms block, median ≤ 1 ms. The face
detector runs on its own thread at a few Hz (media/face_worker.py), so it is
timed separately, and must sustain ≥ 4 detections a second.

Machines are noisy, so each figure is printed beside a trivial baseline timed
in the same run (an OpenCV BGR→grey conversion of the same frame; a NumPy dot
product of the same block) and as a multiple of it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from media.face_worker import FaceTracker  # noqa: E402
from media.faces import HaarFaceDetector  # noqa: E402
from media.frame import u8  # noqa: E402
from media.mic_checks import AudioMeter, mic_checks  # noqa: E402
from media.preflight import camera_checks, observe  # noqa: E402
from media.recordings import read_audio  # noqa: E402

FIXTURES = ROOT / "tests" / "media" / "fixtures"


def pin_to_one_core(cpu: int | None) -> str:
    """Run on one core: one OpenCV thread, and CPU affinity where the OS allows it.

    By default the last CPU this process may use: on a shared machine another
    job busy on the pinned CPU doubles the long timings (seen here: a full
    face scan took 70 ms on a busy CPU 0 and 34 ms on CPU 1 in the same minute).
    """
    cv2.setNumThreads(1)
    if hasattr(os, "sched_setaffinity"):
        chosen = cpu if cpu is not None else max(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {chosen})
        return f"1 OpenCV thread, pinned to CPU {chosen}"
    return "1 OpenCV thread"


def median_ms(fn: Callable[[], object], runs: int, warmup: int = 5) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def feeder(meter: AudioMeter, blocks: list[np.ndarray]) -> Callable[[], None]:
    """Feed the next 20 ms block of a recording to ``meter`` on every call (looping)."""
    position = 0

    def feed_one() -> None:
        nonlocal position
        meter.feed(blocks[position % len(blocks)])
        position += 1

    return feed_one


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--markdown", action="store_true", help="print the docs section")
    parser.add_argument("--cpu", type=int, default=None, help="CPU to pin to (Linux)")
    args = parser.parse_args()
    pinning = pin_to_one_core(args.cpu)
    runs = args.runs

    frame = u8(cv2.imread(str(FIXTURES / "obama_good.jpg")))
    assert frame.shape == (480, 640, 3)
    detector = HaarFaceDetector()
    faces = detector.detect(frame)
    assert len(faces) == 1

    # Camera: every check on one frame, given the face the worker last found.
    baseline_frame = median_ms(lambda: cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), runs)
    checks = median_ms(lambda: camera_checks([observe(frame, faces)]), runs)
    faceless = u8(cv2.imread(str(FIXTURES / "empty_office.jpg")))
    checks_noface = median_ms(lambda: camera_checks([observe(faceless, [])]), runs)
    # Face detection (worker thread).
    full = median_ms(lambda: detector.detect(frame), max(20, runs // 10))
    near = median_ms(lambda: detector.detect(frame, near=faces[0]), max(20, runs // 5))
    tracker = FaceTracker(detector, full_scan_every=5)
    tracked = median_ms(lambda: tracker.step(frame), max(25, runs // 5))
    steady = (full + 4 * near) / 5  # one full scan in every five detections

    # Audio: one 20 ms block through the meter (levels, clipping, voice detector).
    speech, rate = read_audio(FIXTURES / "speech_good.wav", 60.0)
    audio = {}
    for sr in (16_000, 48_000):
        signal = (
            speech
            if sr == rate
            else np.interp(
                np.arange(speech.size * sr // rate) / sr, np.arange(speech.size) / rate, speech
            ).astype(np.float32)
        )
        meter = AudioMeter(sr)
        n = meter.frame_size
        blocks = [signal[i : i + n] for i in range(0, signal.size - n, n)]
        block0 = blocks[0]

        def dot(b: np.ndarray = block0) -> float:
            return float(np.dot(b, b))

        audio[sr] = (
            median_ms(dot, runs * 3),
            median_ms(feeder(meter, blocks), runs * 3),
            n,
        )
    window_meter = AudioMeter(rate, seconds=10.0)
    window_meter.feed(np.tile(speech, 3)[: 10 * rate])
    window = window_meter.window()
    verdict = median_ms(lambda: mic_checks(window), runs)

    machine = f"{os.cpu_count()} cores, {cpu_model()}"
    rows: list[tuple[str, str, float, float | None]] = [
        ("camera", "baseline: cv2.cvtColor BGR→GRAY, 640×480", baseline_frame, None),
        ("camera", "all camera checks, 640×480, face known (budget 5 ms)", checks, baseline_frame),
        ("camera", "all camera checks, 640×480, no face", checks_noface, baseline_frame),
        ("face", "Haar full scan (320×240 copy, 2 cascades)", full, baseline_frame),
        ("face", "Haar search near the last face", near, baseline_frame),
        ("face", "tracker step, measured (1 full scan in 5)", tracked, baseline_frame),
        ("face", "tracker, steady state (full + 4 near) / 5", steady, baseline_frame),
    ]
    for sr, (base, fed, n) in audio.items():
        rows.append(
            ("audio", f"baseline: np.dot on a 20 ms block ({sr // 1000} kHz, {n})", base, None)
        )
        rows.append(
            ("audio", f"audio checks on a 20 ms block at {sr // 1000} kHz (budget 1 ms)", fed, base)
        )
    rows.append(("audio", "verdicts over a 10 s window (once per refresh)", verdict, None))

    rates = (1000 / full, 1000 / steady)
    if args.markdown:
        print("## Pre-flight checks\n")
        print(
            "Command: `uv run python bench/bench_checks.py` "
            f"({pinning}; median of {runs} runs, face scans fewer).  "
        )
        print(
            f"Machine: {machine}; Python {platform.python_version()}, "
            f"OpenCV {cv2.__version__}, NumPy {np.__version__}.\n"
        )
        print("| what | median | × baseline |")
        print("|---|---|---|")
        for _, name, ms, ref in rows:
            ratio = f"{ms / ref:.0f}×" if ref else "—"
            print(f"| {name} | {ms:.3f} ms | {ratio} |")
        print(
            f"\nFace detection on one core: {rates[0]:.0f} full scans/s, "
            f"{rates[1]:.0f} detections/s tracking; the worker runs it at most 5/s."
        )
        return
    print(f"machine: {machine}")
    print(f"python {platform.python_version()}, opencv {cv2.__version__}, numpy {np.__version__}")
    print(f"{pinning}; medians of {runs} runs (face scans: fewer)\n")
    for group, name, ms, ref in rows:
        ratio = f"  ({ms / ref:.0f}× baseline)" if ref else ""
        print(f"{group:7s}{name:62s}{ms:9.3f} ms{ratio}")
    print(
        f"\nface detection on one core: {rates[0]:.1f} full scans/s, "
        f"{rates[1]:.1f} detections/s when tracking (needs ≥ 4)"
    )
    ok_camera = checks <= 5.0
    ok_audio = all(fed <= 1.0 for _, fed, _ in audio.values())
    ok_face = rates[0] >= 4.0
    print(
        f"budgets: camera {'met' if ok_camera else 'MISSED'}, "
        f"audio {'met' if ok_audio else 'MISSED'}, face ≥ 4 Hz {'met' if ok_face else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
