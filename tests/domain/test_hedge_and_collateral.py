"""Hedge legs move together; collateral in the position's base asset moves with it.

Expected values are worked by hand from the liquidation condition margin balance = maintenance.
"""

from __future__ import annotations

import numpy as np
import pytest

from monitor.domain import Book, evaluate_accounts
from monitor.domain.model import (
    Account,
    Collateral,
    HaircutTier,
    Maintenance,
    MarginMode,
    Position,
    SettleAsset,
    Side,
)
from monitor.domain.whatif import stress_curve

BTC = "BTC/USDT:USDT"
BINANCE_BTC = Maintenance.tiered(
    [0, 50_000, 250_000, 1_000_000], [0.004, 0.005, 0.01, 0.025], [0, 50, 1_300, 16_300]
)


FLAT = Maintenance.flat(0.004)


def leg(side: Side, maintenance: Maintenance = FLAT, **kw: object) -> Position:
    base = dict(
        symbol=BTC,
        side=side,
        contracts=1.0,
        entry_price=50_000.0,
        mark_price=50_000.0,
        maintenance=maintenance,
    )
    base.update(kw)
    return Position(**base)  # type: ignore[arg-type]


def test_hedge_legs_share_the_price_where_both_together_liquidate():
    # Wallet 1,000; PnL of the legs cancels; 0.4 % x 2 x P = 1,000 at P = 125,000.
    account = Account("hedge", 1_000.0, (leg(Side.LONG), leg(Side.SHORT)))
    long, short = evaluate_accounts([account])[0].positions
    assert long.liquidation_price == pytest.approx(125_000.0, rel=1e-12)
    assert short.liquidation_price == pytest.approx(125_000.0, rel=1e-12)
    assert long.distance_to_liquidation == pytest.approx(1.5, rel=1e-12)


def test_hedge_legs_use_the_bracket_at_the_liquidation_price():
    # At 110,000 each leg is in the 0.5 % bracket with cum 50: 2 x (0.005 P - 50) = 1,000.
    account = Account("hedge", 1_000.0, (leg(Side.LONG, BINANCE_BTC), leg(Side.SHORT, BINANCE_BTC)))
    prices = [p.liquidation_price for p in evaluate_accounts([account])[0].positions]
    assert prices == pytest.approx([110_000.0, 110_000.0], rel=1e-12)


def test_unequal_hedge_liquidates_on_the_side_of_the_larger_leg():
    # Long 2, short 1 at 50,000, wallet 5,000, flat 0.4 %:
    # 5,000 + (P - 50,000) = 0.004 x 3 P  ->  P = 45,000 / 0.988.
    account = Account(
        "hedge", 5_000.0, (leg(Side.LONG, contracts=2.0), leg(Side.SHORT, contracts=1.0))
    )
    prices = [p.liquidation_price for p in evaluate_accounts([account])[0].positions]
    assert prices == pytest.approx([45_000 / 0.988] * 2, rel=1e-12)


def test_isolated_legs_stay_apart():
    # Isolated legs each carry their own margin: the long alone, (500 + P - 50,000) = 0.004 P.
    long = leg(Side.LONG, margin_mode=MarginMode.ISOLATED, isolated_margin=500.0)
    short = leg(Side.SHORT, margin_mode=MarginMode.ISOLATED, isolated_margin=500.0)
    prices = [
        p.liquidation_price
        for p in evaluate_accounts([Account("i", 0.0, (long, short))])[0].positions
    ]
    assert prices[0] == pytest.approx(49_500 / 0.996, rel=1e-12)
    assert prices[1] == pytest.approx(50_500 / 1.004, rel=1e-12)


def btc_collateral() -> Collateral:
    return Collateral("BTC", 0.1, 50_000.0, (HaircutTier(0.0, 0.95),))


