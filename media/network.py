"""Network quality in bands: round-trip time, jitter and loss (pure functions).

Bands from research §4.1, "suggested trainer bands" for a phone-like
720×1280@30 stream: green RTT < 150 ms, loss < 2 %, jitter < 30 ms; yellow
RTT 150-300 ms, loss 2-5 % (Jitsi's "video tearing" band); red RTT > 300 ms or
loss > 5 %. For jitter the red line is the 50 ms of a conservative Asian
pre-flight the research found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .results import CheckResult, Level

__all__ = ["NetworkLimits", "NetworkStats", "network_checks", "summarise_rtts"]


@dataclass(frozen=True, slots=True)
class NetworkLimits:
    rtt_warn_ms: float = 150.0
    rtt_fail_ms: float = 300.0
    jitter_warn_ms: float = 30.0
    jitter_fail_ms: float = 50.0
    loss_warn: float = 0.02
    loss_fail: float = 0.05


@dataclass(frozen=True, slots=True)
class NetworkStats:
    """The outcome of a probe. ``reachable`` is False when no connection was made at all."""

    sent: int
    received: int
    rtt_ms: float | None
    jitter_ms: float | None
    reachable: bool = True

    @property
    def loss(self) -> float:
        return 1.0 - self.received / self.sent if self.sent else 1.0


def summarise_rtts(rtts_ms: Sequence[float | None]) -> NetworkStats:
    """Median RTT, jitter (mean absolute difference of successive RTTs, as RFC 3550
    smooths it) and loss from per-probe results; ``None`` marks a lost probe."""
    answered = [r for r in rtts_ms if r is not None]
    if not answered:
        return NetworkStats(len(rtts_ms), 0, None, None)
    rtt = float(np.median(answered))
    jitter = float(np.mean(np.abs(np.diff(answered)))) if len(answered) > 1 else 0.0
    return NetworkStats(len(rtts_ms), len(answered), rtt, jitter)


def _band(value: float, warn: float, fail: float) -> Level:
    if value > fail:
        return Level.FAIL
    if value >= warn:
        return Level.WARN
    return Level.OK


def network_checks(
    stats: NetworkStats, limits: NetworkLimits = NetworkLimits()
) -> list[CheckResult]:
    """Three results: round-trip time, jitter and loss."""
    if not stats.reachable:
        return [CheckResult.make("server", Level.FAIL, None, "", "server_unreachable")]
    loss_percent = round(100 * stats.loss, 1)
    loss_level = _band(stats.loss, limits.loss_warn, limits.loss_fail)
    results = []
    if stats.rtt_ms is None:
        results.append(CheckResult.make("rtt", Level.FAIL, None, "ms", "no_answer"))
        results.append(CheckResult.make("jitter", Level.SKIP, None, "ms", "no_answer"))
    else:
        rtt_level = _band(stats.rtt_ms, limits.rtt_warn_ms, limits.rtt_fail_ms)
        results.append(
            CheckResult.make(
                "rtt",
                rtt_level,
                round(stats.rtt_ms, 1),
                "ms",
                "rtt_ok" if rtt_level is Level.OK else "slow_network",
            )
        )
        jitter = stats.jitter_ms or 0.0
        jitter_level = _band(jitter, limits.jitter_warn_ms, limits.jitter_fail_ms)
        results.append(
            CheckResult.make(
                "jitter",
                jitter_level,
                round(jitter, 1),
                "ms",
                "jitter_ok" if jitter_level is Level.OK else "unstable_network",
            )
        )
    results.append(
        CheckResult.make(
            "loss",
            loss_level,
            loss_percent,
            "%",
            "loss_ok" if loss_level is Level.OK else "lossy_network",
        )
    )
    return results
