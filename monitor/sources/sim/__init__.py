"""A simulated Binance USDⓈ-M venue on 127.0.0.1 for demos and end-to-end tests.

Real ccxt talks real HTTP to it; its figures come from its own statement of Binance's rules
(reference.py), never from the app's engine. See venue.py for the API and client.py for
pointing ccxt (or the exchange adapter) at it.
"""

from monitor.sources.sim.book import DEMO_BOOK, SimBook, SimPosition
from monitor.sources.sim.client import (
    USDM_OPTIONS,
    async_binanceusdm_at,
    binanceusdm_at,
    point_binanceusdm_at,
)
from monitor.sources.sim.faults import FaultKind
from monitor.sources.sim.markets import MARKETS, SimMarket
from monitor.sources.sim.prices import DEMO_CRASH
from monitor.sources.sim.reported import ReportedAccount, ReportedPool, ReportedPosition
from monitor.sources.sim.venue import DEMO_CREDENTIALS, Credentials, SimVenue

__all__ = [
    "DEMO_BOOK",
    "DEMO_CRASH",
    "DEMO_CREDENTIALS",
    "MARKETS",
    "USDM_OPTIONS",
    "Credentials",
    "FaultKind",
    "ReportedAccount",
    "ReportedPool",
    "ReportedPosition",
    "SimBook",
    "SimMarket",
    "SimPosition",
    "SimVenue",
    "async_binanceusdm_at",
    "binanceusdm_at",
    "point_binanceusdm_at",
]
