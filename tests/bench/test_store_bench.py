"""Store speed: a day of 1-second account history for 20 accounts, written and charted back.

Also correct as plain tests (the normal run has --benchmark-disable): each checks its result.
Figures: .venv/bin/python -m pytest tests/bench/test_store_bench.py --benchmark-enable
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from monitor.store import Database, HealthSample, open_database

ACCOUNTS = 20
DAY = 86_400
BATCH_SECONDS = 3_600  # bulk load commits one transaction per hour of samples


def _margin_balance(t: np.ndarray, j: int) -> np.ndarray:
    # Changes every second, so every sample is stored (the worst case for "only on change").
    return 1_000.0 + j + 0.01 * t + np.sin(t / 600.0)


def _day_batches(account_ids: list[int]) -> list[list[HealthSample]]:
    t = np.arange(DAY, dtype=np.float64)
    balance = [_margin_balance(t, j).tolist() for j in range(ACCOUNTS)]
    times = t.tolist()
    return [
        [
            HealthSample(account_ids[j], times[s], balance[j][s], 10.0, balance[j][s] / 10.0)
            for s in range(start, start + BATCH_SECONDS)
            for j in range(ACCOUNTS)
        ]
        for start in range(0, DAY, BATCH_SECONDS)
    ]


def _fresh(path: Path) -> tuple[Database, list[int]]:
    path.unlink(missing_ok=True)
    db = open_database(str(path))
    return db, [db.accounts.add(f"acct-{j}", "manual", wallet_balance=1.0) for j in range(ACCOUNTS)]


@pytest.fixture(scope="module")
def day_batches() -> list[list[HealthSample]]:
    # Account ids of a fresh database are 1..20.
    return _day_batches(list(range(1, ACCOUNTS + 1)))


def _insert_day(db: Database, batches: list[list[HealthSample]]) -> int:
    return sum(db.history.record_health(batch) for batch in batches)


@pytest.fixture(scope="module")
def day_db(tmp_path_factory, day_batches):
    db, _ = _fresh(tmp_path_factory.mktemp("bench") / "day.sqlite3")
    _insert_day(db, day_batches)
    yield db
    db.close()


def test_insert_a_day_of_one_second_history_for_20_accounts(benchmark, tmp_path, day_batches):
    opened: list[Database] = []

    def setup():
        db, ids = _fresh(tmp_path / "insert.sqlite3")
        assert ids == list(range(1, ACCOUNTS + 1))
        opened.append(db)
        return (db, day_batches), {}

    stored = benchmark.pedantic(_insert_day, setup=setup, rounds=1, iterations=1)
    for db in opened:
        db.close()
    assert stored == ACCOUNTS * DAY


def test_read_one_accounts_day_for_a_chart(benchmark, day_db):
    series = benchmark(day_db.history.health, 7, 0.0, float(DAY))
    t = np.arange(DAY, dtype=np.float64)
    assert np.array_equal(series.at, t)
    assert np.array_equal(series.margin_balance, np.array(_margin_balance(t, 6).tolist()))
    assert np.array_equal(series.health_ratio, series.margin_balance / 10.0)


def test_one_recompute_of_20_accounts_as_the_service_writes_it(benchmark, day_db):
    # One transaction per recompute (every second in the service), after a full day.
    clock = iter(range(DAY, DAY + 10**6))

    def recompute() -> int:
        at = float(next(clock))
        return day_db.history.record_health(
            HealthSample(j, at, 2_000.0 + at, 10.0, None) for j in range(1, ACCOUNTS + 1)
        )

    assert benchmark(recompute) == ACCOUNTS
