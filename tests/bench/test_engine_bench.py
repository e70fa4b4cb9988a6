"""Recompute cost: 1,000 positions over 20 accounts, vectorised engine vs a plain Python loop.

Run with `pytest tests/bench --benchmark-enable`; in the normal suite each runs once as a test.
"""

from __future__ import annotations

import numpy as np
import pytest

from monitor.domain import Account, Book, Maintenance, Position, Side, evaluate, evaluate_arrays
from monitor.domain.model import MarginMode
from tests.domain import reference


def _book(seed: int = 7, accounts: int = 20, per_account: int = 50) -> Book:
    rng = np.random.default_rng(seed)
    btc_tiers = Maintenance.tiered(
        [0, 50_000, 250_000, 1_000_000], [0.004, 0.005, 0.01, 0.025], [None] * 4
    )
    out = []
    for a in range(accounts):
        positions = []
        for i in range(per_account):
            entry = float(rng.uniform(10, 60_000))
            isolated = i % 5 == 0
            positions.append(
                Position(
                    symbol=f"S{i}/USDT:USDT",
                    side=Side.LONG if rng.random() < 0.6 else Side.SHORT,
                    contracts=float(rng.uniform(0.1, 5_000) / entry * 10),
                    entry_price=entry,
                    mark_price=entry * float(rng.uniform(0.9, 1.1)),
                    maintenance=btc_tiers if i % 2 else Maintenance.flat(0.01),
                    margin_mode=MarginMode.ISOLATED if isolated else MarginMode.CROSS,
                    isolated_margin=100.0 if isolated else None,
                )
            )
        out.append(Account(name=f"acct-{a}", wallet_balance=20_000.0, positions=tuple(positions)))
    return Book.build(out)


def _python_loop(book: Book, marks: np.ndarray) -> list[float]:
    """The same figures position by position: pool sums, then each liquidation price by
    bisection."""
    results = []
    row = 0
    for account in book.accounts:
        prices = list(marks[row : row + len(account.positions)])
        balance, maint = reference.pool(account, prices)
        for i, p in enumerate(account.positions):

            def excess(price, i=i, p=p, balance=balance, maint=maint, prices=prices):
                if p.margin_mode is MarginMode.ISOLATED:
                    b, m = reference.isolated(p, price)
                else:
                    own_b = reference.pnl(p, price) - reference.pnl(p, prices[i])
                    own_m = reference.maintenance(p, price) - reference.maintenance(p, prices[i])
                    b, m = balance + own_b, maint + own_m
                return b - m

            lo, hi = prices[i] * 1e-6, prices[i] * 1e3
            if (excess(lo) > 0) == (excess(hi) > 0):
                results.append(float("nan"))
                continue
            for _ in range(60):
                mid = (lo + hi) / 2
                if (excess(mid) > 0) == (excess(lo) > 0):
                    lo = mid
                else:
                    hi = mid
            results.append(lo)
        row += len(account.positions)
    return results


@pytest.fixture(scope="module")
def book() -> Book:
    return _book()


def test_bench_vectorised_recompute(benchmark, book):
    marks = book.marks() * 0.99
    ev = benchmark(evaluate_arrays, book, marks)
    assert ev.liquidation_price.shape == (1000,)
    assert np.isfinite(ev.account_health).all()


def test_bench_full_report(benchmark, book):
    """Everything the service publishes: arrays, liquidation moves and report objects."""
    reports = benchmark(evaluate, book, book.marks())
    assert len(reports) == 20 and all(len(r.positions) == 50 for r in reports)


def test_bench_python_loop(benchmark, book):
    marks = book.marks() * 0.99
    looped = benchmark.pedantic(_python_loop, args=(book, marks), rounds=3, iterations=1)
    fast = evaluate_arrays(book, marks).liquidation_price
    both = np.isfinite(fast) & np.isfinite(looped)
    # The two routes agree where both find a price (bisection to ~1e-12 relative).
    assert both.sum() > 100
    np.testing.assert_allclose(fast[both], np.array(looped)[both], rtol=1e-9)
