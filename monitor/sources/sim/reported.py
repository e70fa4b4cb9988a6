"""What a simulated venue itself reports for one account, from its own reference of the venue's
rules (never from monitor.domain): the figures the app must reproduce.

Pools are named the way the app names them: a cross pool by its settle currency ("USDT",
"USDC", "BTC" for a coin-margined pool) or "USD" for a venue's USD-valued multi-asset/unified
pool; an isolated position is a pool of its own, named "isolated <symbol> <side>".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportedPosition:
    symbol: str  # ccxt unified symbol, e.g. "BTC/USDT:USDT"
    side: str  # "long" | "short"
    pool: str
    liquidation_price: float | None  # None: no positive price liquidates
    maintenance_margin: float  # in the pool's currency (USD for a USD pool)


@dataclass(frozen=True)
class ReportedPool:
    pool: str
    margin_balance: float  # in the pool's currency, collateral haircuts applied
    maintenance_margin: float

    @property
    def health(self) -> float | None:
        """The app's orientation: margin balance / maintenance (1.0 liquidates)."""
        return (
            None if self.maintenance_margin <= 0 else self.margin_balance / self.maintenance_margin
        )


@dataclass(frozen=True)
class ReportedAccount:
    positions: tuple[ReportedPosition, ...]
    pools: tuple[ReportedPool, ...]

    def position(self, symbol: str, side: str) -> ReportedPosition:
        for p in self.positions:
            if p.symbol == symbol and p.side == side:
                return p
        raise KeyError(f"{symbol} {side}")

    def pool(self, name: str) -> ReportedPool:
        for p in self.pools:
            if p.pool == name:
                return p
        raise KeyError(name)
