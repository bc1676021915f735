"""How many messages a connection may send: a token bucket per seat (or per connection)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RateLimit"]


@dataclass(slots=True)
class RateLimit:
    """A token bucket: ``rate`` messages a second, bursts up to ``burst``."""

    rate: float
    burst: float
    tokens: float = 0.0
    last: float = 0.0

    def allow(self, now: float) -> bool:
        if self.last == 0.0:
            self.tokens, self.last = self.burst, now
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False
