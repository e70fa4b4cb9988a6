"""A collector taking accounts over reads each with a reader made just then. Two things held
those first reads up by seconds (measured on the desk test: 7-12 s from the kill):

* the Multi-Assets mode ask weighs 30 in ccxt's rate limiter (30 x 50 ms): asked beside the
  reads, the positions request queued behind it for 1.5 s — at every account's first read;
* each ccxt instance loaded the CA bundle for its own TLS context at its first request, with
  the event loop stopped (27 ms each, more on a busy machine): twenty in a row.

Real ccxt with its rate limiter on (as in production), the simulated venue on loopback."""

from __future__ import annotations

import asyncio
import ssl
import time

from monitor.service.api import Credentials, ExchangeSettings
from monitor.service.sources import Connection, default_reader
from monitor.sources.exchange.build import build_exchange
from monitor.sources.sim.venue import DEMO_CREDENTIALS

POSITIONS = "/fapi/v3/positionRisk"
MODE = "/fapi/v1/multiAssetsMargin"


def test_a_new_reader_reads_the_positions_before_the_weighty_mode_ask(venue):
    settings = ExchangeSettings("binanceusdm", api_url=venue.url)
    reader = default_reader(
        Connection(settings, Credentials(DEMO_CREDENTIALS.api_key, DEMO_CREDENTIALS.secret)),
        "taken-over",
    )
    assert reader.exchange.enableRateLimit  # the production limiter, not the tests' shortcut

    async def first_read() -> None:
        try:
            await reader.fetch(time.time())
        finally:
            await reader.close()

    asyncio.run(first_read())
    paths = [r.path for r in venue.requests.records()]
    assert MODE in paths, paths  # the mode is still asked at the first read
    assert POSITIONS in paths, paths
    # Every read the account's figures need came before the mode ask, none waits behind it.
    assert max(i for i, p in enumerate(paths) if p != MODE) < paths.index(MODE), paths


def test_every_venue_instance_shares_one_verifying_tls_context():
    made = [
        build_exchange(ExchangeSettings("binanceusdm"), Credentials("k", "s")),
        build_exchange(ExchangeSettings("bybit"), Credentials("k", "s")),
    ]
    first, second = (exchange.ssl_context for exchange in made)
    assert first is not None and first is second
    assert first.verify_mode is ssl.CERT_REQUIRED and first.check_hostname
