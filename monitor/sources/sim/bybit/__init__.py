"""A simulated Bybit v5 venue (Unified Trading Account) on 127.0.0.1.

Real ccxt (async) bybit, built with options {"enableUnifiedAccount": True,
"enableUnifiedMargin": False} and pointed at the venue's URL, signs its requests and reads
markets, positions, balances, risk limits, fee rates, account info and tiered collateral
ratios from it. Every figure comes from reference.py, a plain statement of Bybit's documented
UTA rules; `BybitVenue.reported(api_key)` gives the figures the app must reproduce.

    venue, url = serve()                  # demo account under DEMO_CREDENTIALS
    ...
    venue.stop()
"""

from __future__ import annotations

import random

from monitor.sources.sim.bybit.book import (
    DEMO_BOOK,
    ISOLATED_MARGIN,
    REGULAR_MARGIN,
    BybitBook,
    BybitPosition,
)
from monitor.sources.sim.bybit.markets import MARKETS, BybitMarket, RiskTier
from monitor.sources.sim.bybit.venue import AccountView, BybitCredentials, BybitVenue

# Plainly fake: valid nowhere but this simulated venue.
DEMO_CREDENTIALS = BybitCredentials("sim-bybit-key", "sim-bybit-secret")

# ccxt options the venue expects (the app's BASE_OPTIONS for bybit are the same).
CCXT_OPTIONS = {"enableUnifiedAccount": True, "enableUnifiedMargin": False}


def serve(port: int = 0, seed: int = 0) -> tuple[BybitVenue, str]:
    """Start a venue holding DEMO_BOOK under DEMO_CREDENTIALS; returns (venue, base URL).

    seed 0 starts at each market's listed mark; another seed moves each start by up to ±2 %
    (deterministically), so two demo venues can disagree.
    """
    venue = BybitVenue(seed=seed)
    if seed:
        jitter = random.Random(seed)
        venue.set_marks({m.id: m.start_mark * (1 + jitter.uniform(-0.02, 0.02)) for m in MARKETS})
    venue.add_account(DEMO_BOOK, DEMO_CREDENTIALS.api_key, DEMO_CREDENTIALS.secret)
    return venue, venue.start(port)


__all__ = [
    "CCXT_OPTIONS",
    "DEMO_BOOK",
    "DEMO_CREDENTIALS",
    "ISOLATED_MARGIN",
    "MARKETS",
    "REGULAR_MARGIN",
    "AccountView",
    "BybitBook",
    "BybitCredentials",
    "BybitMarket",
    "BybitPosition",
    "BybitVenue",
    "RiskTier",
    "serve",
]
