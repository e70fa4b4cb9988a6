"""The engine's cost of one streamed mark tick on 20 accounts x 25 positions, only the accounts
holding that symbol recomputed (issue 11), beside the bare-numpy recompute of the same book.

Each account holds 25 of 100 symbols (every account holds the first, "BTC"); a tick moves one
symbol. Per tick the service does what LiveMarks' coalesced recompute does: each holder's
latest marks, then recompute.build_snapshots on every holder at once, from their pools'
books prepared when their positions were last read (kept by the service between two REST
reads, as here) — pools, health, liquidation prices, the moves that liquidate and the levels,
and the snapshots the front ends draw. The floor: every position's PnL and maintenance and
every account's health in plain numpy over all 500 rows at once (no tiers, no liquidation
prices, no moves). The process's heap is settled as the app settles its own once started
(service/heap.py: gc.freeze and a larger young generation).
Figures are printed (run with -s); benchmarks do not gate the default run.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np

from monitor.domain.model import Maintenance, Position, Side
from monitor.service.heap import settle_heap
from monitor.service.prepared import JoinedBooks, prepare
from monitor.service.recompute import SnapshotJob, build_snapshots
from monitor.service.snapshot import SourceState, SourceStatus
from monitor.store.database import open_database

ACCOUNTS, POSITIONS, SYMBOLS = 20, 25, 100
REPEAT = 200


def _book(tmp_path: Path):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(11)
    prices = rng.uniform(1, 1000, SYMBOLS)
    db = open_database(f"sqlite:///{tmp_path / 'tick.sqlite'}")
    now = time.time()
    held = []
    for a in range(ACCOUNTS):
        picks = [0, *rng.choice(np.arange(1, SYMBOLS), POSITIONS - 1, replace=False)]
        positions = [
            Position(
                f"S{s:03d}/USDT:USDT", Side.LONG if i % 2 else Side.SHORT,
                float(rng.uniform(1, 50)), float(prices[s] * rng.uniform(0.95, 1.05)),
                float(prices[s]), Maintenance.flat(0.005), exchange_liquidation_price=None,
            )
            for i, s in enumerate(picks)
        ]  # fmt: skip
        account_id = db.accounts.add(f"acct-{a:02d}", "simulated", venue="simulated")
        db.positions.replace_live(account_id, 200_000.0, positions, now)
        held.append(picks)
    stored = [(r, db.positions.list(r.account_id)) for r in db.accounts.list()]
    db.close()
    return stored, held, prices


def _time(fn, repeat: int = REPEAT) -> float:  # type: ignore[no-untyped-def]
    for _ in range(10):
        fn()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def test_bench_one_mark_tick_recomputes_only_its_holders(tmp_path: Path) -> None:
    stored, held, _ = _book(tmp_path)
    status = SourceStatus(SourceState.OK, time.time())
    marks = [{s.position.symbol: s.position.mark_price for s in rows} for _, rows in stored]
    holders_of = {s: [a for a in range(ACCOUNTS) if s in held[a]] for s in range(SYMBOLS)}

    prepared = [prepare(record, rows) for record, rows in stored]
    joins = JoinedBooks()  # as the service keeps them
    settle_heap()  # as the window and `watch` do once started (heap.py)

    def tick(symbol: int) -> None:
        name = f"S{symbol:03d}/USDT:USDT"
        jobs = []
        for a in holders_of[symbol]:
            marks[a][name] *= 1.0001
            # Streamed: each pool's disagreement as judged at the last REST read.
            jobs.append(SnapshotJob(prepared[a], status, marks[a], 2.0, judged={"USDT": None}))
        build_snapshots(jobs, joins)

    counts = sorted(len(h) for s, h in holders_of.items() if s)
    typical = next(s for s in range(1, SYMBOLS) if len(holders_of[s]) == counts[len(counts) // 2])
    single = next((s for s in range(1, SYMBOLS) if len(holders_of[s]) == 1), None)
    results = {
        f"typical symbol ({len(holders_of[typical])} holders)": _time(lambda: tick(typical)),
        f"BTC (all {ACCOUNTS} hold it)": _time(lambda: tick(0), repeat=50),
    }
    if single is not None:
        results["a symbol one account holds"] = _time(lambda: tick(single))
    per_account = results[f"BTC (all {ACCOUNTS} hold it)"] / ACCOUNTS

    # The floor: the same 500 rows in bare numpy.
    q = np.array([s.position.contracts for _, rows in stored for s in rows])
    side = np.array([1.0 if s.position.side is Side.LONG else -1.0 for _, r in stored for s in r])
    entry = np.array([s.position.entry_price for _, rows in stored for s in rows])
    mark = np.array([s.position.mark_price for _, rows in stored for s in rows])
    account = np.repeat(np.arange(ACCOUNTS), POSITIONS)
    wallet = np.full(ACCOUNTS, 200_000.0)

    def bare() -> None:
        pnl = side * q * (mark - entry)
        mm = 0.005 * q * mark
        equity = wallet + np.bincount(account, pnl, ACCOUNTS)
        equity / np.bincount(account, mm, ACCOUNTS)

    floor = _time(bare, repeat=2000)
    print(f"\none mark tick, {ACCOUNTS} accounts x {POSITIONS} positions, holders recomputed:")
    for what, ms in results.items():
        print(f"  {what}: {ms:.3f} ms")
    print(f"  per holding account: {per_account:.3f} ms")
    print(f"floor: bare-numpy health of all {ACCOUNTS * POSITIONS} rows: {floor:.4f} ms")
    assert all(len(holders_of[s]) < ACCOUNTS for s in range(1, SYMBOLS))  # ticks differ in reach
