"""The app (real ccxt -> adapter -> engine) against the simulated venues' own figures.

A venue stand-in states its venue's documented rules on its own (monitor/sources/sim/*/
reference.py, never monitor.domain); these tests hold the app to what it reports.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterator
from typing import Any

import pytest

from monitor.domain import AccountHealth, MarginMode, evaluate_accounts
from monitor.domain.model import Account
from monitor.service.api import Credentials, ExchangeSettings
from monitor.sources.exchange.reader import ExchangeReader
from monitor.sources.sim.reported import ReportedAccount
from tests.keyring_memory import MemoryKeyring, use_memory_keyring

REL = 1e-6


def fetch(exchange_id: str, url: str, credentials: Credentials) -> tuple[Account, ...]:
    """One refresh through the app's reader: real ccxt over HTTP to the venue."""
    reader = ExchangeReader(
        ExchangeSettings(exchange_id, api_url=url),
        credentials,
        account_name="t",
        enable_rate_limit=False,
    )

    async def go() -> tuple[Account, ...]:
        try:
            return (await reader.fetch(0.0)).accounts
        finally:
            await reader.close()

    return asyncio.run(go())


def close(ours: float | None, theirs: float | None, money: bool = False) -> bool:
    """Within 1e-6 relative; a sum of money also within a millionth of a unit (venues print
    balances to 8 decimals: a wallet of 0.001953125 reaches us as 0.00195312)."""
    if ours is None or theirs is None:
        return ours is None and theirs is None
    return math.isclose(ours, theirs, rel_tol=REL, abs_tol=1e-6 if money else 0.0)


def disagreements(pools: tuple[Account, ...], reported: ReportedAccount) -> list[str]:
    """Every pool health and liquidation price of ours that differs from the venue's > 1e-6."""
    problems = []
    healths: tuple[AccountHealth, ...] = evaluate_accounts(list(pools))
    cross_pools = {p.pool for p in reported.pools if not p.pool.startswith("isolated ")}
    seen_pools = set()
    for pool, health in zip(pools, healths, strict=True):
        name = pool.collateral or ""
        if name in cross_pools:
            seen_pools.add(name)
            theirs = reported.pool(name)
            if not close(health.margin_balance, theirs.margin_balance, money=True):
                problems.append(
                    f"{name} margin balance {health.margin_balance} vs {theirs.margin_balance}"
                )
            if not close(health.maintenance_margin, theirs.maintenance_margin, money=True):
                problems.append(
                    f"{name} maintenance {health.maintenance_margin} vs {theirs.maintenance_margin}"
                )
            if not close(health.health_ratio, theirs.health):
                problems.append(f"{name} health {health.health_ratio} vs {theirs.health}")
            # What the app shows as "the exchange's health", read from the venue's answer.
            venue = pool.exchange_health_ratio
            if venue is not None and not math.isclose(venue, theirs.health or 0, rel_tol=1e-5):
                problems.append(f"{name} venue health read as {venue} vs {theirs.health}")
        for p in health.positions:
            theirs_p = _venue_position(reported, p.symbol, p.side.value, p.margin_mode)
            if not close(p.liquidation_price, theirs_p.liquidation_price):
                problems.append(
                    f"{p.symbol} {p.side.value}: liq {p.liquidation_price} vs "
                    f"{theirs_p.liquidation_price}"
                )
            if not close(p.maintenance_margin, theirs_p.maintenance_margin, money=True):
                problems.append(
                    f"{p.symbol} {p.side.value}: maintenance {p.maintenance_margin} vs "
                    f"{theirs_p.maintenance_margin}"
                )
            if p.margin_mode is MarginMode.ISOLATED:
                own = reported.pool(theirs_p.pool)
                if not close(p.health_ratio, own.health):
                    problems.append(
                        f"{p.symbol} {p.side.value}: isolated health {p.health_ratio} "
                        f"vs {own.health}"
                    )
    # An empty pool whose balance the venue prints as 0 is nothing at risk (and not listed).
    missing = {
        name
        for name in cross_pools - seen_pools
        if reported.pool(name).maintenance_margin > 0
        or abs(reported.pool(name).margin_balance) > 1e-6
    }
    if missing:
        problems.append(f"pools the venue has and we do not: {sorted(missing)}")
    ours_n = sum(len(h.positions) for h in healths)
    if ours_n != len(reported.positions):
        problems.append(f"{ours_n} positions vs the venue's {len(reported.positions)}")
    return problems


def _venue_position(reported: ReportedAccount, symbol: str, side: str, mode: MarginMode) -> Any:
    """The venue's position of that symbol, side and margin mode (a venue may hold a cross and
    an isolated one of the same symbol and side)."""
    isolated = mode is MarginMode.ISOLATED
    for p in reported.positions:
        if (p.symbol, p.side) == (symbol, side) and p.pool.startswith("isolated ") == isolated:
            return p
    raise KeyError(f"{symbol} {side} {mode.value}")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    yield from use_memory_keyring()
