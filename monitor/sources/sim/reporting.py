"""What the venue reports for an account (ReportedAccount), and the uniform move that takes a
pool to a given health - both from the reference (reference.py), never from monitor.domain."""

from __future__ import annotations

from monitor.sources.sim.figures import AccountFigures
from monitor.sources.sim.reference import Portfolio, pool_figures
from monitor.sources.sim.reported import ReportedAccount, ReportedPool, ReportedPosition


def reported_account(a: AccountFigures) -> ReportedAccount:
    """Every position's liquidation price (before any reporting fault) and maintenance, and
    every pool's margin balance and maintenance, in the pool's currency."""
    positions = tuple(
        ReportedPosition(
            symbol=f.market.symbol,
            side=f.leg.side,
            pool=f.pool,
            liquidation_price=f.liquidation,
            maintenance_margin=f.pool_maintenance,
        )
        for f in a.positions
    )
    pools = []
    for name in a.portfolio.pools():
        figs = pool_figures(a.portfolio, name)
        pools.append(ReportedPool(name, figs.margin_balance, figs.maintenance))
    return ReportedAccount(positions, tuple(pools))


def cross_pool(portfolio: Portfolio, pool: str | None) -> str:
    cross = [p for p in portfolio.pools() if not p.startswith("isolated ")]
    if pool is not None:
        if pool not in cross:
            raise ValueError(f"no cross pool {pool!r}; the account has {', '.join(cross)}")
        return pool
    if len(cross) != 1:
        raise ValueError(f"the account has cross pools {', '.join(cross)}: name one")
    return cross[0]


def pool_health_at(portfolio: Portfolio, pool: str, factor: float) -> float:
    """The pool's margin balance / maintenance with every mark (and collateral) times factor."""
    moved = {leg.symbol: leg.mark * factor for leg in portfolio.legs}
    figs = pool_figures(portfolio, pool, moved)
    return figs.margin_balance / figs.maintenance if figs.maintenance > 0 else float("inf")


def factor_for_health(portfolio: Portfolio, health: float, pool: str | None = None) -> float:
    """The uniform factor (< 1) on every mark that brings the cross pool to `health`."""
    name = cross_pool(portfolio, pool)
    if not pool_health_at(portfolio, name, 1.0) > health:
        raise ValueError(f"health is already at or below {health} at the current marks")
    lo, hi = 1e-6, 1.0
    if not pool_health_at(portfolio, name, lo) < health:
        raise ValueError(f"no uniform fall of the marks brings the pool to health {health}")
    for _ in range(200):  # bisection: health falls as marks fall for a net-long pool
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if pool_health_at(portfolio, name, mid) < health else (lo, mid)
        if hi - lo < 1e-12:
            break
    return hi