def test_btc_collateral_falls_with_a_btc_long():
    # 0.1 BTC at 95 %: margin balance 0.095 P + (P - 50,000) = 0.004 P -> P = 50,000 / 1.091.
    account = Account("multi", 0.0, (leg(Side.LONG),), collaterals=(btc_collateral(),))
    report = evaluate_accounts([account])[0]
    assert report.margin_balance == pytest.approx(4_750.0, rel=1e-12)
    assert report.positions[0].liquidation_price == pytest.approx(50_000 / 1.091, rel=1e-12)
    # The same 4,750 held in USDT liquidates lower: 4,750 + P - 50,000 = 0.004 P.
    usd = Account("usd", 4_750.0, (leg(Side.LONG),))
    assert evaluate_accounts([usd])[0].positions[0].liquidation_price == pytest.approx(
        45_250 / 0.996, rel=1e-12
    )


def test_collateral_tiers_count_by_quantity():
    # 3 BTC: the first 1 at 95 %, the next 2 at 80 % -> 0.95 + 1.6 = 2.55 BTC counted.
    c = Collateral("BTC", 3.0, 20_000.0, (HaircutTier(0.0, 0.95), HaircutTier(1.0, 0.8)))
    assert c.counted_units == pytest.approx(2.55)
    assert c.value == pytest.approx(51_000.0)
    assert c.ratio == pytest.approx(0.85)


def test_uniform_move_and_stress_curve_move_the_collateral():
    # Short 1 BTC hedged by 1 BTC of collateral at 100 %, under a uniform move P -> 50,000 t:
    # wallet 0, collateral 1 BTC @ 50,000 (value 50,000 t), short PnL 50,000 - 50,000 t:
    # balance = 50,000 for every t; maintenance 0.004 x 50,000 t = 200 t -> health 250 / t.
    account = Account(
        "basis",
        0.0,
        (leg(Side.SHORT),),
        collaterals=(Collateral("BTC", 1.0, 50_000.0),),
    )
    report = evaluate_accounts([account])[0]
    assert report.liquidation_move_down is None
    assert report.liquidation_move_up is None  # health 1.0 only at +24,900 %
    moves = np.array([-0.5, 0.0, 0.5])
    assert stress_curve(account, moves) == pytest.approx(250.0 / (1 + moves), rel=1e-12)


def test_collateral_follows_its_mark_when_marks_move():
    account = Account("multi", 0.0, (leg(Side.LONG),), collaterals=(btc_collateral(),))
    book = Book.build((account,))
    value = book.pool_collateral(np.array([40_000.0]))
    assert value == pytest.approx([0.1 * 0.95 * 40_000.0])


def test_a_settle_asset_counts_at_ask_once_its_equity_turns_negative():
    # Multi-assets pool: USDT wallet 1,000 (bid 0.9, ask 1.1), 0.1 BTC collateral at 100 %,
    # long 1 BTC at 50,000 settled in USDT, 0.4 % maintenance counted at ask (0.0044 P).
    # USDT equity 1,000 + (P - 50,000) is negative below 49,000, where it counts at 1.1:
    # 0.1 P + 1.1 (P - 49,000) = 0.0044 P  ->  P = 53,900 / 1.1956.
    account = Account(
        "multi",
        0.0,
        (leg(Side.LONG),),
        collaterals=(Collateral("BTC", 0.1, 50_000.0),),
        settle_assets=(SettleAsset("USDT", 1_000.0, 0.9, 1.1),),
    )
    report = evaluate_accounts([account])[0]
    assert report.margin_balance == pytest.approx(5_000 + 900, rel=1e-12)
    assert account.counted_wallet == pytest.approx(5_000 + 900, rel=1e-12)  # no PnL at entry
    assert report.maintenance_margin == pytest.approx(0.0044 * 50_000, rel=1e-12)
    assert report.positions[0].maintenance_margin == pytest.approx(220.0, rel=1e-12)
    assert report.positions[0].liquidation_price == pytest.approx(53_900 / 1.1956, rel=1e-12)
    # The uniform move sees the same kink: -(1 - 53,900 / 1.1956 / 50,000).
    assert report.liquidation_move_down == pytest.approx(1 - 53_900 / 1.1956 / 50_000, rel=1e-12)
