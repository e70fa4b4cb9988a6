"""`margin-monitor replay` on an account at the simulated venue, through a preset crash: the
crossings and the worst health against the venue's served candles (read here over plain HTTP,
as recorded payloads) applied by hand to a one-position isolated book, with Binance's documented
isolated formulas (reference/margin-math.md section 1b) — and the venue's own liquidation price
for the hand formula."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from monitor.cli import main
from monitor.sources.sim import SimBook, SimPosition, SimVenue

Q = 0.5
MMR = 0.004  # BTCUSDT's first bracket (floor 0, cap 50,000; cum 0): Q x mark stays in it
START = int(datetime(2025, 10, 10, 18, tzinfo=UTC).timestamp() * 1000)
END = int(datetime(2025, 10, 11, 6, tzinfo=UTC).timestamp() * 1000)
CRASH = "2025-10-10 tariff crash"
EXAMPLE = Path(__file__).parents[2] / "resources" / "examples" / "two-positions.json"


def served_closes(url: str) -> np.ndarray:
    """The window's mark closes, as the venue serves them to anyone (one request: 721 rows)."""
    query = f"symbol=BTCUSDT&interval=1m&startTime={START}&endTime={END}&limit=1500"
    with urllib.request.urlopen(f"{url}/fapi/v1/markPriceKlines?{query}") as reply:
        rows = json.load(reply)
    assert [r[0] for r in rows] == list(range(START, END + 1, 60_000))
    return np.array([float(r[4]) for r in rows])


def first_minute(health: np.ndarray, level: float) -> float | None:
    at = np.flatnonzero(health <= level)
    return float(at[0]) if at.size else None


def utc(minute: float) -> str:
    return datetime.fromtimestamp(START / 1000 + minute * 60, UTC).isoformat()


def test_replay_of_the_tariff_crash_on_an_isolated_long(
    db_url, capsys, monkeypatch, memory_keyring
):
    venue = SimVenue(seed=1, demo_book=None)
    venue.start()
    try:
        mark = venue.marks()["BTCUSDT"]
        # An isolated long entered at today's mark whose liquidation price is 11 % below it:
        # long LP = (Q E - W - cum) / (Q (1 - MMR))  =>  W = Q E - LP Q (1 - MMR).
        liquidation = 0.89 * mark
        wallet = Q * mark - liquidation * Q * (1 - MMR)
        position = SimPosition("BTCUSDT", Q, mark, 20, isolated_wallet=wallet)
        key = venue.add_book(SimBook("crash", 10_000.0, (position,)), "replay-key", "replay-s")
        reported = venue.reported(key.api_key).position("BTC/USDT:USDT", "long")
        assert reported.liquidation_price == pytest.approx(liquidation, rel=1e-6)
        closes = served_closes(venue.url)
        monkeypatch.setenv("MARGIN_MONITOR_API_KEY", key.api_key)
        monkeypatch.setenv("MARGIN_MONITOR_API_SECRET", key.secret)
        add = ["--db", db_url, "accounts", "add", "crash", "--exchange", "binanceusdm"]
        assert main([*add, "--api-url", venue.url]) == 0
        capsys.readouterr()
        code = main(["--db", db_url, "replay", "--refresh", "--account", "crash", "--crash", CRASH])
        text = capsys.readouterr().out
        as_json = ["--db", db_url, "replay", "--account", "crash", "--crash", CRASH, "--json"]
        json_code = main(as_json)
        doc = json.loads(capsys.readouterr().out)
    finally:
        venue.stop()
    # Today's mark moved as the window's closes moved; the isolated long's health at each
    # minute is (W + Q (P - E)) / (Q P MMR).
    price = mark * closes / closes[0]
    health = (wallet + Q * (price - mark)) / (Q * price * MMR)
    expected = {
        level: first_minute(health, bound)
        for level, bound in (("warning", 2.0), ("critical", 1.25), ("liquidation", 1.0))
    }
    assert expected["liquidation"] is not None  # the crash does take this book down
    worst = int(np.argmin(health))

    # A what-if report: figures computed -> exit 0, liquidated or not.
    assert code == 0 and json_code == 0
    assert doc["window"] == {"name": CRASH, "start": utc(0), "end": utc(720)}
    (account,) = doc["accounts"]
    assert account["account"] == "crash"
    pools = {p["symbol"]: p for p in account["pools"]}
    pool = pools["BTC/USDT:USDT"]
    assert pool["margin_mode"] == "isolated"
    for level, minute in expected.items():
        assert pool[level] == {"minutes": minute, "at": utc(minute)}, level
    assert pool["worst_health"] == pytest.approx(health[worst], rel=1e-6)
    assert pool["worst"] == {"minutes": float(worst), "at": utc(worst)}
    hours, minutes = divmod(int(expected["liquidation"]), 60)
    clock = utc(expected["liquidation"])[11:16]
    assert f"liquidation (1.0) after {hours} h {minutes:02d} min ({clock} UTC)" in text


def test_replay_says_what_is_wrong(db_url, capsys):
    assert main(["replay", "--list"]) == 0
    assert CRASH in capsys.readouterr().out
    assert main(["--db", db_url, "replay", "--account", "x", "--crash", "no such crash"]) == 3
    assert "--crash: unknown preset 'no such crash'" in capsys.readouterr().err
    assert (
        main(
            [
                "--db",
                db_url,
                "replay",
                "--account",
                "x",
                "--from",
                "2025-13-01",
                "--to",
                "2025-12-02",
            ]
        )
        == 3
    )
    assert "--from: not an ISO date" in capsys.readouterr().err
    # A portfolio file names no venue: no candles, said — never a calm replay, never exit 0.
    assert main(["replay", "--portfolio", str(EXAMPLE), "--crash", CRASH, "--json"]) == 3
    out, err = capsys.readouterr()
    pools = [p for a in json.loads(out)["accounts"] for p in a["pools"]]
    assert pools and all(p["unknown"].startswith("unknown: no candles") for p in pools)
    assert "UNKNOWN: no candles" in err
