"""A per-account request budget for the dispatch endpoint (token bucket on the loop's clock)."""

from __future__ import annotations

from dataclasses import dataclass
import math
import time

# FPP sends a handful of requests per event; a burst of this many, then this many a second.
BURST = 600
PER_SECOND = 60.0


@dataclass(slots=True)
class RequestBudget:
    """Authenticated requests one account may make; the rest are answered 429."""

    burst: int = BURST
    per_second: float = PER_SECOND
    _tokens: float = BURST
    _at: float = -1.0

    def take(self, now: float | None = None) -> float | None:
        """Spend one request; return None when allowed, else seconds until one is."""
        now = time.monotonic() if now is None else now
        if self._at >= 0:
            self._tokens = min(
                self.burst, self._tokens + (now - self._at) * self.per_second
            )
        else:
            self._tokens = self.burst
        self._at = now
        if self._tokens >= 1:
            self._tokens -= 1
            return None
        return (1 - self._tokens) / self.per_second


def retry_after_header(wait_s: float) -> str:
    """Whole seconds, at least one (``Retry-After`` takes an integer)."""
    return str(max(1, math.ceil(wait_s)))
