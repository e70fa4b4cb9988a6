"""Fixtures for the source tests. Sim fixtures: a running simulated venue and ccxt clients
pointed at it (real ccxt, real HTTP, 127.0.0.1 only)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import ccxt
import pytest

from monitor.sources.sim import DEMO_CREDENTIALS, SimVenue, binanceusdm_at


@pytest.fixture
def sim_venue() -> Iterator[SimVenue]:
    venue = SimVenue(seed=7)
    venue.start()
    yield venue
    venue.stop()


SimClientFactory = Callable[..., ccxt.binanceusdm]


@pytest.fixture
def sim_client(sim_venue: SimVenue) -> SimClientFactory:
    """Make sync ccxt clients for the venue: sim_client(api_key=..., secret=..., timeout_ms=...)."""

    def make(
        api_key: str = DEMO_CREDENTIALS.api_key,
        secret: str = DEMO_CREDENTIALS.secret,
        timeout_ms: int = 5_000,
    ) -> ccxt.binanceusdm:
        return binanceusdm_at(
            sim_venue.url, api_key, secret, timeout_ms=timeout_ms, enable_rate_limit=False
        )

    return make
