"""Assemble normalised positions into domain Accounts: one Account per margin pool.

A pool is one settle/collateral currency (or the venue's USD-valued multi-asset pool). Inverse
and linear positions never share a pool: their PnL is in different units, so mixing them would
make every figure wrong; it is refused as malformed data rather than half-applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from monitor.domain.model import Account, Position
from monitor.sources.exchange.errors import Malformed


@dataclass(frozen=True)
class PooledPosition:
    pool: str  # collateral / settle currency of the pool the position belongs to
    position: Position


def pool_name(account: str, pool: str, pools: int) -> str:
    return account if pools == 1 else f"{account} · {pool}"


def assemble(
    account: str,
    venue: str,
    wallets: Mapping[str, float],
    positions: list[PooledPosition],
    exchange_health: Mapping[str, float | None] | None = None,
) -> tuple[Account, ...]:
    """Accounts for every pool that has a wallet or a position, sorted by pool."""
    names = sorted(set(wallets) | {p.pool for p in positions})
    health = exchange_health or {}
    result = []
    for pool in names:
        members = tuple(p.position for p in positions if p.pool == pool)
        kinds = {p.inverse for p in members}
        if len(kinds) > 1:
            raise Malformed(
                f"{venue} account {account!r}: pool {pool} mixes inverse and linear positions "
                f"({', '.join(p.symbol for p in members)})"
            )
        if pool not in wallets:
            raise Malformed(
                f"{venue} account {account!r}: no {pool} balance for positions "
                f"{', '.join(p.symbol for p in members)}"
            )
        result.append(
            Account(
                name=pool_name(account, pool, len(names)),
                wallet_balance=wallets[pool],
                positions=members,
                venue=venue,
                collateral=pool,
                exchange_health_ratio=health.get(pool),
            )
        )
    return tuple(result)


def settle_of(symbol: str) -> str:
    """Settle currency of a unified ccxt contract symbol ('BTC/USDT:USDT' -> 'USDT')."""
    if ":" not in symbol:
        raise Malformed(f"{symbol!r} is not a contract symbol (no ':settle' part)")
    return symbol.split(":", 1)[1].split("-", 1)[0]


def health_from(margin_balance: float | None, maintenance: float | None) -> float | None:
    """Our orientation (margin balance / maintenance) from a venue's two figures."""
    if margin_balance is None or maintenance is None or maintenance <= 0:
        return None
    return margin_balance / maintenance
