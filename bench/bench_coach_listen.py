"""What the live coach costs per 20 ms of the host's voice, and what measuring it at 48 kHz added.

    uv run python bench/bench_coach_listen.py [--runs 2000] [--cpu N]

The drill server hands every audio frame the host sends (48 kHz 16-bit stereo, as aiortc
decodes Opus) to ``LiveCoach.listen`` on the event loop. Since issue 23 the coach measures
the frame at its own rate (levels, sample peak, BS.1770-4 true peak, the voice detector)
instead of resampling it to 16 kHz first, so that a clipped voice never reads above full
scale. The baseline, timed in the same run and interleaved, is that former path: PyAV's
resampler to 16 kHz mono, then the same meter at 16 kHz. Printed: medians in µs per frame,
the ratio, and the share of one core a host's voice takes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from av.audio.frame import AudioFrame
from av.audio.resampler import AudioResampler

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from media.audio_levels import TruePeak  # noqa: E402
from media.mic_checks import AudioMeter  # noqa: E402
from media.recordings import read_audio  # noqa: E402
from server.video.coaching import LiveCoach  # noqa: E402

RATE = 48_000
FRAME = 960


def decoded_frames(seconds: float = 4.0) -> list[AudioFrame]:
    """The speech fixture as aiortc's Opus decoder hands it over: 48 kHz s16 stereo, 20 ms."""
    speech, rate = read_audio(ROOT / "tests" / "media" / "fixtures" / "speech_good.wav", 60.0)
    up = np.interp(np.arange(int(seconds * RATE)) * rate / RATE, np.arange(speech.size),
                   np.resize(speech, speech.size))
    pcm = np.clip(np.round(up * 32767), -32768, 32767).astype(np.int16)
    frames = []
    for i in range(0, pcm.size - FRAME + 1, FRAME):
        frame = AudioFrame.from_ndarray(np.repeat(pcm[i:i + FRAME], 2).reshape(1, -1),
                                        format="s16", layout="stereo")
        frame.sample_rate = RATE
        frames.append(frame)
    return frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--cpu", type=int, default=None, help="CPU to pin to (Linux)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        cpu = args.cpu if args.cpu is not None else max(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
    frames = decoded_frames()
    coach = LiveCoach(None)
    resampler = AudioResampler(format="flt", layout="mono", rate=16_000)
    meter16 = AudioMeter(16_000, seconds=6.0)
    peak = TruePeak()
    mono = [f.to_ndarray().reshape(-1, 2).mean(axis=1).astype(np.float32) / 32768 for f in frames]

    def former(frame: AudioFrame) -> None:
        for chunk in resampler.resample(frame):
            meter16.feed(chunk.to_ndarray().reshape(-1).astype(np.float32, copy=False))

    now, before, tp = [], [], []
    for run in range(args.runs + 50):
        i = run % len(frames)
        t0 = time.perf_counter_ns()
        coach.listen(frames[i])
        t1 = time.perf_counter_ns()
        former(frames[i])
        t2 = time.perf_counter_ns()
        peak.measure(mono[i])
        t3 = time.perf_counter_ns()
        if run >= 50:  # warm-up
            now.append((t1 - t0) / 1000)
            before.append((t2 - t1) / 1000)
            tp.append((t3 - t2) / 1000)
    new, old, true_peak = (statistics.median(x) for x in (now, before, tp))
    print(f"runs: {args.runs} frames of 20 ms, one core, interleaved")
    print(f"baseline: resample to 16 kHz + 16 kHz meter  {old:8.1f} µs/frame")
    print(f"LiveCoach.listen at 48 kHz (as decoded)       {new:8.1f} µs/frame"
          f"  ({new / old:.2f}× baseline)")
    print(f"  of which BS.1770-4 true peak               {true_peak:8.1f} µs/frame")
    print(f"one host's voice: {new / 20_000 * 100:.2f} % of one core")


if __name__ == "__main__":
    main()
