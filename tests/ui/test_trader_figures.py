"""Break-even prices by their defining invariant, through the real engine: closing at the
break-even price, the unrealised PnL pays exactly the taker fee to close (linear: f·q·P in
quote; inverse: f·q/P in coin), long and short."""

from __future__ import annotations

import dataclasses

import pytest

from monitor.domain.engine import evaluate_accounts
from monitor.domain.model import Account, Maintenance, Position, Side
from monitor.ui.trader_figures import break_even


@pytest.mark.parametrize("inverse", [False, True])
@pytest.mark.parametrize("side", [Side.LONG, Side.SHORT])
def test_closing_at_break_even_nets_zero_after_the_fee(inverse: bool, side: Side) -> None:
    fee = 0.0005
    if inverse:  # 100 contracts of 100 USD each (Binance COIN-M BTCUSD_PERP)
        position = Position(
            "BTC/USD:BTC", side, 100, 60_000, 60_000, Maintenance.flat(0.005),
            contract_size=100, inverse=True, close_fee_rate=fee,
        )  # fmt: skip
    else:
        position = Position(
            "BTC/USDT:USDT", side, 2, 60_000, 60_000, Maintenance.flat(0.005), close_fee_rate=fee
        )
    price = break_even(position)
    assert price is not None and price != position.entry_price
    at = dataclasses.replace(position, mark_price=price)
    (report,) = evaluate_accounts([Account("b", 100_000.0, (at,))])
    pnl = report.positions[0].unrealized_pnl
    q = position.size
    fee_to_close = fee * q / price if inverse else fee * q * price
    assert pnl == pytest.approx(fee_to_close, rel=1e-9)
    # No fee known: the entry itself.
    assert break_even(dataclasses.replace(position, close_fee_rate=0.0)) == position.entry_price
