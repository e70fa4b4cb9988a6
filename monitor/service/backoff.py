"""Retry delays after a failed poll: exponential with full jitter, Retry-After honoured."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    base: float = 1.0  # first retry after about this long
    cap: float = 300.0  # never wait longer than five minutes between tries
    factor: float = 2.0

    def delay(
        self, failures: int, retry_after: float | None = None, rng: random.Random | None = None
    ) -> float:
        """Seconds to wait after the `failures`-th consecutive failure (1-based).

        Jitter spreads many accounts' retries so they do not hit a recovering exchange at once;
        a server's Retry-After is a floor, never shortened by jitter.
        """
        rng = rng or random.Random()
        ceiling = min(self.cap, self.base * self.factor ** max(0, failures - 1))
        delay = ceiling * (0.5 + 0.5 * rng.random())
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, max(self.cap, retry_after or 0.0))
