"""The pace toward liquidation: per pool, the time left at the pace its liquidating move shrank
over the last minute — from synthetic snapshots at known times, then on the running service
(its clock injected) into the published snapshot and the alert text.

Every expected eta is worked by hand: eta = move now × elapsed / (oldest move − move now),
over the samples of the last 60 s.
"""

from __future__ import annotations

import math

import pytest

from monitor.domain import Account, Maintenance, Position, Side, Thresholds
from monitor.domain.alerts import AlertMachine
from monitor.domain.model import MaintenanceBasis
from monitor.domain.report import AccountHealth, Level
from monitor.service.alerting import readings
from monitor.service.pace import PaceTracker
from monitor.service.snapshot import AccountSnapshot, PoolSnapshot, SourceState, SourceStatus

from .conftest import wait_for


def _pool(down: float | None, up: float | None = None, name: str = "USDT") -> PoolSnapshot:
    health = AccountHealth("lev", 1_000.0, 100.0, 10.0, Level.OK, down, up, ())
    return PoolSnapshot(name, Account("lev", 1_000.0, collateral=name), (), health, health)


def _snap(*pools: PoolSnapshot, state: SourceState = SourceState.MANUAL) -> AccountSnapshot:
    return AccountSnapshot(
        account_id=7,
        name="lev",
        kind="manual",
        venue=None,
        thresholds=Thresholds(),
        pools=pools,
        status=SourceStatus(state, 0.0),
    )


def _etas(tracker: PaceTracker, path: list[tuple[float, float | None]]) -> list[float | None]:
    return [tracker.observe(_snap(_pool(move)), at).pools[0].eta_seconds for at, move in path]


def test_the_eta_is_the_move_now_over_the_pace_of_the_last_minute():
    tracker = PaceTracker()
    etas = _etas(
        tracker,
        [
            (80.0, 0.10),  # one sample: no pace yet
            # 80..120: shrank 0.10 -> 0.025 in 40 s, 0.001875 a second: 0.025 / 0.001875
            (120.0, 0.025),
            # 80 is out of 150's minute; 120..150: 0.025 -> 0.02 in 30 s: 0.02 / (0.005 / 30)
            (150.0, 0.02),
            # 120..180 (exactly 60 s is inside): 0.025 -> 0.015 in 60 s: 0.015 / (0.01 / 60)
            (180.0, 0.015),
        ],
    )
    assert etas[0] is None
    assert etas[1] == pytest.approx(40 / 3, rel=1e-12)
    assert etas[2] == pytest.approx(120.0, rel=1e-12)
    assert etas[3] == pytest.approx(90.0, rel=1e-12)


def test_no_eta_while_the_move_holds_or_grows():
    tracker = PaceTracker()
    assert _etas(tracker, [(0.0, 0.02), (10.0, 0.02), (20.0, 0.03)]) == [None, None, None]
    # Shrinking again, but over the minute it still grew (0.02 at 0 s -> 0.025 at 30 s) ...
    assert _etas(tracker, [(30.0, 0.025)]) == [None]
    # ... and at 70 s (10 s, 0.02, still inside the minute: 0.02 -> 0.024 grew) ...
    assert _etas(tracker, [(70.0, 0.024)]) == [None]
    # ... until the lower samples leave the window: 20..75: 0.03 -> 0.024 in 55 s,
    # 0.024 / (0.006 / 55) = 220 s.
    assert _etas(tracker, [(75.0, 0.024)]) == [pytest.approx(220.0, rel=1e-12)]


def test_a_pool_past_its_move_or_turning_sides_starts_over():
    tracker = PaceTracker()
    assert _etas(tracker, [(0.0, 0.05), (10.0, 0.04)])[1] == pytest.approx(40.0)
    assert _etas(tracker, [(20.0, None)]) == [None]  # no move: the samples go
    assert _etas(tracker, [(30.0, 0.03)]) == [None]  # one sample again
    # The nearer move turns from down (3 %) to up (2 %): a new series, no pace from the old.
    up = tracker.observe(_snap(_pool(0.05, 0.02)), 40.0)
    assert up.pools[0].eta_seconds is None
    # 40..50 up: 0.02 -> 0.015 in 10 s: 0.015 / 0.0005 = 30 s.
    later = tracker.observe(_snap(_pool(0.06, 0.015)), 50.0)
    assert later.pools[0].eta_seconds == pytest.approx(30.0, rel=1e-12)


