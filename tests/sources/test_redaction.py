"""Secrets never reach a message or a log line (issue 12): a mistyped webhook is not printed
whole, ccxt's request log carries no key or signature, database URLs lose their password."""

from __future__ import annotations

import asyncio
import logging

import pytest

from monitor.contracts import Credentials, ExchangeSettings
from monitor.redact import secret_fields, url_host_only, without_password
from monitor.service.webhooks import parse_target
from monitor.sources.exchange.build import build_exchange
from monitor.sources.sim.venue import DEMO_CREDENTIALS, SimVenue

TOKEN = "T0KEN-9f8e7d"


@pytest.mark.parametrize(
    "entry",
    [
        f"pager=https://hooks.slack.com/services/T00/B00/{TOKEN}",
        f"json=ftp://hooks.example.com/{TOKEN}",
        f"https://hooks.example.com/{TOKEN}",
    ],
)
def test_a_mistyped_webhook_is_named_by_kind_and_host_only(entry: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_target(entry)
    assert TOKEN not in str(raised.value)
    assert "hooks." in str(raised.value)  # still says which one


def test_ccxts_request_log_carries_no_key_or_signature(caplog: pytest.LogCaptureFixture) -> None:
    venue = SimVenue(seed=2)
    url = venue.start()
    try:
        exchange = build_exchange(
            ExchangeSettings("binanceusdm", api_url=url),
            Credentials(DEMO_CREDENTIALS.api_key, DEMO_CREDENTIALS.secret),
            enable_rate_limit=False,
        )

        async def read() -> None:
            try:
                await exchange.fetch_balance()
            finally:
                await exchange.close()

        with caplog.at_level(logging.DEBUG, logger="ccxt.base.exchange"):
            asyncio.run(read())
    finally:
        venue.stop()
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("ccxt"))
    assert "Request" in logged  # ccxt did log the requests
    assert DEMO_CREDENTIALS.api_key not in logged
    assert "signature=" in logged and "signature=…" in logged


def test_the_helpers() -> None:
    assert without_password("postgresql://u:pw@h/db") == "postgresql://u:***@h/db"
    assert url_host_only("see https://hooks.x.com/a/b?c=d now") == "see https://hooks.x.com/… now"
    assert (
        secret_fields("{'X-MBX-APIKEY': 'abc123', 'X': 'y'}") == "{'X-MBX-APIKEY': '…', 'X': 'y'}"
    )
