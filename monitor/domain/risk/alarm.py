"""An alert on the probability of liquidation (off unless a threshold is set).

It rings once when a pool's probability within the horizon rises to the threshold, and is
re-armed only when the figure falls clearly back (below ARM_AGAIN x the threshold): paths are
random, and a figure hovering at the threshold must not ring on every recompute.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from monitor.domain.risk.probability import Estimate

ARM_AGAIN = 0.8


@dataclass
class ProbabilityAlarm:
    threshold: float | None = None  # e.g. 0.10: ring at a 10 % chance; None: off
    horizon: str = "24h"
    _rung: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.threshold is not None and not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"probability threshold must be in (0, 1], got {self.threshold!r}")

    def rung(self, pool: str) -> bool:
        """Whether `pool`'s alert has rung and not yet re-armed."""
        return pool in self._rung

    def check(self, pool: str, by_horizon: dict[str, Estimate]) -> str | None:
        """The alert text when `pool` (a name the trader knows) just crossed the threshold."""
        estimate = by_horizon.get(self.horizon)
        if self.threshold is None or estimate is None:
            return None
        if estimate.p >= self.threshold:
            if pool in self._rung:
                return None
            self._rung.add(pool)
            return (
                f"{pool}: liquidation within {self.horizon.replace('h', ' h')} "
                f"{estimate.p * 100:.0f} % ± {estimate.error * 100:.0f} % "
                f"(alert at {self.threshold * 100:g} %)"
            )
        if estimate.p < ARM_AGAIN * self.threshold:
            self._rung.discard(pool)
        return None
