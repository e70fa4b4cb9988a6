"""What cannot be judged is unknown, the rest of the book still judged (issue 12).

Expected values are invariants: a pool's figures do not depend on an isolated position beside
it, nor on other pools in the same evaluation; an unknown has no health, no move, no
liquidation price.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import replace

import numpy as np

from monitor.domain import evaluate_accounts
from monitor.domain.book import Book
from monitor.domain.engine import evaluate, evaluate_arrays
from monitor.domain.model import Account, Maintenance, MarginMode, Position, Side
from monitor.domain.report import Level

BTC = Position("BTC/USDT:USDT", Side.LONG, 2.0, 60_000.0, 60_000.0, Maintenance.flat(0.005))
ETH = Position("ETH/USDT:USDT", Side.LONG, 30.0, 3_000.0, 3_000.0, Maintenance.flat(0.005))
SOL_ISOLATED = Position(
    "SOL/USDT:USDT", Side.SHORT, 200.0, 150.0, 150.0, Maintenance.flat(0.01),
    margin_mode=MarginMode.ISOLATED, isolated_margin=3_000.0,
)  # fmt: skip


def pool(*positions: Position, name: str = "main") -> Account:
    return Account(name, 10_000.0, positions)


def assert_unknown_pool(report, words: str) -> None:  # type: ignore[no-untyped-def]
    assert report.unknown is not None and words in report.unknown
    assert not report.known
    assert report.health_ratio is None
    assert report.liquidation_move_down is None and report.liquidation_move_up is None
    for p in report.positions:
        if p.margin_mode is MarginMode.CROSS:
            assert p.unknown is not None
            assert p.health_ratio is None and p.liquidation_price is None
            assert p.distance_to_liquidation is None


def test_a_mark_of_zero_makes_its_cross_pool_unknown_and_names_the_position() -> None:
    (report,) = evaluate_accounts([pool(replace(BTC, mark_price=0.0), ETH)])
    assert_unknown_pool(report, "BTC/USDT:USDT long: no usable mark (the venue gave 0)")
    btc = report.positions[0]
    assert math.isnan(btc.notional) and math.isnan(btc.unrealized_pnl)
    assert math.isnan(report.margin_balance)  # never a balance from a PnL at price 0
    assert report.status is Level.OK and report.unknown  # the level is no verdict: unknown is


def test_negative_and_not_a_number_marks_are_unknown_too() -> None:
    for mark in (-1.0, math.nan, math.inf):
        (report,) = evaluate_accounts([pool(replace(ETH, mark_price=mark), BTC)])
        assert_unknown_pool(report, "ETH/USDT:USDT long: no usable mark")


def test_other_pools_in_the_same_evaluation_are_judged_as_if_alone() -> None:
    good = pool(BTC, SOL_ISOLATED, name="good")
    bad = pool(replace(ETH, mark_price=0.0), name="bad")
    together = evaluate_accounts([bad, good])
    (alone,) = evaluate_accounts([good])
    assert together[0].unknown is not None
    assert together[1] == alone and together[1].known


def test_an_isolated_position_without_a_mark_is_unknown_alone() -> None:
    broken = replace(SOL_ISOLATED, mark_price=0.0)
    (with_it,) = evaluate_accounts([pool(BTC, ETH, broken)])
    (without,) = evaluate_accounts([pool(BTC, ETH)])
    assert with_it.unknown is None  # the cross pool does not depend on it
    assert with_it.health_ratio == without.health_ratio
    assert with_it.liquidation_move_down == without.liquidation_move_down
    sol = with_it.positions[2]
    assert sol.unknown is not None and "no usable mark" in sol.unknown
    assert sol.health_ratio is None and sol.liquidation_price is None
    assert not with_it.known and with_it.unknowns == [sol.unknown]


def test_a_pool_holding_positions_without_maintenance_is_unknown_not_ok() -> None:
    free = Maintenance.flat(0.0)
    (report,) = evaluate_accounts([pool(replace(BTC, maintenance=free))])
    assert_unknown_pool(report, "no maintenance figure")
    # ... while a pool holding nothing (or only isolated positions) is simply empty.
    (empty,) = evaluate_accounts([pool()])
    assert empty.known and empty.health_ratio is None


def test_an_isolated_position_without_maintenance_is_unknown() -> None:
    free = replace(SOL_ISOLATED, maintenance=Maintenance.flat(0.0))
    (report,) = evaluate_accounts([pool(BTC, free)])
    assert report.unknown is None
    assert report.positions[1].unknown is not None
    assert "no maintenance figure" in report.positions[1].unknown


def test_a_reason_from_the_source_makes_the_position_and_its_pool_unknown() -> None:
    reason = "the venue has no maintenance table for it"
    (report,) = evaluate_accounts([pool(replace(BTC, unknown=reason), ETH)])
    assert_unknown_pool(report, f"BTC/USDT:USDT long: {reason}")
    assert report.positions[1].unknown is not None  # ETH: its pool is unknown


def test_known_isolated_levels_still_count_in_an_unknown_pool() -> None:
    near = replace(SOL_ISOLATED, isolated_margin=400.0)  # about 0.5 % from liquidation
    (report,) = evaluate_accounts([pool(replace(BTC, mark_price=0.0), near)])
    assert report.unknown is not None
    assert report.status >= Level.CRITICAL  # the isolated short is judged on its own


def test_a_streamed_mark_of_zero_is_unknown_like_a_read_one() -> None:
    book = Book.build([pool(BTC, ETH)])
    marks = np.array([0.0, 3_000.0])
    (report,) = evaluate(book, marks)
    assert_unknown_pool(report, "BTC/USDT:USDT long: no usable mark")
    assert report.positions[0].mark_price == 0.0  # the mark as given, not a stand-in


def test_the_arrays_of_a_zero_mark_hold_no_distance_and_raise_no_warning() -> None:
    """The arrays every risk figure starts from (funding, odds, replay): a mark of 0 has no
    distance to liquidation — not ±inf, which reads as far from it — and numpy is not left to
    warn about a division by it (a warning turned into an error stopped `check`)."""
    book = Book.build([pool(BTC, ETH, SOL_ISOLATED)])
    for row in range(3):
        marks = np.array([60_000.0, 3_000.0, 150.0])
        marks[row] = 0.0
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ev = evaluate_arrays(book, marks)
        assert math.isnan(ev.distance[row])
        if row != 2:  # the isolated short, judged alone, keeps its distance
            assert np.isfinite(ev.distance[2])
