"""What a failed connection test tells the trader, for failures the Binance simulator does not
play: other venues' codes (raised by ccxt's own error handling from the venues' documented
bodies), an unknown host name, a venue that never answers."""

from __future__ import annotations

import asyncio
import json

import ccxt
import pytest

from monitor.contracts import Credentials, ExchangeSettings
from monitor.service.connection_test import try_connection
from monitor.service.sources import Connection
from monitor.sources.exchange.diagnosis import diagnose
from monitor.sources.exchange.reader import ExchangeReader
from monitor.sources.sim import DEMO_CREDENTIALS, SimVenue

# (venue, its documented error body, the field to fix, the sentence's first words)
VENUE_CODES = [
    ("bybit", {"retCode": 10003, "retMsg": "API key is invalid."}, "apiKey", "Wrong API key"),
    ("bybit", {"retCode": 10004, "retMsg": "error sign!"}, "secret", "Wrong secret"),
    ("bybit", {"retCode": 10005, "retMsg": "Permission denied"}, "apiKey", "No permission"),
    ("bybit", {"retCode": 10002, "retMsg": "invalid request, timestamp"}, "clock", "Clock skew"),
    ("okx", {"code": "50111", "msg": "Invalid OK-ACCESS-KEY"}, "apiKey", "Wrong API key"),
    ("okx", {"code": "50105", "msg": "Invalid OK-ACCESS-PASSPHRASE"}, "password", "Wrong pass"),
    ("okx", {"code": "50102", "msg": "Timestamp request expired"}, "clock", "Clock skew"),
]


@pytest.mark.parametrize(("venue", "body", "field", "words"), VENUE_CODES)
def test_other_venues_codes_name_the_field(
    venue: str, body: dict[str, object], field: str, words: str
) -> None:
    exchange = getattr(ccxt, venue)()
    text = json.dumps(body)
    with pytest.raises(ccxt.BaseError) as caught:
        exchange.handle_errors(
            401, "Unauthorized", "https://h/p", "GET", {}, text, body, None, None
        )
    found = diagnose(caught.value, venue)
    assert found.field == field and found.sentence.startswith(words)
    assert type(caught.value).__name__ not in found.sentence  # the trader's words only


def reader(connection: Connection, name: str) -> ExchangeReader:
    return ExchangeReader(
        connection.settings, connection.credentials, account_name=name, enable_rate_limit=False
    )


def test_an_unknown_host_name_is_a_dns_failure_beside_the_api_url() -> None:
    url = "https://margin-monitor-test.invalid"  # .invalid never resolves (RFC 6761)
    settings = ExchangeSettings("binanceusdm", api_url=url)
    report = asyncio.run(try_connection(reader, settings, Credentials("k", "s"), 0.0))
    assert not report.ok and report.field == "api_url"
    assert "margin-monitor-test.invalid" in report.message and "DNS" in report.message


def test_a_venue_that_never_answers_is_said_to_time_out(sim_venue: SimVenue) -> None:
    sim_venue.faults.set("hang")
    settings = ExchangeSettings("binanceusdm", api_url=sim_venue.url)
    keys = Credentials(DEMO_CREDENTIALS.api_key, DEMO_CREDENTIALS.secret)
    report = asyncio.run(try_connection(reader, settings, keys, 0.0, timeout=0.5))
    sim_venue.faults.clear("hang")
    assert not report.ok and report.field == "api_url"
    assert report.message.startswith("Cannot reach the venue") and "in time" in report.message
    assert DEMO_CREDENTIALS.secret not in report.message
