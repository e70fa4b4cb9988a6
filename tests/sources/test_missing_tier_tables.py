"""A venue whose maintenance tables ccxt cannot read (Gate without a market type, Bitget: both
raise before any request) leaves those positions unknown, not the whole account failing."""

from __future__ import annotations

import asyncio
from typing import Any

from ccxt.base import errors as ccxt_errors

from monitor.contracts import Credentials, ExchangeSettings
from monitor.domain import evaluate_accounts
from monitor.domain.model import Account, Maintenance, Position, Side
from monitor.sources.exchange.reader import NO_TABLE, ExchangeReader, _without_tables


class NoTables:
    """A ccxt exchange as far as tier tables go: it cannot read them."""

    def __init__(self) -> None:
        self.options: dict[str, Any] = {}

    async def fetch_leverage_tiers(self, symbols: list[str]) -> Any:
        raise ccxt_errors.NotSupported("bitget fetchLeverageTiers() is not supported yet")


def test_tables_ccxt_cannot_read_make_those_positions_unknown() -> None:
    reader = ExchangeReader(
        ExchangeSettings("bitget"), Credentials("k", "s", "p"), exchange=NoTables()
    )
    asyncio.run(reader._refresh_tiers(0.0, ["BTC/USDT:USDT"]))  # no exception: read goes on
    placeholder = reader._maintenance("BTC/USDT:USDT")
    btc = Position("BTC/USDT:USDT", Side.LONG, 1, 60_000, 60_000, placeholder)
    eth = Position("ETH/USDT:USDT", Side.LONG, 10, 3_000, 3_000, Maintenance.flat(0.01))
    pool = Account("bitget-main", 10_000.0, (btc, eth))
    (marked,) = _without_tables((pool,), reader._missing_tiers)
    assert marked.positions[0].unknown == NO_TABLE and marked.positions[1].unknown is None
    (report,) = evaluate_accounts([marked])
    assert report.unknown is not None and NO_TABLE in report.unknown  # never "OK" on 0 margin
