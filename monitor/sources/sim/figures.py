"""The venue's figures for one account, computed by the margin engine.

Every figure comes from the engine evaluating the account at the venue's marks, so the venue
reports what Binance would: maintenance with brackets and cum, margin balance, liquidation
prices. Binance sends numbers as decimal strings; `dec` and `plain` write them that way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from monitor.domain import Account, Book, evaluate_arrays
from monitor.sources.sim.book import SimBook, SimPosition
from monitor.sources.sim.markets import SimMarket


def dec(value: float, places: int = 8) -> str:
    """Binance-style decimal string; "0" rather than "-0.00000000"."""
    text = f"{value:.{places}f}"
    return "0" if float(text) == 0 else text


def plain(value: float) -> str:
    """A price or size as typed by a person ("62850.5"), without trailing zeros."""
    text = f"{value:.8f}".rstrip("0").rstrip(".")
    return text or "0"


@dataclass(frozen=True)
class PositionFigures:
    source: SimPosition
    market: SimMarket
    mark: float
    notional: float  # signed, like Binance's
    pnl: float
    maintenance: float
    liquidation: float | None  # engine's, before any reporting fault
    reported_liquidation: float | None
    initial_margin: float

    @property
    def isolated_margin(self) -> float:
        """Binance's isolatedMargin: the isolated wallet plus its unrealised PnL."""
        wallet = self.source.isolated_wallet
        return 0.0 if wallet is None else wallet + self.pnl


@dataclass(frozen=True)
class AccountFigures:
    book: SimBook
    positions: tuple[PositionFigures, ...]
    cross_pnl: float
    cross_initial: float

    @property
    def total_wallet(self) -> float:
        return self.book.wallet + sum(p.source.isolated_wallet or 0.0 for p in self.positions)

    @property
    def total_pnl(self) -> float:
        return sum(p.pnl for p in self.positions)

    @property
    def total_maintenance(self) -> float:
        return sum(p.maintenance for p in self.positions)

    @property
    def total_initial(self) -> float:
        return sum(p.initial_margin for p in self.positions)

    @property
    def available(self) -> float:
        return max(0.0, self.book.wallet + self.cross_pnl - self.cross_initial)


def figures(
    book: SimBook, account: Account, markets: dict[str, SimMarket], liquidation_offset: float
) -> AccountFigures:
    """Evaluate `account` (the engine's view of `book`) and keep Binance's per-position fields."""
    ev = evaluate_arrays(Book.build((account,)))
    rows = []
    for i, p in enumerate(book.positions):
        liq = float(ev.liquidation_price[i])
        engine_liq = liq if math.isfinite(liq) and liq > 0 else None
        rows.append(
            PositionFigures(
                source=p,
                market=markets[p.market],
                mark=float(ev.marks[i]),
                notional=math.copysign(float(ev.notional[i]), p.amount),
                pnl=float(ev.unrealized_pnl[i]),
                maintenance=float(ev.maintenance[i]),
                liquidation=engine_liq,
                reported_liquidation=(
                    None if engine_liq is None else engine_liq * (1.0 + liquidation_offset)
                ),
                initial_margin=float(ev.notional[i]) / p.leverage,
            )
        )
    cross = [r for r in rows if not r.source.isolated]
    return AccountFigures(
        book=book,
        positions=tuple(rows),
        cross_pnl=sum(r.pnl for r in cross),
        cross_initial=sum(r.initial_margin for r in cross),
    )
