"""History as a chart reads it: a long span per bucket keeps the bucket's lowest and highest
health (a dip is never smoothed away), a gap stays a gap, and rows written a second at a time
give the same chart as the same rows written at once."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import delete, select

from monitor.store import HealthSample
from monitor.store.health_minutes import rebuild_minutes
from monitor.store.models import HealthMinuteRow

START = 1_700_000_017.0  # not on a minute: buckets start where the chart does
HOURS = 6
DIP_AT, DIP = 4 * 3600 + 7, 1.05  # one second of near-liquidation
GAP = range(5 * 3600, 5 * 3600 + 12)  # twelve seconds without a ratio (no requirement)
POINTS = 100  # a 6-hour chart 100 columns wide: buckets of 216 s


def _ratios() -> np.ndarray:
    t = np.arange(HOURS * 3600, dtype=np.float64)
    ratio = 3.0 + np.sin(t / 500.0) + 0.01 * np.cos(t * 7.0)
    ratio[DIP_AT] = DIP
    ratio[list(GAP)] = np.nan
    return ratio


def _samples(account_id: int, ratio: np.ndarray) -> list[HealthSample]:
    return [
        HealthSample(
            account_id,
            START + i,
            10.0 * (1.0 if np.isnan(r) else r),
            10.0,
            None if np.isnan(r) else float(r),
        )
        for i, r in enumerate(ratio.tolist())
    ]


@pytest.fixture
def account(db):
    return db.accounts.add("chart", "manual", wallet_balance=1.0)


def _expected_buckets(ratio: np.ndarray, width: float) -> dict[int, tuple[float, float, bool]]:
    """Restated here: each row's bucket is that of its minute (minutes start on epoch
    multiples of 60), counted from the chart's start; per bucket (lowest, highest, any gap)."""
    at = START + np.arange(len(ratio))
    bucket = np.floor(((at - at % 60.0) - START) / width).astype(int)
    out = {}
    for k in np.unique(bucket):
        values = ratio[bucket == k]
        finite = values[~np.isnan(values)]
        out[int(k)] = (float(finite.min()), float(finite.max()), bool(np.isnan(values).any()))
    return out


def test_a_long_span_keeps_each_buckets_lowest_and_highest_and_its_gaps(db, account):
    ratio = _ratios()
    db.history.record_health(_samples(account, ratio))
    until = START + len(ratio) - 1
    width = (until - START) / POINTS

    t, h = db.history.chart(account, START, until, POINTS)

    assert len(t) <= 3 * (POINTS + 1)  # a few points per column, not 21,600 rows
    assert np.all(np.diff(t) >= 0)
    assert np.nanmin(h) == DIP and t[np.nanargmin(h)] == START + DIP_AT
    expected = _expected_buckets(ratio, width)
    minute = t - t % 60.0
    bucket = np.floor((minute - START) / width).astype(int)
    for k, (low, high, gap) in expected.items():
        shown = h[bucket == k]
        finite = shown[~np.isnan(shown)]
        assert finite.min() == low and finite.max() == high, k
        assert np.isnan(shown).any() == gap, k
    # The gap sits where it was: a NaN at its first second, between the figures around it.
    gaps = t[np.isnan(h)]
    assert list(gaps) == [START + GAP[0]]


def test_written_a_few_seconds_at_a_time_the_chart_is_the_same(db, account):
    ratio = _ratios()[: 2 * 3600 + 1200]
    other = db.accounts.add("bulk", "manual", wallet_balance=1.0)
    samples = _samples(account, ratio)
    for i in range(0, len(samples) - 300, 7):  # batches that split minutes
        db.history.record_health(samples[i : i + 7])
    for sample in samples[len(samples) - 300 :]:
        db.history.record_health([sample])  # as the service writes: one recompute, one row
    db.history.record_health(_samples(other, ratio))
    until = START + len(ratio) - 1

    mine, bulk = (
        db.history.chart(account, START, until, 50),
        db.history.chart(other, START, until, 50),
    )
    assert np.array_equal(mine[0], bulk[0]) and np.array_equal(mine[1], bulk[1], equal_nan=True)
    assert np.nanmin(mine[1]) == np.nanmin(ratio)


def test_minutes_rebuilt_from_the_rows_match_those_kept_while_writing(db, account):
    ratio = _ratios()
    samples = _samples(account, ratio)
    for i in range(0, len(samples), 997):  # batches that split minutes
        db.history.record_health(samples[i : i + 997])
    columns = select(HealthMinuteRow.__table__).order_by("account_id", "minute")
    with db.read() as s:
        kept = s.connection().execute(columns).all()
    with db.write() as s:
        s.execute(delete(HealthMinuteRow))
        rebuild_minutes(s.connection())
    with db.read() as s:
        rebuilt = s.connection().execute(columns).all()
    assert rebuilt == kept
    assert len(kept) == len({(START + i) // 60 for i in range(len(ratio))})


def test_the_row_in_force_at_the_start_comes_first_and_a_short_span_is_every_row(db, account):
    ratio = _ratios()
    db.history.record_health(_samples(account, ratio))
    since = START + 3 * 3600 + 0.5
    t, h = db.history.chart(account, since, START + len(ratio) - 1, POINTS)
    assert t[0] == START + 3 * 3600 and h[0] == ratio[3 * 3600]
    t, h = db.history.chart(account, since, since + 600, POINTS)  # ten minutes: every row
    assert list(t) == [START + 3 * 3600 + i for i in range(601)]
    assert np.array_equal(h, ratio[3 * 3600 : 3 * 3600 + 601], equal_nan=True)
