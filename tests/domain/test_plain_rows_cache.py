"""The rows a book's plain pools are solved from are gathered once per book and set of pools
(Book.plain_rows_by_pools), and a later tick with other marks still gets that tick's moves."""

from __future__ import annotations

import numpy as np

from monitor.domain import Book
from monitor.domain.engine import evaluate
from monitor.domain.model import Account, Maintenance, Position, Side


def _accounts() -> tuple[Account, ...]:
    tiers = Maintenance.flat(0.005)
    return (
        Account("a", 5_000.0, (
            Position("BTC/USDT:USDT", Side.LONG, 0.5, 60_000, 60_000, tiers),
            Position("ETH/USDT:USDT", Side.SHORT, 5, 3_000, 3_000, tiers),
        )),
        Account("b", 2_000.0, (Position("SOL/USDT:USDT", Side.LONG, 100, 150, 150, tiers),)),
    )  # fmt: skip


def test_the_plain_rows_are_gathered_once_and_serve_every_tick() -> None:
    book = Book.build(_accounts())
    first = evaluate(book)
    assert len(book.plain_rows_by_pools) == 1  # both pools plain: one set, gathered once
    moved = book.marks() * np.array([0.9, 1.05, 0.8])
    kept = book.plain_rows_by_pools.copy()
    ticked = evaluate(book, moved)
    assert book.plain_rows_by_pools == kept  # nothing gathered again for the new marks
    fresh = evaluate(Book.build(_accounts()), moved)  # a book that never saw the first marks
    for ours, theirs in zip(ticked, fresh, strict=True):
        assert ours.liquidation_move_down == theirs.liquidation_move_down
        assert ours.liquidation_move_up == theirs.liquidation_move_up
    assert [a.liquidation_move_down for a in ticked] != [a.liquidation_move_down for a in first]
