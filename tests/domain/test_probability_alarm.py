"""The probability alert: off by default, rings once per crossing, re-armed only below 80 %
of its threshold."""

from __future__ import annotations

import pytest

from monitor.domain.risk.alarm import ProbabilityAlarm
from monitor.domain.risk.probability import Estimate


def at(p: float) -> dict[str, Estimate]:
    return {"1h": Estimate(0.0, 0.0), "8h": Estimate(p / 2, 0.01), "24h": Estimate(p, 0.01)}


def test_off_by_default():
    alarm = ProbabilityAlarm()
    assert [alarm.check("demo USDT", at(p)) for p in (0.5, 0.99, 1.0)] == [None, None, None]


def test_rings_once_per_crossing_and_rearms_below_eighty_percent():
    alarm = ProbabilityAlarm(threshold=0.10)
    rings = [alarm.check("demo USDT", at(p)) for p in (0.05, 0.12, 0.15, 0.09, 0.11, 0.07, 0.10)]
    assert rings[:1] + rings[2:6] == [None] * 5
    assert rings[1] == "demo USDT: liquidation within 24 h 12 % ± 1 % (alert at 10 %)"
    assert rings[6] == "demo USDT: liquidation within 24 h 10 % ± 1 % (alert at 10 %)"
    # Pools ring on their own.
    assert alarm.check("demo USDC", at(0.2)) is not None


def test_unknown_never_rings_and_a_bad_threshold_is_named():
    assert ProbabilityAlarm(threshold=0.1).check("demo", {}) is None
    with pytest.raises(ValueError, match="probability threshold"):
        ProbabilityAlarm(threshold=10.0)
