"""Gate and Bitget (unverified): ccxt's unified position and balance fields -> pools.

These venues add the taker fee to the maintenance rate in their liquidation formula
(margin-math.md §3, §6, §7), so the market's taker fee becomes close_fee_rate. The wallet is the
settle currency's balance without unrealised PnL; each venue names that differently in `info`.
Not replay-tested (no recorded Bitget payloads; Gate's has no markets file): both venues are
shown as unverified. OKX has its own module (okx.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from monitor.domain.model import Account, Maintenance, MarginMode, Position, Side
from monitor.sources.exchange.errors import Malformed
from monitor.sources.exchange.numbers import liquidation_price, number, optional_number
from monitor.sources.exchange.pools import PooledPosition, assemble, settle_of

# Raw key of a position's isolated margin (excluding uPnL) per venue.
ISOLATED_MARGIN_KEY = {"gate": "margin", "bitget": "marginSize"}


def _bitget_wallet(balance: Mapping[str, Any], currency: str, isolated: float, where: str) -> float:
    """Bitget's accountEquity (what ccxt reports as `total`) already holds the unrealised PnL
    and the isolated margins (/api/v2/mix/account/accounts): the cross wallet is what is left
    without them, or the engine would count the PnL twice."""
    for row in balance.get("info") or []:
        if isinstance(row, Mapping) and row.get("marginCoin") == currency:
            at = f"{where} {currency}"
            equity = number(row.get("accountEquity"), f"{at} accountEquity")
            pnl = number(row.get("unrealizedPL") or 0.0, f"{at} unrealizedPL")
            return equity - pnl - isolated
    raise Malformed(f"{where}: no {currency} account")


def _wallet(venue: str, balance: Mapping[str, Any], currency: str, where: str) -> float:
    """Settle-currency wallet excluding unrealised PnL."""
    totals = balance.get(currency) or {}
    total = optional_number(totals.get("total"), f"{where} {currency} total")
    if total is None:
        raise Malformed(f"{where}: no {currency} balance")
    return total


def generic_accounts(
    account: str,
    venue: str,
    positions: list[Mapping[str, Any]],
    balance: Mapping[str, Any],
    markets: Mapping[str, Mapping[str, Any]],
    maintenance: Callable[[str], Maintenance],
) -> tuple[Account, ...]:
    where = f"{venue} account {account!r}"
    pooled = []
    for p in positions:
        symbol = str(p.get("symbol"))
        at = f"{where} position {symbol}"
        market = markets.get(symbol)
        if market is None:
            raise Malformed(f"{at}: unknown market")
        contracts = number(p.get("contracts"), f"{at} contracts")
        if contracts == 0:
            continue
        mark = number(p.get("markPrice"), f"{at} markPrice")
        mode = MarginMode(str(p.get("marginMode") or "cross"))
        isolated = None
        if mode is MarginMode.ISOLATED:
            key = ISOLATED_MARGIN_KEY.get(venue, "margin")
            isolated = number((p.get("info") or {}).get(key), f"{at} info.{key}")
        side = str(p.get("side"))
        if side not in ("long", "short"):
            raise Malformed(f"{at}: side {side!r}")
        pooled.append(
            PooledPosition(
                settle_of(symbol),
                Position(
                    symbol=symbol,
                    side=Side(side),
                    contracts=contracts,
                    contract_size=number(market.get("contractSize") or 1.0, f"{at} contractSize"),
                    inverse=bool(market.get("inverse")),
                    entry_price=number(p.get("entryPrice"), f"{at} entryPrice"),
                    mark_price=mark,
                    maintenance=maintenance(symbol),
                    close_fee_rate=number(market.get("taker") or 0.0, f"{at} taker fee"),
                    margin_mode=mode,
                    isolated_margin=isolated,
                    leverage=optional_number(p.get("leverage"), f"{at} leverage"),
                    exchange_liquidation_price=liquidation_price(p.get("liquidationPrice"), mark),
                ),
            )
        )
    currencies = {pp.pool for pp in pooled}
    if venue == "bitget":
        wallets = {
            c: _bitget_wallet(
                balance,
                c,
                sum(pp.position.isolated_margin or 0.0 for pp in pooled if pp.pool == c),
                where,
            )
            for c in currencies
        }
    else:
        wallets = {c: _wallet(venue, balance, c, where) for c in currencies}
    return assemble(account, venue, wallets, pooled)
