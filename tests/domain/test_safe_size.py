"""Largest safe size of a new order: each limit binding in turn, the size re-stated by hand from
the pool's balance and maintenance (tests/domain/reference.py checks the result's health)."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from monitor.domain import evaluate_accounts
from monitor.domain.model import Account, Maintenance, MarginMode, Position, Side
from monitor.domain.safe_size import largest_safe_size

from . import reference
from .strategies import accounts, positions

BTC, ETH = "BTC/USDT:USDT", "ETH/USDT:USDT"
BINANCE_BTC = Maintenance.tiered(
    [0, 50_000, 250_000, 1_000_000], [0.004, 0.005, 0.01, 0.025], [0, 50, 1_300, 16_300]
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


def test_the_venues_own_maximum_leverage_per_bracket_caps_the_size():
    # OKX's BTC-USDT-SWAP bands (the simulated OKX serves them: mmr 0.4 %, 0.5 %, 0.75 %,
    # maxLever 100, 66.66, 50; 1 / (2 x rate) would say 125x, 100x, 66.7x). Floors in notional
    # at 60,000: 0, 1,000.01 x 0.01 BTC, 5,000.01 x 0.01 BTC. At 75x the venue refuses the
    # second band: the order stops at its floor; the derived maxima would allow it.
    floors = [0.0, 1_000.01 * 0.01 * 60_000.0, 5_000.01 * 0.01 * 60_000.0]
    rates = [0.004, 0.005, 0.0075]
    okx = Maintenance.tiered(floors, rates, [None] * 3, [100.0, 66.66, 50.0])
    rich = Account("rich", 1_000_000.0)
    order = Position(BTC, Side.LONG, 0.0, 60_000.0, 60_000.0, okx)
    result = largest_safe_size(rich, order, 2.0, 0.03, leverage=75.0)
    assert result.binding == "leverage" and not result.leverage_derived
    assert math.isclose(result.contracts, floors[1] / 60_000.0, rel_tol=1e-8)
    assert result.reason == "the venue's maximum leverage for that size"
    # 110x: above even the first band's 100x, so nothing is allowed (derived: 125x allowed it).
    assert largest_safe_size(rich, order, 2.0, 0.03, leverage=110.0).contracts == 0.0
    # The same table without the venue's figures: derived, and the reason says so.
    bare = replace(order, maintenance=Maintenance.tiered(floors, rates, [None] * 3))
    derived = largest_safe_size(rich, bare, 2.0, 0.03, leverage=75.0)
    assert derived.binding == "leverage" and derived.leverage_derived
    assert math.isclose(derived.contracts, floors[2] / 60_000.0, rel_tol=1e-8)
    assert "the venue gave no maximum of its own" in derived.reason


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


def _within(account: Account, order: Position, size: float, health: float, move: float) -> bool:
    """Checked with the engine: the pool with `size` of the order holds both limits."""
    sized = replace(order, contracts=size)
    report = evaluate_accounts([replace(account, positions=(*account.positions, sized))])[0]
    nearer = report.liquidation_move
    return (report.health_ratio is None or report.health_ratio >= health * (1 - 1e-7)) and (
        nearer is None or nearer >= move * (1 - 1e-7)
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(accounts(allow_entry_basis=False), st.data(), st.floats(1.2, 4.0), st.floats(0.005, 0.2))
def test_the_size_holds_both_limits_and_a_little_more_breaks_one(account, data, health, move):
    """Invariant on random pools (linear and inverse, brackets, collateral): the pool holds the
    warning health and move at the size returned, and 0.1 % more breaks one of them."""
    assume(not account.settle_assets)  # multi-asset pools: PnL through bid/ask, approximated
    template = data.draw(positions(account.positions[0].inverse, allow_entry_basis=False))
    order = replace(template, margin_mode=MarginMode.CROSS, isolated_margin=None,
                    entry_price=template.mark_price, hypothetical=True)  # fmt: skip
    result = largest_safe_size(account, order, health, move)
    assume(0 < result.contracts < math.inf and result.binding != "already")
    assert _within(account, order, result.contracts, health, move)
    assert not _within(account, order, result.contracts * 1.001, health, move)


def _isolated_within(account, order, size, leverage, health, move) -> bool:
    """The pool (its wallet less the order's margin) and the order itself hold both limits."""
    z_entry = 1 / order.entry_price if order.inverse else order.entry_price
    margin = size * order.contract_size * z_entry / leverage
    sized = replace(order, contracts=size, isolated_margin=margin)
    pool = replace(account, wallet_balance=account.wallet_balance - margin)
    report = evaluate_accounts([replace(pool, positions=(*pool.positions, sized))])[0]
    own = report.positions[-1]
    nearer = report.liquidation_move
    return (
        report.health_ratio >= health * (1 - 1e-7)
        and (nearer is None or nearer >= move * (1 - 1e-7))
        and own.health_ratio >= health * (1 - 1e-7)
        and own.distance_to_liquidation >= move * (1 - 1e-7)
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    accounts(allow_entry_basis=False),
    st.data(),
    st.floats(1.2, 4.0),
    st.floats(0.005, 0.2),
    st.sampled_from([2.0, 5.0, 10.0, 20.0]),
)
def test_an_isolated_size_holds_its_own_and_the_pools_limits(account, data, health, move, lev):
    """Invariant on random pools with cross positions (a pool without maintenance only caps
    the margin it can post: test_an_isolated_order_is_sized_at_its_typed_leverage...)."""
    assume(not account.settle_assets)
    assume(any(p.margin_mode is MarginMode.CROSS for p in account.positions))
    template = data.draw(positions(account.positions[0].inverse, allow_entry_basis=False))
    order = replace(template, margin_mode=MarginMode.ISOLATED, entry_price=template.mark_price,
                    hypothetical=True)  # fmt: skip
    # The order's market mark: a held row of its symbol decides (one market, one mark).
    with_order = replace(account, positions=(*account.positions, order))
    mark = reference.market_marks(with_order).positions[-1].mark_price
    order = replace(order, entry_price=mark, mark_price=mark)
    result = largest_safe_size(account, order, health, move, leverage=lev)
    assume(0 < result.contracts < math.inf and result.binding not in ("already", "leverage"))
    assert _isolated_within(account, order, result.contracts, lev, health, move)
    assert not _isolated_within(account, order, result.contracts * 1.001, lev, health, move)


def test_an_order_joining_a_held_position_is_bracketed_with_it():
    # Held 3 BTC long at 60,000 on 4,000; more of it makes one position of 180,000 + 60,000 s.
    # Health 2 allows 2,000 of maintenance: in the 1 % bracket 0.01 N - 1,300 = 2,000 at
    # N = 330,000, s = 2.5 (bracketed apart the order would seem to allow about 3.3).
    held = Position(BTC, Side.LONG, 3.0, 60_000.0, 60_000.0, BINANCE_BTC)
    order = replace(held, contracts=0.0, hypothetical=True)
    result = largest_safe_size(Account("pool", 4_000.0, (held,)), order, 2.0, 0.001)
    assert result.binding == "health"
    assert math.isclose(result.contracts, 2.5, rel_tol=1e-8)
