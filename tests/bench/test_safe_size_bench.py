"""Cost of one "Largest safe size" click on a 25-position account (issue 15.4: about 9 ms on the
UI thread with the bisection that rebuilt the book at every step).

Printed (run with -s): the bisection as it was (kept here as the "before"), the closed form
per bracket (domain/safe_size.py, "after"), and the floor — one build and evaluation of the
account with the order, the least any answer checked against the engine could cost.
The closed form is asserted to agree with the bisection where the health limit binds, and to
cost less than a third of it.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from monitor.domain.book import Book
from monitor.domain.engine import evaluate_arrays
from monitor.domain.model import Account, Maintenance, MarginMode, Position, Side
from monitor.domain.safe_size import largest_safe_size

TIERS = Maintenance.tiered(
    [0, 50_000, 250_000, 1_000_000, 7_500_000], [0.004, 0.005, 0.01, 0.025, 0.05], [None] * 5
)


def _account(seed: int = 5, positions: int = 25) -> Account:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(positions):
        mark = float(rng.uniform(10, 60_000))
        rows.append(
            Position(
                f"S{i:02d}/USDT:USDT",
                Side.LONG if i % 3 else Side.SHORT,
                float(rng.uniform(500, 20_000) / mark),
                mark * float(rng.uniform(0.95, 1.05)),
                mark,
                TIERS if i % 2 else Maintenance.flat(0.01),
                margin_mode=MarginMode.ISOLATED if i % 7 == 0 else MarginMode.CROSS,
                isolated_margin=200.0 if i % 7 == 0 else None,
            )
        )
    return Account("bench", 40_000.0, tuple(rows))


def _health_with(account: Account, candidate: Position) -> float:
    """The bisection's step, as it was: the whole book rebuilt with the candidate."""
    trial = replace(account, positions=(*account.positions, candidate))
    ev = evaluate_arrays(Book.build((trial,)))
    return float(ev.account_health[0])


def _bisection_size(account: Account, candidate: Position, min_health: float) -> float:
    """The old largest_safe_size (health only), for the "before"."""

    def safe(size: float) -> bool:
        return _health_with(account, replace(candidate, contracts=size)) >= min_health

    tiny = max(candidate.contracts, 1e-12) * 1e-9
    lo, hi = tiny, max(candidate.contracts, tiny * 2)
    while safe(hi):
        lo, hi = hi, hi * 2
    while (hi - lo) > 1e-9 * hi:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if safe(mid) else (lo, mid)
    return lo


def _ms(fn: Callable[[], object], rounds: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def test_closed_form_click_against_the_bisection_and_the_floor() -> None:
    account = _account()
    held = account.positions[1]
    order = replace(held, contracts=held.contracts, hypothetical=True)  # more of a held symbol
    after = largest_safe_size(account, order, 2.0, 0.001)
    assert after.binding == "health"
    before = _bisection_size(account, order, 2.0)
    assert abs(after.contracts - before) <= 1e-6 * before

    bisection = _ms(lambda: _bisection_size(account, order, 2.0), 5)
    closed = _ms(lambda: largest_safe_size(account, order, 2.0, 0.03), 50)
    sized = replace(order, contracts=after.contracts)
    with_order = replace(account, positions=(*account.positions, sized))
    floor = _ms(lambda: evaluate_arrays(Book.build((with_order,))), 50)
    print(
        f"\nlargest safe size, 25 positions: bisection {bisection:.2f} ms, "
        f"closed form {closed:.2f} ms, floor (one build + evaluation) {floor:.2f} ms"
    )
    assert closed < bisection / 3
