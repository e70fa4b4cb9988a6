"""Keys and signed requests never travel unencrypted off this machine (issue 12): plain http://
and ws:// only to loopback; anything else is refused with a reason, before any request."""

from __future__ import annotations

import ccxt
import pytest

from monitor.cli import main
from monitor.contracts import endpoint_problem
from monitor.sources.exchange.build import point_at
from monitor.sources.exchange.stream import point_ws_at


@pytest.mark.parametrize(
    "url",
    ["https://fapi.example.com", "wss://fstream.example.com", "http://127.0.0.1:8080",
     "http://localhost:1", "ws://127.0.0.1:9", "http://[::1]:80"],
)  # fmt: skip
def test_encrypted_anywhere_or_plain_on_this_machine_is_accepted(url: str) -> None:
    assert endpoint_problem(url) is None


@pytest.mark.parametrize(
    "url", ["http://fapi.example.com", "ws://10.0.0.5:9000", "ftp://x", "not a url"]
)
def test_plain_or_odd_urls_elsewhere_are_refused(url: str) -> None:
    problem = endpoint_problem(url, "--api-url")
    assert problem is not None and "--api-url" in problem


def test_the_reader_and_the_stream_refuse_them_too() -> None:
    exchange = ccxt.binanceusdm()
    with pytest.raises(ValueError, match="unencrypted"):
        point_at(exchange, "http://proxy.example.com")
    with pytest.raises(ValueError, match="unencrypted"):
        point_ws_at(exchange, "ws://proxy.example.com")


def test_accounts_add_refuses_plain_http_naming_the_flag(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = db_url
    status = main(
        ["--db", db, "accounts", "add", "x", "--exchange", "binanceusdm",
         "--api-url", "http://fapi.example.com"]
    )  # fmt: skip
    assert status == 1
    assert "--api-url: plain http://" in capsys.readouterr().err
