"""`check --json` on an account at the simulated venue: the probability of liquidation on the
venue's served +-s candles against the symmetric walk's barrier probability, funding per day
against notional x rate x intervals a day on the rate served, the runway against the venue's
own margin balance and maintenance — and a portfolio file, which names no venue, says unknown."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.sources.sim import SimBook, SimPosition, SimVenue
from tests.domain.random_walk import S, barrier_probability, symmetric_returns

EXAMPLE = Path(__file__).parents[2] / "resources" / "examples" / "two-positions.json"
Q = 0.5


def book(wallet: float) -> SimBook:
    return SimBook(name="walk", wallet=wallet, positions=(SimPosition("BTCUSDT", Q, 64_000.0, 20),))


def test_check_json_reports_probability_and_funding(db_url, capsys, monkeypatch, memory_keyring):
    venue = SimVenue(seed=1, demo_book=None)
    venue.start()
    try:
        key = venue.add_book(book(4_000.0), "risk-key", "risk-secret")
        mark = venue.marks()["BTCUSDT"]

        # Move the wallet so the venue's own liquidation price sits mid-way between two steps
        # of the walk (40.5 steps of s below the mark): within a bracket it is linear in the
        # wallet, so a few secant steps land it.
        def steps_down(wallet: float) -> float:
            venue.set_book(key.api_key, book(wallet))
            liq = venue.reported(key.api_key).position("BTC/USDT:USDT", "long").liquidation_price
            return math.log(mark / liq) / S

        w0, w1 = 4_000.0, 4_100.0
        x0, x1 = steps_down(w0), steps_down(w1)
        for _ in range(6):
            w0, x0, w1 = w1, x1, w1 + (40.5 - x1) * (w1 - w0) / (x1 - x0)
            x1 = steps_down(w1)
        assert x1 == pytest.approx(40.5, abs=0.01)

        venue.history.set_returns("BTCUSDT", symmetric_returns(), last=mark)
        venue.history.set_funding("BTCUSDT", "0.00025000")  # every 8 h
        monkeypatch.setenv("MARGIN_MONITOR_API_KEY", key.api_key)
        monkeypatch.setenv("MARGIN_MONITOR_API_SECRET", key.secret)
        add = ["--db", db_url, "accounts", "add", "walk", "--exchange", "binanceusdm"]
        assert main([*add, "--api-url", venue.url]) == 0
        capsys.readouterr()
        main(["--db", db_url, "check", "--refresh", "--json", "--paths", "3000", "--seed", "9"])
        out, err = capsys.readouterr()
        reported = venue.reported(key.api_key).pool("USDT")
        # --no-odds: a quick check that reads no candles, and says so (never a 0).
        served = venue.requests.count("/fapi/v1/markPriceKlines")
        assert served > 0  # the odds were worked out on the venue's candles
        main(["--db", db_url, "check", "--json", "--no-odds"])
        quick = json.loads(capsys.readouterr().out)["accounts"][0]["pools"][0]
        assert venue.requests.count("/fapi/v1/markPriceKlines") == served
    finally:
        venue.stop()
    (account,) = json.loads(out)["accounts"]
    (pool,) = account["pools"]
    p24, err24 = (
        pool["liquidation_probability"]["24h"],
        pool["liquidation_probability_error"]["24h"],
    )
    assert abs(p24 - barrier_probability(1440, 41)) <= err24 + 0.02, (p24, err)
    expected = -(Q * mark) * 0.00025 * 3  # a long pays a positive rate, three times a day
    assert pool["funding_per_day"] == pytest.approx(expected, rel=1e-9)
    room = reported.margin_balance - reported.maintenance_margin
    assert pool["funding_runway_days"] == pytest.approx(room / -expected, rel=1e-6)
    assert quick["liquidation_probability"] == {"1h": None, "8h": None, "24h": None}
    assert quick["liquidation_probability_unknown"] == "not computed (--no-odds)"
    assert quick["funding_per_day"] is None


def test_a_portfolio_file_says_unknown_never_zero(capsys):
    main(["check", "--json", "--portfolio", str(EXAMPLE)])
    (account,) = json.loads(capsys.readouterr().out)["accounts"]
    assert account["liquidation_probability"] == {"1h": None, "8h": None, "24h": None}
    assert account["liquidation_probability_unknown"].startswith("unknown: no candles")
    assert account["funding_per_day"] is None and account["funding_runway_days"] is None
    assert account["funding_unknown"].startswith("unknown: no funding")
    main(["check", "--portfolio", str(EXAMPLE)])
    assert "liquidation probability unknown: no candles" in capsys.readouterr().out
