"""The venue's figures for one account, from its own reference of Binance's rules.

`figures` turns a book at the venue's marks into the reference's Portfolio (reference.py) and
keeps every number the endpoints serve: per position (positionRisk), per asset and in total
(account, balance). Binance sends numbers as decimal strings; `dec` and `plain` write them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from monitor.sources.sim.book import SimBook, SimPosition
from monitor.sources.sim.liquidation import liquidation_price
from monitor.sources.sim.markets import SimMarket
from monitor.sources.sim.reference import Leg, Portfolio, Rate, leg_maintenance_in_pool


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
    leg: Leg
    pool: str
    notional: float  # signed, like Binance's
    pnl: float
    maintenance: float  # in the contract's margin asset (maintMargin)
    pool_maintenance: float  # in the pool's currency (USD in multi-assets mode)
    liquidation: float | None  # the reference's, before any reporting fault
    reported_liquidation: float | None  # as served (liquidation_offset applied)
    initial_margin: float

    @property
    def mark(self) -> float:
        return self.leg.mark

    @property
    def asset(self) -> str:
        return self.market.quote

    @property
    def isolated_margin(self) -> float:
        """Binance's isolatedMargin: the isolated wallet plus its unrealised PnL."""
        wallet = self.source.isolated_wallet
        return 0.0 if wallet is None else wallet + self.pnl


@dataclass(frozen=True)
class AssetFigures:
    """One row of the account's assets[] in the asset's own units [ACC]."""

    asset: str
    cross_wallet: float
    isolated_wallets: float
    cross_pnl: float
    isolated_pnl: float
    maintenance: float
    initial_margin: float
    cross_initial: float

    @property
    def wallet(self) -> float:  # walletBalance: cross plus isolated wallets
        return self.cross_wallet + self.isolated_wallets

    @property
    def pnl(self) -> float:
        return self.cross_pnl + self.isolated_pnl

    @property
    def margin_balance(self) -> float:  # marginBalance = walletBalance + unrealizedProfit
        return self.wallet + self.pnl

    @property
    def cross_available(self) -> float:
        return max(0.0, self.cross_wallet + self.cross_pnl - self.cross_initial)


@dataclass(frozen=True)
class AccountFigures:
    book: SimBook
    portfolio: Portfolio
    positions: tuple[PositionFigures, ...]
    assets: tuple[AssetFigures, ...]

    @property
    def multi_assets(self) -> bool:
        return self.book.multi_assets

    def asset(self, name: str) -> AssetFigures:
        return next(a for a in self.assets if a.asset == name)

    def rate(self, asset: str) -> Rate:
        return self.portfolio.rates[asset]


def portfolio_of(
    book: SimBook,
    markets: Mapping[str, SimMarket],
    marks: Mapping[str, float],
    rates: Mapping[str, Rate],
) -> Portfolio:
    """The reference's view of `book` at `marks` (by market id)."""
    legs = []
    for p in book.positions:
        m = markets[p.market]
        legs.append(
            Leg(
                symbol=m.id,
                position_side=p.side,
                amount=p.amount,
                entry=p.entry_price,
                mark=marks[m.id],
                tiers=m.brackets,
                asset=m.quote,
                base=m.base,
                isolated_wallet=p.isolated_wallet,
                label=m.symbol,
            )
        )
    wanted = {leg.asset for leg in legs} | set(book.all_wallets)
    return Portfolio(
        tuple(legs),
        book.all_wallets,
        book.multi_assets,
        {a: r for a, r in rates.items() if a in wanted} if book.multi_assets else {},
    )


def figures(
    book: SimBook,
    markets: Mapping[str, SimMarket],
    marks: Mapping[str, float],
    rates: Mapping[str, Rate],
    liquidation_offset: float = 0.0,
) -> AccountFigures:
    portfolio = portfolio_of(book, markets, marks, rates)
    rows = []
    for p, leg in zip(book.positions, portfolio.legs, strict=True):
        liq = liquidation_price(portfolio, leg)
        notional = leg.amount * leg.mark
        rows.append(
            PositionFigures(
                source=p,
                market=markets[p.market],
                leg=leg,
                pool=portfolio.pool_of(leg),
                notional=notional,
                pnl=leg.pnl(leg.mark),
                maintenance=leg.maintenance(leg.mark),
                pool_maintenance=leg_maintenance_in_pool(portfolio, leg),
                liquidation=liq,
                reported_liquidation=None if liq is None else liq * (1.0 + liquidation_offset),
                initial_margin=abs(notional) / p.leverage,
            )
        )
    return AccountFigures(book, portfolio, tuple(rows), _assets(book, rows))


def _assets(book: SimBook, rows: list[PositionFigures]) -> tuple[AssetFigures, ...]:
    names = list(book.all_wallets)
    names += sorted({r.asset for r in rows} - set(names))
    out = []
    for name in names:
        mine = [r for r in rows if r.asset == name]
        cross = [r for r in mine if not r.source.isolated]
        isolated = [r for r in mine if r.source.isolated]
        out.append(
            AssetFigures(
                asset=name,
                cross_wallet=book.all_wallets.get(name, 0.0),
                isolated_wallets=sum(r.source.isolated_wallet or 0.0 for r in isolated),
                cross_pnl=sum(r.pnl for r in cross),
                isolated_pnl=sum(r.pnl for r in isolated),
                maintenance=sum(r.maintenance for r in mine),
                initial_margin=sum(r.initial_margin for r in mine),
                cross_initial=sum(r.initial_margin for r in cross),
            )
        )
    return tuple(out)
