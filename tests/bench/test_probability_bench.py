"""Probability of liquidation for 20 accounts x 25 positions (25 symbols), 10,000 paths x
1,440 one-minute steps, streamed in chunks — time and peak memory (tracemalloc: numpy's
allocations included), beside a plain Python loop judging one path step by step.

Never gating: prints the figures and whether the memory target (< 500 MB) is met. Run with
`pytest tests/bench/test_probability_bench.py --benchmark-enable -s`.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np

from monitor.domain import Account, Book, Maintenance, Position, Side
from monitor.domain.model import MarginMode
from monitor.domain.risk.paths import JointReturns, bootstrap_ratios
from monitor.domain.risk.probability import Settings, liquidation_probability
from tests.domain import reference

ACCOUNTS, POSITIONS, PATHS, STEPS = 20, 25, 10_000, 1_440
MEMORY_MB = 500.0


def _book(seed: int = 7) -> tuple[Book, JointReturns]:
    rng = np.random.default_rng(seed)
    tiers = Maintenance.tiered(
        [0, 50_000, 250_000, 1_000_000], [0.004, 0.005, 0.01, 0.025], [None] * 4
    )
    accounts = []
    for a in range(ACCOUNTS):
        positions = []
        for i in range(POSITIONS):
            price = float(rng.uniform(10, 60_000))
            isolated = i % 5 == 0
            positions.append(
                Position(
                    f"S{i}/USDT:USDT",
                    Side.LONG if rng.random() < 0.6 else Side.SHORT,
                    float(rng.uniform(1_000, 60_000)) / price,
                    price * float(rng.uniform(0.97, 1.03)),
                    price,
                    tiers if i % 2 else Maintenance.flat(0.01),
                    margin_mode=MarginMode.ISOLATED if isolated else MarginMode.CROSS,
                    isolated_margin=float(rng.uniform(1_000, 6_000)) if isolated else None,
                )
            )
        accounts.append(Account(f"acct-{a}", float(rng.uniform(15_000, 60_000)), tuple(positions)))
    # A week of fat-tailed, correlated 1-minute returns (~3 % a day).
    common = rng.standard_t(5, (7 * 1440, 1))
    own = rng.standard_t(5, (7 * 1440, POSITIONS))
    returns = 0.0006 * (0.7 * common + 0.7 * own)
    return Book.build(accounts), JointReturns(tuple(f"S{i}/USDT:USDT" for i in range(25)), returns)


def _one_path_plain(book: Book, history: JointReturns) -> float:
    """Seconds for one path judged step by step in plain Python (reference formulas)."""
    ratios = bootstrap_ratios(np.random.default_rng(1), history.returns, 1, STEPS, 60)[:, 0, :]
    start = time.perf_counter()
    hit = 0
    for t in range(STEPS):
        step = ratios[:, t].tolist()
        for account in book.accounts:
            marks = [
                p.mark_price * step[int(p.symbol[1:].split("/")[0])] for p in account.positions
            ]
            balance, maint = reference.pool(account, marks)
            hit += balance <= maint
            for p, price in zip(account.positions, marks, strict=True):
                if p.margin_mode is MarginMode.ISOLATED:
                    b, m = reference.isolated(p, price)
                    hit += b <= m
    return time.perf_counter() - start


def test_bench_probability_20x25_10000_paths() -> None:
    book, history = _book()
    tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    results = liquidation_probability(book, history, Settings(paths=PATHS, seed=3))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    plain = _one_path_plain(book, history)
    assert len(results) == ACCOUNTS * (1 + POSITIONS // 5)
    p24 = sorted(r.by_horizon["24h"].p for r in results)
    verdict = "met" if peak_mb < MEMORY_MB else "MISSED"
    print(
        f"\nprobability {ACCOUNTS}x{POSITIONS}, {PATHS:,} paths x {STEPS:,} steps: "
        f"{wall:.1f} s wall, {cpu:.1f} s CPU ({cpu / PATHS * 1e3:.2f} ms a path); "
        f"peak {peak_mb:.0f} MB (target < {MEMORY_MB:g} MB: {verdict})"
    )
    print(
        f"plain Python loop, one path: {plain:.2f} s (x {PATHS:,} paths ~ "
        f"{plain * PATHS / 3600:.1f} h; vectorised {plain * PATHS / wall:,.0f}x faster)"
    )
    print(f"24 h probabilities: median {p24[len(p24) // 2]:.3f}, max {p24[-1]:.3f}")
