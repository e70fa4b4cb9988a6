"""Test an exchange account before it is added: one read, and what was found or what failed.

Runs on the service's loop (the reader, ccxt, never on the UI thread). A failure comes back in
the trader's words with the field at fault (sources/exchange/diagnosis.py), never the
library's text nor a secret.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from monitor.service.api import ConnectionReport, Credentials, ExchangeSettings
from monitor.service.sources import Connection
from monitor.sources.exchange.diagnosis import diagnose

if TYPE_CHECKING:
    from monitor.service.sources import ReaderFactory

TEST_TIMEOUT = 60.0


async def try_connection(
    reader_factory: ReaderFactory,
    settings: ExchangeSettings,
    credentials: Credentials,
    now: float,
    timeout: float = TEST_TIMEOUT,
) -> ConnectionReport:
    reader: Any = None
    try:
        reader = reader_factory(Connection(settings, credentials), "test")
        async with asyncio.timeout(timeout):  # not wait_for (account_worker.py)
            result = await reader.fetch(now)
    except Exception as exc:
        found = diagnose(exc, settings.exchange_id, settings.api_url)
        return ConnectionReport(False, found.sentence, found.field)
    finally:
        if reader is not None:
            await reader.close()
    parts = []
    for pool in result.accounts:
        currency = pool.collateral or ""
        parts.append(
            f"{len(pool.positions)} position(s), wallet {pool.counted_wallet:,.2f} "
            f"{currency}".rstrip()
        )
    return ConnectionReport(True, "; ".join(parts) or "connected: no margin pools")
