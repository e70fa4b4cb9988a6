"""What the simulated OKX venue reports for an account, from its reference of OKX's rules.

Per position: its pool, liqPx, and the maintenance that counts against equity in mgnRatio
(the `mmr` amount + the liquidation fee). Per pool: equity and Σ(mmr + fee), so that
margin_balance / maintenance_margin equals OKX's mgnRatio.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from monitor.sources.sim.okx.book import OkxBook
from monitor.sources.sim.okx.instruments import OkxInstrument
from monitor.sources.sim.okx.reference import (
    Leg,
    Pool,
    by_leg,
    liquidation_price,
    margin_ratio,
    pool_equity,
    pool_requirement,
    pools_of,
)
from monitor.sources.sim.reported import ReportedAccount, ReportedPool, ReportedPosition


@dataclass(frozen=True)
class LegFigures:
    """Every figure of one position at the current marks."""

    leg: Leg
    pool: Pool
    mark: float
    notional: float
    upl: float
    maintenance: float  # the `mmr` amount
    close_fee: float
    initial: float  # notional / lever at mark
    margin_ratio: float | None  # the pool's
    liquidation_price: float | None


@dataclass(frozen=True)
class AccountFigures:
    book: OkxBook
    pools: tuple[Pool, ...]
    legs: tuple[LegFigures, ...]  # in book order
    equity: Mapping[str, float]  # pool name -> equity
    requirement: Mapping[str, float]  # pool name -> Σ (mmr + fee)
    ratio: Mapping[str, float | None]  # pool name -> mgnRatio


def account_figures(
    book: OkxBook, instruments: Mapping[str, OkxInstrument], marks: Mapping[str, float]
) -> AccountFigures:
    pools = pools_of(book, instruments)
    pool_of = by_leg(pools)
    ratios = {p.name: margin_ratio(p, marks) for p in pools}
    liq_cache: dict[tuple[str, str], float | None] = {}
    legs = []
    for pool in pools:
        for leg in pool.legs:
            key = (pool.name, leg.inst.inst_id)  # hedge legs of one instrument share a liqPx
            if key not in liq_cache:
                liq_cache[key] = liquidation_price(pool, leg.inst.inst_id, marks)
    for index in sorted(pool_of):
        pool = pool_of[index]
        leg = next(g for g in pool.legs if g.index == index)
        px = marks[leg.inst.inst_id]
        legs.append(
            LegFigures(
                leg=leg,
                pool=pool,
                mark=px,
                notional=leg.notional(px),
                upl=leg.upl(px),
                maintenance=leg.maintenance(px),
                close_fee=leg.close_fee(px),
                initial=leg.initial(px),
                margin_ratio=ratios[pool.name],
                liquidation_price=liq_cache[(pool.name, leg.inst.inst_id)],
            )
        )
    return AccountFigures(
        book=book,
        pools=pools,
        legs=tuple(legs),
        equity={p.name: pool_equity(p, marks) for p in pools},
        requirement={p.name: pool_requirement(p, marks) for p in pools},
        ratio=ratios,
    )


def reported_account(figures: AccountFigures) -> ReportedAccount:
    positions = tuple(
        ReportedPosition(
            symbol=f.leg.inst.symbol,
            side=f.leg.position.side,
            pool=f.pool.name,
            liquidation_price=f.liquidation_price,
            maintenance_margin=f.maintenance + f.close_fee,
        )
        for f in figures.legs
    )
    pools = tuple(
        ReportedPool(
            pool=p.name,
            margin_balance=figures.equity[p.name],
            maintenance_margin=figures.requirement[p.name],
        )
        for p in figures.pools
    )
    return ReportedAccount(positions=positions, pools=pools)
