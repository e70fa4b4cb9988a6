"""The header's line on risk beyond the ratio: how likely a liquidation is within 1 h, 8 h and
24 h (with its Monte-Carlo error) and what funding costs a day, from the background risk job
(service/risk_job.py). Text only, no widgets."""

from __future__ import annotations

from monitor.service.snapshot import AccountSnapshot, PoolSnapshot
from monitor.ui import formatting as fmt

RISK_TIP = (
    "Odds of liquidation: the share of simulated price paths (the venue's 1-minute mark "
    "candles of the last 7 days, resampled an hour at a time so markets move together and "
    "keep their fat tails) on which the pool reaches health 1.0 at any minute within the "
    "horizon, ± one Monte-Carlo standard error. Funding: today's rates on today's positions "
    "(negative: the pool pays); days until warning at that pace."
)


def _age(seconds: float) -> str:
    return "just now" if seconds < 60 else f"{seconds / 60:.0f} min ago"


def risk_line(snap: AccountSnapshot | None, pool: PoolSnapshot | None, now: float) -> str | None:
    """The lines for the headline pool (odds; funding and where the odds come from), or None
    while no figures have come (none to show)."""
    if snap is None or pool is None or snap.risk is None:
        return None
    risk = snap.risk
    figures = next((r for name, r in risk.pools if name == pool.pool and r.symbol is None), None)
    if figures is None:
        return None
    ratio = pool.baseline.health_ratio if pool.baseline.known else None
    if ratio is not None and ratio <= 1.0:
        # The paths are redone in the background and take seconds: odds from the book of a
        # minute ago ("1 h 0.0 %") would contradict a pool already at liquidation.
        odds = "Odds of liquidation: at liquidation now"
    elif figures.probability_unknown is not None:
        odds = f"Odds of liquidation: {figures.probability_unknown}"
    else:
        parts = []
        for horizon in ("1h", "8h", "24h"):
            estimate = figures.probability.get(horizon)
            if estimate is not None:
                label = horizon.replace("h", " h")
                parts.append(f"{label} {estimate.p * 100:.1f} % ± {estimate.error * 100:.1f}")
        odds = "Odds of liquidation: " + " · ".join(parts) if parts else "Odds: unknown"
    currency = pool.account.collateral or ""
    if figures.funding_unknown is not None:
        funding = f"Funding {figures.funding_unknown}"
    elif figures.funding_per_day is None:
        funding = "Funding: none"
    else:
        paying = figures.funding_per_day
        funding = f"Funding {fmt.money(paying, currency)} a day"
        if figures.days_to_warning is not None:
            funding += f", warning in {figures.days_to_warning:,.0f} days"
    # Two lines: on one, the three odds and funding no longer fit a laptop's header.
    paths = f"odds from {risk.paths:,} paths, {_age(now - risk.computed_at)}"
    return f"{odds}\n{funding}  ·  {paths}"


def move_band(snap: AccountSnapshot | None, pool: str) -> tuple[float, float] | None:
    """The risk job's 24 h market-move band for the cross pool `pool` ("": the account's
    only pool, as the stress chart names it) (None: none yet)."""
    if snap is None or snap.risk is None:
        return None
    pool = pool or (snap.pools[0].pool if len(snap.pools) == 1 else "")
    figures = next((r for name, r in snap.risk.pools if name == pool and r.symbol is None), None)
    band = None if figures is None else figures.moves.get("24h")
    return None if band is None else (band.low, band.high)
