"""The venue's price process and the controls tests use to move it."""

from __future__ import annotations

import time

import numpy as np
import pytest

from monitor.domain import Level, Thresholds, level_for
from monitor.sources.sim import DEMO_BOOK, DEMO_CRASH, DEMO_CREDENTIALS, MARKETS, SimVenue
from tests.sources.sim_rules import health

BY_ID = {m.id: m for m in MARKETS}

KEY = DEMO_CREDENTIALS.api_key


def walk(seed: int, steps: int, dt: float = 60.0) -> np.ndarray:
    venue = SimVenue(seed=seed)
    path = [list(venue.marks().values())]
    for _ in range(steps):
        venue.step(dt)
        path.append(list(venue.marks().values()))
    return np.array(path)


def test_a_seed_reproduces_the_walk_and_another_seed_does_not() -> None:
    first, again, other = walk(11, 200), walk(11, 200), walk(12, 200)
    assert np.array_equal(first, again)
    assert not np.array_equal(first[1:], other[1:])
    assert np.all(first > 0)


def test_returns_are_fat_tailed_and_move_together() -> None:
    returns = np.diff(np.log(walk(3, 20_000)), axis=0)
    centred = returns - returns.mean(axis=0)
    kurtosis = (centred**4).mean(axis=0) / (centred**2).mean(axis=0) ** 2
    # A normal walk gives 3 (+- 0.1 at this length); Student-t shocks give far more.
    assert np.all(kurtosis > 4), kurtosis
    btc, eth = returns[:, 0], returns[:, 1]
    assert np.corrcoef(btc, eth)[0, 1] > 0.6  # one market factor drives both


def test_step_size_scales_the_moves_like_a_random_walk() -> None:
    minute = np.diff(np.log(walk(5, 4_000, dt=60.0)), axis=0)[:, 0].std()
    hour = np.diff(np.log(walk(5, 4_000, dt=3_600.0)), axis=0)[:, 0].std()
    assert hour / minute == pytest.approx(np.sqrt(60), rel=0.15)


def test_crash_moves_every_mark_along_the_path() -> None:
    venue = SimVenue(seed=2)
    venue.step(300)
    start = venue.marks()
    path = [(0.0, 0.0), (10.0, -0.1), (30.0, -0.25)]
    assert venue.play_crash(path) == 30.0
    for elapsed, move in ((5.0, -0.05), (10.0, -0.1), (20.0, -0.175), (30.0, -0.25)):
        venue.step(elapsed - (venue.clock - 300))
        for market, price in venue.marks().items():
            expected = start[market] * (1 + move)  # marks carry 8 decimals: absolute slack
            assert price == pytest.approx(expected, rel=1e-9, abs=1e-8), (elapsed, market)
    assert not venue.crash_playing
    bottom = venue.marks()
    venue.step(60)  # the walk resumes from the crash's last level
    after = venue.marks()
    assert all(after[m] != bottom[m] for m in bottom)
    assert after["BTCUSDT"] == pytest.approx(bottom["BTCUSDT"], rel=0.05)


def test_demo_crash_takes_the_demo_account_through_every_level() -> None:
    venue = SimVenue(seed=0)
    venue.play_crash(DEMO_CRASH)
    levels = []
    for seconds in (0, 60, 90, 120):
        if seconds:
            venue.step(seconds - venue.clock)
        # The app's default levels on the cross pool's health, Binance's rules applied directly.
        pool = health(DEMO_BOOK, BY_ID, venue.marks(), "USDT")
        assert venue.reported(KEY).pool("USDT").health == pytest.approx(pool, rel=1e-12)
        levels.append(level_for(pool, Thresholds()))
    assert levels == [Level.OK, Level.WARNING, Level.CRITICAL, Level.LIQUIDATION]


def test_set_marks_and_shift_all_are_exact() -> None:
    venue = SimVenue(seed=4)
    venue.set_marks({"BTCUSDT": 50_000.0, "ETH/USDT:USDT": 2_500.0, "SOL": 100.0})
    assert [venue.marks()[m] for m in ("BTCUSDT", "ETHUSDT", "SOLUSDT")] == [
        50_000.0,
        2_500.0,
        100.0,
    ]
    before = venue.marks()
    venue.shift_all(0.9)
    assert venue.marks() == {m: pytest.approx(p * 0.9, rel=1e-12) for m, p in before.items()}


@pytest.mark.parametrize("target", [5.0, 2.0, 1.25, 1.0])
def test_factor_for_health_reaches_the_target(target: float) -> None:
    venue = SimVenue(seed=9)
    venue.shift_all(venue.factor_for_health(KEY, target))
    # Marks are kept to 8 decimals, hence the slack.
    assert health(DEMO_BOOK, BY_ID, venue.marks(), "USDT") == pytest.approx(target, rel=1e-6)


def test_the_ticker_advances_the_clock_until_stopped() -> None:
    venue = SimVenue(seed=1)
    venue.start_ticker(interval=0.01, dt=30.0)
    deadline = time.monotonic() + 5
    while venue.clock < 90 and time.monotonic() < deadline:
        time.sleep(0.005)
    venue.stop_ticker()
    stopped_at = venue.clock
    assert stopped_at >= 90
    assert venue.marks() != {m.id: m.start_price for m in MARKETS}
    venue.step(1)
    assert venue.clock == stopped_at + 1  # no ticker step sneaks in after stop


def test_bad_price_controls_are_clear_errors() -> None:
    venue = SimVenue(seed=1)
    with pytest.raises(ValueError, match="strictly increase"):
        venue.play_crash([(10.0, -0.1), (5.0, -0.2)])
    with pytest.raises(ValueError, match="> -1"):
        venue.play_crash([(10.0, -1.5)])
    with pytest.raises(KeyError, match="unknown market 'LUNAUSDT'"):
        venue.set_marks({"LUNAUSDT": 1.0})
    with pytest.raises(ValueError, match="factor must be > 0"):
        venue.shift_all(0)
    with pytest.raises(ValueError, match="positive dt"):
        venue.step(0)
    with pytest.raises(ValueError, match="already at or below"):
        venue.factor_for_health(KEY, 50.0)
