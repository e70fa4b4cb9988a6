"""History: stored only on change, marks at most once a minute, charts, thinning."""

from __future__ import annotations

import math

import numpy as np
import pytest

from monitor.store import RETENTION_DAYS_KEY, HealthSample, PositionMark, open_database

DAY = 86400.0
HOUR = 3600.0


@pytest.fixture
def account_id(db):
    return db.accounts.add("a", "manual", wallet_balance=100.0)


def test_health_is_stored_only_when_it_changed(db, account_id):
    figures = [
        (100.0, 10.0, 10.0), (100.0, 10.0, 10.0), (90.0, 10.0, 9.0), (90.0, 10.0, 9.0),
        (100.0, 10.0, 10.0), (100.0, 0.0, None), (100.0, 0.0, math.nan), (100.0, 0.0, None),
    ]  # fmt: skip
    stored = [
        db.history.record_account_health(account_id, float(t), *f) for t, f in enumerate(figures)
    ]
    assert stored == [True, False, True, False, True, True, False, False]
    series = db.history.health(account_id, 0.0, 100.0)
    assert series.at.tolist() == [0.0, 2.0, 4.0, 5.0]
    assert series.margin_balance.tolist() == [100.0, 90.0, 100.0, 100.0]
    assert series.maintenance.tolist() == [10.0, 10.0, 10.0, 0.0]
    assert series.health_ratio[:3].tolist() == [10.0, 9.0, 10.0]
    assert np.isnan(series.health_ratio[3])  # no requirement charts as a gap


def test_change_detection_carries_across_a_restart_and_batches(db_url):
    with open_database(db_url) as db:
        a = db.accounts.add("a", "manual", wallet_balance=1.0)
        b = db.accounts.add("b", "manual", wallet_balance=1.0)
        assert db.history.record_account_health(a, 1.0, 5.0, 1.0, 5.0)
    with open_database(db_url) as db:
        batch = [
            HealthSample(a, 2.0, 5.0, 1.0, 5.0), HealthSample(b, 2.0, 5.0, 1.0, 5.0),
            HealthSample(a, 3.0, 6.0, 1.0, 6.0), HealthSample(b, 3.0, 5.0, 1.0, 5.0),
        ]  # fmt: skip
        assert db.history.record_health(batch) == 2  # a at 3.0, b at 2.0
        assert db.history.health(a, 0.0, 10.0).at.tolist() == [1.0, 3.0]
        assert db.history.health(b, 0.0, 10.0).at.tolist() == [2.0]


def test_a_chart_window_starts_with_the_figure_in_force(db, account_id):
    for at, balance in ((10.0, 1.0), (20.0, 2.0), (30.0, 3.0)):
        db.history.record_account_health(account_id, at, balance, 1.0, balance)
    series = db.history.health(account_id, 25.0, 100.0)
    assert series.at.tolist() == [20.0, 30.0]  # 20.0 held from 20 until 30
    assert len(db.history.health(account_id, 0.0, 5.0)) == 0


def test_position_marks_are_kept_at_most_once_a_minute(db, account_id):
    for t in range(0, 301, 10):
        marks = [PositionMark("BTC/USDT:USDT", "long", 100.0 + t, 50.0),
                 PositionMark("BTC/USDT:USDT", "short", 100.0 + t, None)]  # fmt: skip
        if t >= 35:  # a position opened later keeps its own minute
            marks.append(PositionMark("ETH/USDT:USDT", "long", 10.0 + t, 5.0))
        db.history.record_position_marks(account_id, float(t), marks)
    longs = db.history.marks(account_id, "BTC/USDT:USDT", "long", 0.0, 1000.0)
    assert longs.at.tolist() == [0.0, 60.0, 120.0, 180.0, 240.0, 300.0]
    assert longs.mark.tolist() == [100.0, 160.0, 220.0, 280.0, 340.0, 400.0]
    assert longs.liquidation_price.tolist() == [50.0] * 6
    shorts = db.history.marks(account_id, "BTC/USDT:USDT", "short", 0.0, 1000.0)
    assert np.isnan(shorts.liquidation_price).all() and len(shorts) == 6
    eth = db.history.marks(account_id, "ETH/USDT:USDT", "long", 0.0, 1000.0)
    assert eth.at.tolist() == [40.0, 100.0, 160.0, 220.0, 280.0]


def test_thinning_keeps_the_worst_of_each_old_hour_and_all_recent_rows(db, account_id):
    now = 200 * DAY
    old_hour = now - 100 * DAY  # beyond the default 90 days, on an hour boundary
    healths = [5.0, 3.0, 1.5, 3.0, 4.0]  # the worst (1.5) must survive
    for i, h in enumerate(healths):
        db.history.record_account_health(account_id, old_hour + i * 600, h, 1.0, h)
    db.history.record_account_health(account_id, old_hour + HOUR, 9.0, 0.0, None)  # next hour
    db.history.record_account_health(account_id, old_hour + HOUR + 60, 8.0, 1.0, 8.0)
    recent = [now - DAY + i for i in range(5)]
    for i, at in enumerate(recent):
        db.history.record_account_health(account_id, at, 10.0 + i, 1.0, 10.0 + i)
    for t in range(0, 3600, 60):
        db.history.record_position_marks(
            account_id, old_hour + t, [PositionMark("BTC/USDT:USDT", "long", t, None)]
        )
    removed = db.history.thin(now)
    series = db.history.health(account_id, 0.0, now)
    assert series.at.tolist() == [old_hour + 1200, old_hour + HOUR + 60, *recent]
    assert series.health_ratio[0] == 1.5
    marks = db.history.marks(account_id, "BTC/USDT:USDT", "long", 0.0, now)
    assert marks.at.tolist() == [old_hour + 3540]  # the hour's last
    assert removed == (5 - 1) + (2 - 1) + (60 - 1)
    assert db.history.thin(now) == 0  # thinning twice changes nothing


def test_retention_is_a_stored_setting_of_90_days_by_default(db_url):
    with open_database(db_url) as db:
        assert db.settings.get(RETENTION_DAYS_KEY) == 90
        a = db.accounts.add("a", "manual", wallet_balance=1.0)
        for i in range(3):  # 20 days old: inside 90 days, outside 10
            db.history.record_account_health(a, 100 * DAY - 20 * DAY + i, float(i), 1.0, 1.0)
        assert db.history.thin(100 * DAY) == 0
        db.settings.set(RETENTION_DAYS_KEY, 10)
    with open_database(db_url) as db:
        assert db.settings.get(RETENTION_DAYS_KEY) == 10
        assert db.history.thin(100 * DAY) == 2