def test_each_pool_has_its_own_pace_and_stale_figures_get_none():
    tracker = PaceTracker()
    tracker.observe(_snap(_pool(0.04, name="USDT"), _pool(0.01, name="USDC")), 0.0)
    # USDT: 0.04 -> 0.03 in 20 s: 0.03 / 0.0005 = 60 s. USDC: 0.01 -> 0.008: 0.008 / 0.0001.
    both = tracker.observe(_snap(_pool(0.03, name="USDT"), _pool(0.008, name="USDC")), 20.0)
    assert [p.eta_seconds for p in both.pools] == [
        pytest.approx(60.0, rel=1e-12),
        pytest.approx(80.0, rel=1e-12),
    ]
    stale = tracker.observe(_snap(_pool(0.02), state=SourceState.STALE), 30.0)
    assert stale.pools[0].eta_seconds is None
    # The stale reading was not sampled: 0..40 from the fresh ones, 0.04 -> 0.02 in 40 s.
    fresh = tracker.observe(_snap(_pool(0.02)), 40.0)
    assert fresh.pools[0].eta_seconds == pytest.approx(40.0, rel=1e-12)


def test_the_pools_alert_reading_carries_the_eta_into_the_alert_text():
    tracker = PaceTracker()
    tracker.observe(_snap(_pool(0.012)), 0.0)
    # 0.012 -> 0.008 in 40 s: 0.0001 a second, 0.008 / 0.0001 = 80 s.
    snap = tracker.observe(_snap(_pool(0.008)), 40.0)
    (reading,) = readings(snap)
    assert reading.eta_seconds == pytest.approx(80.0, rel=1e-12)
    (event,) = AlertMachine().evaluate(40.0, [reading])
    assert event.level is Level.CRITICAL  # 0.8 % <= 1 %
    assert event.message == (
        "lev: critical at a move ≤ 1.0 % — liquidation if the market falls 0.8 % — "
        "≈ 80 s at the current pace — health 10.00"
    )


# A manual 1 BTC long, entry 100,000, maintenance 1 % of the entry notional (1,000, fixed),
# wallet 6,000: liquidated where 6,000 + (P - 100,000) = 1,000, at P = 95,000. At a mark of
# 100,000 the move down is 5 % (health 6); at 97,000 it is 2,000 / 97,000 = 2/97 (health 3).
def _btc(mark: float) -> Position:
    return Position(
        "BTC/USDT:USDT", Side.LONG, 1.0, 100_000.0, mark, Maintenance.flat(0.01),
        maintenance_basis=MaintenanceBasis.ENTRY,
    )  # fmt: skip


def test_the_service_publishes_the_eta_and_rings_with_it(make_service):
    clock = [1_000.0]
    service, rec = make_service(clock=lambda: clock[0])
    service.start()
    account_id = service.create_manual_account("swing", 6_000.0, "USDT", None).result(10)
    position_id = service.save_position(account_id, _btc(100_000.0)).result(10)
    first = wait_for(lambda: (s := rec.latest("swing")) and s.pools and s.health.positions and s)
    assert first.pools[0].eta_seconds is None
    assert math.isclose(first.baseline.liquidation_move_down, 0.05, rel_tol=1e-12)

    clock[0] = 1_030.0
    service.save_position(account_id, _btc(97_000.0), position_id).result(10)
    snap = wait_for(lambda: (s := rec.latest("swing")) and s.pools[0].eta_seconds and s)
    # 0.05 -> 2/97 in 30 s: eta = (2/97) × 30 / (0.05 - 2/97) = 60 / 2.85 = 21.05 s.
    assert snap.pools[0].eta_seconds == pytest.approx(60 / 2.85, rel=1e-9)

    def warning():
        alerts = [e for e in list(rec.events) if e.kind == "alert"]
        return [e for e in alerts if e.payload.level is Level.WARNING]

    (event,) = wait_for(warning)
    # Health 3.0 is ok; the 2.06 % move is within the 3 % warning move.
    assert event.message == (
        "swing: warning at a move ≤ 3.0 % — liquidation if the market falls 2.1 % — "
        "≈ 21 s at the current pace — health 3.00"
    )
