"""Largest safe size of a new order: each limit binding in turn, the size re-stated by hand from
the pool's balance and maintenance (tests/domain/reference.py checks the result's health)."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from monitor.domain import evaluate_accounts
from monitor.domain.model import Account, Maintenance, MarginMode, Position, Side
from monitor.domain.safe_size import largest_safe_size

from . import reference

BTC, ETH = "BTC/USDT:USDT", "ETH/USDT:USDT"
BINANCE_BTC = Maintenance.tiered(
    [0, 50_000, 250_000, 1_000_000], [0.004, 0.005, 0.01, 0.025], [None] * 4
)
HELD = Position(BTC, Side.LONG, 1.0, 60_000.0, 60_000.0, Maintenance.flat(0.005))
POOL = Account("pool", 10_000.0, (HELD,))
ORDER = Position(ETH, Side.LONG, 0.0, 3_000.0, 3_000.0, Maintenance.flat(0.01))


def _health(account: Account, order: Position, size: float) -> float:
    with_it = replace(account, positions=(*account.positions, replace(order, contracts=size)))
    balance, maintenance = reference.pool(with_it, [p.mark_price for p in with_it.positions])
    return balance / maintenance


def test_the_health_limit_binds_at_the_warning_health():
    # 10,000 / (300 + 30 s) = 2  ->  s = (5,000 - 300) / 30; a 0.1 % move is far away.
    result = largest_safe_size(POOL, ORDER, 2.0, 0.001)
    expected = (5_000.0 - 300.0) / 30.0
    assert result.binding == "health"
    assert math.isclose(result.contracts, expected, rel_tol=1e-8)
    assert math.isclose(_health(POOL, ORDER, result.contracts), 2.0, rel_tol=1e-8)
    assert _health(POOL, ORDER, result.contracts + 0.001) < 2.0  # one more lot breaks it
    assert _health(POOL, ORDER, result.contracts) >= 2.0


def test_the_move_limit_binds_when_a_fall_of_the_warning_move_would_liquidate():
    # Health 1.1 allows (10,000 / 1.1 - 300) / 30 = 293. A 5 % fall of every mark:
    # balance 10,000 - 3,000 - 150 s, maintenance 0.005 x 57,000 + 0.01 x 2,850 s = 1.0 at
    # s = (7,000 - 285) / (150 + 28.5).
    result = largest_safe_size(POOL, ORDER, 1.1, 0.05)
    expected = (7_000.0 - 285.0) / (150.0 + 28.5)
    assert result.binding == "move down"
    assert math.isclose(result.contracts, expected, rel_tol=1e-8)
    at = evaluate_accounts([replace(POOL, positions=(HELD, replace(ORDER, contracts=expected)))])
    assert at[0].liquidation_move_down == pytest.approx(0.05, rel=1e-8)
    more = replace(ORDER, contracts=result.contracts + 0.01)
    assert (
        evaluate_accounts([replace(POOL, positions=(HELD, more))])[0].liquidation_move_down < 0.05
    )


def test_the_typed_leverage_caps_the_size_at_the_brackets_that_allow_it():
    # Binance BTC brackets allow 125x, 100x, 50x, 20x (1 / (2 x rate)): at 75x an order may
    # reach the third bracket's floor, 250,000 of notional = 250,000 / 60,000 BTC.
    rich = Account("rich", 1_000_000.0)
    order = Position(BTC, Side.LONG, 0.0, 60_000.0, 60_000.0, BINANCE_BTC)
    result = largest_safe_size(rich, order, 2.0, 0.03, leverage=75.0)
    assert result.binding == "leverage"
    assert math.isclose(result.contracts, 250_000.0 / 60_000.0, rel_tol=1e-8)
    # Without a typed leverage the pool's limits decide, far beyond.
    assert largest_safe_size(rich, order, 2.0, 0.03).contracts > 10.0


def test_an_isolated_order_is_sized_at_its_typed_leverage_not_the_venues_maximum():
    # 20x on a 10,600 wallet: 64,000 / 20 = 3,200 of margin per BTC, so 10,600 / 3,200 BTC
    # (212,000 of notional, 20x the wallet). Its own health is 10, and a 3 % fall leaves
    # 1,280 per BTC against 310.4 of maintenance: the wallet binds.
    wallet = Account("iso", 10_600.0)
    order = Position(
        BTC, Side.LONG, 0.0, 64_000.0, 64_000.0, Maintenance.flat(0.005),
        margin_mode=MarginMode.ISOLATED,
    )  # fmt: skip
    result = largest_safe_size(wallet, order, 2.0, 0.03, leverage=20.0)
    assert math.isclose(result.contracts, 10_600.0 / 3_200.0, rel_tol=1e-8)
    assert result.binding == "wallet"
    notional = result.contracts * 64_000.0
    assert notional / 10_600.0 == pytest.approx(20.0, rel=1e-8)
    with pytest.raises(ValueError, match="leverage"):
        largest_safe_size(wallet, order, 2.0, 0.03)


def test_an_isolated_orders_own_move_binds_at_high_leverage():
    # 50x: 1,280 of margin per BTC; a 3 % fall loses 1,920: its own move binds at once.
    wallet = Account("iso", 10_600.0)
    order = Position(
        BTC, Side.LONG, 0.0, 64_000.0, 64_000.0, Maintenance.flat(0.005),
        margin_mode=MarginMode.ISOLATED,
    )  # fmt: skip
    result = largest_safe_size(wallet, order, 2.0, 0.03, leverage=50.0)
    assert result.contracts == 0.0
    assert result.binding == "own move"


def test_an_order_on_a_held_symbol_takes_the_held_mark():
    # Typed at 70,000, the order is valued at the held 60,000 (one market, one mark): another
    # 1 BTC long adds 300 of maintenance per BTC: 10,000 / (300 + 300 s) = 2 -> s = 15.67.
    order = replace(HELD, contracts=0.0, mark_price=70_000.0, hypothetical=True)
    result = largest_safe_size(POOL, order, 2.0, 0.001)
    assert math.isclose(result.contracts, (5_000.0 - 300.0) / 300.0, rel_tol=1e-8)


def test_a_pool_already_past_a_limit_gets_zero():
    result = largest_safe_size(POOL, ORDER, 40.0, 0.001)
    assert (result.contracts, result.binding) == (0.0, "already")
