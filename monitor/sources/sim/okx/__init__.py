"""A simulated OKX v5 venue (single-currency margin account) on 127.0.0.1.

It states OKX's documented margin rules on its own (reference.py) and never imports the app's
domain: what it reports is what the app must reproduce.
"""

from monitor.sources.sim.okx.book import FeeRates, OkxBook, OkxPosition
from monitor.sources.sim.okx.client import okx_at
from monitor.sources.sim.okx.demo import DEMO_BOOK, DEMO_CREDENTIALS, DEMO_MARKS, serve
from monitor.sources.sim.okx.instruments import INSTRUMENTS, OkxInstrument, OkxTier
from monitor.sources.sim.okx.venue import OkxCredentials, OkxVenue

__all__ = [
    "DEMO_BOOK",
    "DEMO_CREDENTIALS",
    "DEMO_MARKS",
    "INSTRUMENTS",
    "FeeRates",
    "OkxBook",
    "OkxCredentials",
    "OkxInstrument",
    "OkxPosition",
    "OkxTier",
    "OkxVenue",
    "okx_at",
    "serve",
]
