"""The per-minute fold that keeps charts of days cheap, against a plain restatement of its
rule: per account and minute, the first and last row's time, the lowest ratio with its time
and the highest with its, the earliest among equal ones, and the time of the first row without
a ratio (a gap). Rows may come in any order of accounts, each account's in time order."""

from __future__ import annotations

import random
from itertools import zip_longest
from typing import Any

import pytest

from monitor.store.health_minutes import fold


def _restated(rows: list[tuple[Any, ...]]) -> dict[tuple[int, float], list[Any]]:
    groups: dict[tuple[int, float], list[tuple[Any, ...]]] = {}
    for row in rows:
        groups.setdefault((row[0], row[1] - row[1] % 60.0), []).append(row)
    out = {}
    for key, group in groups.items():
        group.sort(key=lambda r: r[1])  # stable: equal times keep their order
        rated = [r for r in group if r[4] is not None]
        low = min(rated, key=lambda r: r[4]) if rated else None  # min/max: first of equals
        high = max(rated, key=lambda r: r[4]) if rated else None
        if high is not None:
            high = next(r for r in rated if r[4] == high[4])
        gap = next((r for r in group if r[4] is None), None)
        out[key] = [
            group[0][1],
            group[-1][1],
            None if low is None else low[4],
            None if low is None else low[1],
            None if high is None else high[4],
            None if high is None else high[1],
            None if gap is None else gap[1],
        ]
    return out


@pytest.mark.parametrize("seed", range(40))
def test_the_fold_is_the_lowest_highest_and_first_gap_of_each_minute(seed):
    rng = random.Random(seed)
    per_account = []
    for account in range(1, rng.randint(1, 4) + 1):
        t, rows = rng.uniform(0, 500), []
        for _ in range(rng.randint(1, 80)):
            t += rng.choice([0.0, 0.5, 1.0, 7.0, 61.0])  # equal times, minutes skipped
            ratio = rng.choice([None, float(rng.randint(1, 4)), rng.uniform(0.5, 9.0)])
            rows.append((account, t, 1.0, 2.0, ratio))
        per_account.append(rows)
    if seed % 2:  # round robin, as the service writes every account each second
        rows = [r for group in zip_longest(*per_account) for r in group if r is not None]
    else:  # account by account, as the rebuild of the minutes reads them
        rows = [r for account_rows in per_account for r in account_rows]
    assert fold(rows) == _restated(rows)


def test_no_rows_fold_to_nothing():
    assert fold([]) == {}
