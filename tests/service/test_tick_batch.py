"""A mark tick evaluates every holding account at once from books prepared at the last read.

Invariants, not figures of the code under test: evaluated together or one by one, at the
stored marks or after a tick, an account's snapshot is the one its positions give when built
from scratch at those marks (domain.evaluate_accounts on the same positions re-marked).
"""

from __future__ import annotations

import math
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.domain import evaluate_accounts
from monitor.domain.model import Account, Thresholds
from monitor.service.prepared import JoinedBooks, prepare
from monitor.service.recompute import SnapshotJob, build_snapshots
from monitor.service.snapshot import SourceState, SourceStatus
from monitor.store.records import AccountRecord, PoolRecord, StoredPosition
from tests.domain.strategies import accounts

STATUS = SourceStatus(SourceState.OK, 0.0)


def _record(i: int, account: Account) -> tuple[AccountRecord, list[StoredPosition]]:
    # No collateral: re-marking positions from scratch leaves a collateral price where it
    # was, while a tick moves it with its mark (the point of preparing at the read's marks).
    account = replace(account, collaterals=(), settle_assets=())
    # A venue quotes one mark per symbol: every position of a symbol at its first one's mark.
    first: dict[str, float] = {}
    account = replace(
        account,
        positions=tuple(
            replace(p, mark_price=first.setdefault(p.symbol, p.mark_price))
            for p in account.positions
        ),
    )
    pool = PoolRecord(name="USDT", wallet_balance=account.wallet_balance)
    record = AccountRecord(
        account_id=i, name=f"a{i}", kind="simulated", venue="simulated", collateral="USDT",
        settings={}, credentials_ref=None, thresholds=Thresholds(), stale_after=30.0,
        wallet_balance=account.wallet_balance, pools=(pool,),
    )  # fmt: skip
    kinds = ["live", "hypothetical"]
    stored = [
        StoredPosition(n, kinds[n % 2] if p.hypothetical else "live", True, p)
        for n, p in enumerate(account.positions)
    ]
    return record, stored


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _assert_alike(snap, account: Account) -> None:  # type: ignore[no-untyped-def]
    (expected,) = evaluate_accounts([account], Thresholds())
    got = snap.pools[0].health
    assert got.status is expected.status
    assert _same(got.health_ratio, expected.health_ratio)
    assert _same(got.liquidation_move_down, expected.liquidation_move_down)
    assert _same(got.liquidation_move_up, expected.liquidation_move_up)
    for mine, theirs in zip(got.positions, expected.positions, strict=True):
        assert mine.symbol == theirs.symbol and mine.side is theirs.side
        assert _same(mine.mark_price, theirs.mark_price)
        assert _same(mine.liquidation_price, theirs.liquidation_price)
        assert _same(mine.health_ratio, theirs.health_ratio)
    assert [p.mark_price for p in snap.pools[0].account.positions] == [
        p.mark_price for p in account.positions
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(accounts(), min_size=1, max_size=4), st.floats(0.8, 1.2))
def test_ticked_together_equals_built_alone(books: list[Account], move: float) -> None:
    records = [_record(i, a) for i, a in enumerate(books)]
    prepared = [prepare(r, s) for r, s in records]
    joins = JoinedBooks()
    at_read = build_snapshots([SnapshotJob(p, STATUS, {}, 2.0) for p in prepared], joins)
    for snap, (record, stored) in zip(at_read, records, strict=True):
        pool = next(iter(record.pools))
        account = Account(
            name=record.name, wallet_balance=pool.wallet_balance,
            positions=tuple(s.position for s in stored),
        )  # fmt: skip
        _assert_alike(snap, account)

    # A tick: every symbol each account holds moves by `move`, evaluated all together.
    marks = [
        {s.position.symbol: s.position.mark_price * move for s in stored} for _, stored in records
    ]
    ticked = build_snapshots(
        [SnapshotJob(p, STATUS, m, 2.0) for p, m in zip(prepared, marks, strict=True)], joins
    )
    for snap, (record, stored), m in zip(ticked, records, marks, strict=True):
        account = Account(
            name=record.name, wallet_balance=record.pools[0].wallet_balance,
            positions=tuple(replace(s.position, mark_price=m[s.position.symbol]) for s in stored),
        )  # fmt: skip
        _assert_alike(snap, account)
