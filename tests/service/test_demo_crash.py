"""The demo crash a new user plays from the window: warning, critical and liquidation of the
demo book's cross pool within a minute, by the simulated venue's own rules, then a recovery."""

from __future__ import annotations

import pytest

from monitor.service.demo import play_demo_crash
from monitor.sources.sim.venue import DEMO_CREDENTIALS, SimVenue

KEY = DEMO_CREDENTIALS.api_key


def _liquidating_fall(venue: SimVenue) -> float | None:
    """The uniform fall that liquidates the cross pool now (the venue's figure); None: past it."""
    try:
        return 1.0 - venue.factor_for_health(KEY, 1.0)
    except ValueError:
        return None


def test_the_demo_crash_rings_every_level_within_a_minute_then_recovers() -> None:
    venue = SimVenue(seed=4)
    start = venue.reported(KEY).pool("USDT").health
    length = play_demo_crash(venue, KEY)
    firsts: dict[str, float] = {}
    for second in range(1, int(length) + 2):
        venue.step(1.0)  # the venue's clock only: no waiting
        fall = _liquidating_fall(venue)
        if fall is not None and fall <= 0.03:
            firsts.setdefault("warning", second)
        if fall is not None and fall <= 0.01:
            firsts.setdefault("critical", second)
        if fall is None:
            firsts.setdefault("liquidation", second)
    assert list(firsts) == ["warning", "critical", "liquidation"], firsts
    assert firsts["critical"] - firsts["warning"] >= 10  # time to read the warning
    assert firsts["liquidation"] - firsts["critical"] >= 8  # the margin to act
    assert firsts["liquidation"] <= 60
    # After the script the marks are back where they started: the pool is healthy again.
    assert abs(venue.reported(KEY).pool("USDT").health / start - 1) < 0.02
    assert not venue.crash_playing


def test_no_crash_plays_on_a_pool_already_past_liquidation() -> None:
    venue = SimVenue(seed=4)
    venue.shift_all(venue.factor_for_health(KEY, 1.0) * 0.99)
    with pytest.raises(ValueError, match="already"):
        play_demo_crash(venue, KEY)
    assert not venue.crash_playing
