"""`check`'s probability of liquidation and funding figures, per pool, in JSON and in words.

JSON, beside each pool's health: "liquidation_probability" {"1h", "8h", "24h"} (null each
when it cannot be computed — never a reassuring 0 — and "liquidation_probability_unknown" says
why), "liquidation_probability_error" (one Monte-Carlo standard error each), "funding_per_day"
(the pool's collateral, negative when paying), "funding_runway_days" (days until health 1.0 at
today's funding and marks; null if never), "funding_warning_days", and "funding_unknown".
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from monitor.domain.model import Account
from monitor.domain.risk.probability import HORIZONS_MINUTES, Settings
from monitor.service.risk_figures import MarketInputs, PoolRisk, pool_risks, read_market

if TYPE_CHECKING:
    from monitor.store.portfolio_io import StoredBook

HORIZONS = [name for name, _ in HORIZONS_MINUTES]
Key = tuple[int, int, str | None]  # (account, pool within it, isolated symbol or None)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--paths", type=int, default=10_000, help="simulated price paths for the probability"
    )
    p.add_argument("--seed", type=int, default=None, help="fix the paths (repeatable figures)")
    p.add_argument(
        "--no-odds",
        action="store_true",
        help="skip the odds of liquidation and funding: no candles are read (a quick check)",
    )


SKIPPED = "not computed (--no-odds)"


def settings_from(args: argparse.Namespace) -> Settings:
    if args.paths < 1:
        raise ValueError(f"--paths must be at least 1, got {args.paths}")
    return Settings(paths=args.paths, seed=args.seed)


def file_risks(accounts: Sequence[Account], warning: float) -> dict[Key, PoolRisk]:
    """A portfolio file names no venue: no candles, no funding — said, never 0."""
    market = MarketInputs.none("a portfolio file names no venue")
    risks = pool_risks(accounts, [warning] * len(accounts), market)
    return {(r.pool, 0, r.symbol): r for r in risks}


def stored_risks(books: Sequence[StoredBook], settings: Settings) -> dict[Key, PoolRisk]:
    """Each stored account's pools judged on its own venue's candles and funding."""
    out: dict[Key, PoolRisk] = {}
    for b, book in enumerate(books):
        venue, api_url = book.market
        symbols = sorted({p.symbol for pool in book.pools for p in pool.positions})
        market = asyncio.run(read_market(venue, api_url, symbols)) if symbols else None
        if market is None:
            continue
        warnings = [book.thresholds.warning] * len(book.pools)
        for r in pool_risks(book.pools, warnings, market, settings):
            out[(b, r.pool, r.symbol)] = r
    return out


def risk_fields(r: PoolRisk | None, missing: str = "unknown: no positions") -> dict[str, Any]:
    """The pool's JSON fields; `missing`: why there are no figures when `r` is None."""
    if r is None:
        r = PoolRisk(0, None, {}, missing, None, None, None, missing)
    known = bool(r.probability)
    fields: dict[str, Any] = {
        "liquidation_probability": {h: r.probability[h].p if known else None for h in HORIZONS},
    }
    if known:
        fields["liquidation_probability_error"] = {h: r.probability[h].error for h in HORIZONS}
    else:
        fields["liquidation_probability_unknown"] = r.probability_unknown
    fields["funding_per_day"] = r.funding_per_day
    fields["funding_runway_days"] = r.days_to_liquidation
    fields["funding_warning_days"] = r.days_to_warning
    if r.funding_unknown:
        fields["funding_unknown"] = r.funding_unknown
    return fields


def _pct(p: float) -> str:
    return f"{p * 100:.1f} %"


def words(name: str, collateral: str, r: PoolRisk) -> str:
    """One line: "main: liquidation within 1 h 0.0 % ± 0.0 %, ...; funding pays 26.6 USDT a
    day, health 1.0 in 45 days"."""
    if r.probability:
        chance = "liquidation within " + ", ".join(
            f"{h.replace('h', ' h')} {_pct(e.p)} ± {_pct(e.error)}"
            for h, e in r.probability.items()
        )
    else:
        chance = f"liquidation probability {r.probability_unknown}"
    unit = f" {collateral}" if collateral else ""
    if r.funding_per_day is None:
        money = f"funding {r.funding_unknown}"
    else:
        verb = "pays" if r.funding_per_day < 0 else "receives"
        money = f"funding {verb} {abs(r.funding_per_day):,.2f}{unit} a day"
        if r.days_to_liquidation is None:
            money += ", never reaching 1.0 at this pace"
        else:
            money += f", health 1.0 in {r.days_to_liquidation:,.1f} days at today's rates"
    label = name if r.symbol is None else f"{name} {r.symbol} (isolated)"
    return f"{label}: {chance}; {money}"
