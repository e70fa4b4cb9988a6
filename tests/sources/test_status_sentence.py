"""A watched account's failure in words (status_sentence): the connection test's sentence, told
of an account the app keeps retrying, still one well-formed sentence ("…here. The app keeps
retrying.", never "…here, The app…" nor "….. The app…")."""

from __future__ import annotations

import re

import ccxt
import pytest

from monitor.sources.exchange.diagnosis import diagnose, status_sentence

# Failures whose test sentence ends in "test again…", as ccxt raises them for Binance.
FAILURES = [
    ccxt.OnMaintenance('binanceusdm {"code": 1, "msg": "System is under maintenance."}'),
    ccxt.DDoSProtection("binanceusdm 429 Too Many Requests"),
    ccxt.ExchangeNotAvailable("binanceusdm GET https://fapi.binance.com/fapi/v3/account 502"),
]


@pytest.mark.parametrize("failure", FAILURES, ids=lambda f: type(f).__name__)
def test_a_retried_failure_reads_as_one_sentence(failure: ccxt.BaseError) -> None:
    tested = diagnose(failure, "binanceusdm").sentence
    assert re.search(r"[Tt]est again( later| in a minute)?\.$", tested)  # what is replaced
    watched = status_sentence(failure, "binanceusdm")
    assert watched.endswith(". The app keeps retrying.")
    assert "test again" not in watched.lower()
    assert ", The" not in watched and ": The" not in watched and ".." not in watched
    # Everything before the retry note is the test's sentence, its own words kept.
    head = watched.removesuffix(" The app keeps retrying.").rstrip(".")
    assert tested.startswith(head)
