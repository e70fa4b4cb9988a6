"""`margin-monitor sim --crash PCT_PER_MIN` as a user runs it: the banner gives the websocket URL,
ccxt.pro watches the marks fall at that pace to the floor and stay there, SIGTERM stops it.

Expected prices come from the flags and the market's listed start price (the crash plays from
the start, so the walk never moves the marks first).
"""

from __future__ import annotations

import asyncio
import re
import signal
import time
from itertools import pairwise

import pytest

from monitor.sources.sim import MARKETS, SimVenue
from monitor.sources.sim.ws_client import pro_binanceusdm_at
from tests.sources.test_sim_cli import banner, launch

BTC = next(m for m in MARKETS if m.id == "BTCUSDT")
PCT_PER_MIN, DELAY_S, FLOOR_PCT = 600.0, 1.0, 20.0  # 10 % a second: the floor 2 s in


async def fall(api_url: str, ws_url: str, floor: float) -> list[tuple[float, float]]:
    """(arrival time, BTC mark) of every push until the floor, then two more."""
    exchange = pro_binanceusdm_at(api_url, ws_url, enable_rate_limit=False)
    seen: list[tuple[float, float]] = []
    try:
        while len([p for _, p in seen if p == floor]) < 3:
            ticker = await asyncio.wait_for(exchange.watch_mark_price(BTC.symbol), 5)
            seen.append((time.monotonic(), ticker["markPrice"]))
    finally:
        await exchange.close()
    return seen


def test_crash_falls_at_its_pace_to_the_floor_over_the_stream() -> None:
    process = launch(
        *("--port", "0", "--ws-port", "0", "--seed", "3", "--tick", "0.05"),
        *("--crash", f"{PCT_PER_MIN:g}", "--crash-delay", f"{DELAY_S:g}"),
        *("--crash-floor", f"{FLOOR_PCT:g}"),
    )
    try:
        text = "".join(banner(process))
        api = re.search(r"at (http://127\.0\.0\.1:\d+)", text)
        ws = re.search(r"(ws://127\.0\.0\.1:\d+)", text)
        assert api is not None and ws is not None, text
        assert "600 %/min" in text and "-20 %" in text
        floor = round(BTC.start_price * (1 - FLOOR_PCT / 100), 8)
        seen = asyncio.run(fall(api.group(1), ws.group(1), floor))
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err
    prices = [p for _, p in seen]
    assert all(b <= a for a, b in pairwise(prices))  # only ever down
    assert min(prices) == floor and prices[-3:] == [floor] * 3  # it stays at the floor
    falling = [t for t, p in seen if floor < p < BTC.start_price]
    # 20 % at 10 %/s takes 2 s of the venue's clock, which never runs ahead of real time.
    assert len(falling) > 10
    assert 1.5 < falling[-1] - falling[0] < 6.0


@pytest.mark.parametrize(
    "args",
    [
        ("--crash", "0"),
        ("--crash", "5", "--venue", "okx"),
        ("--crash", "5", "--crash-floor", "100"),
    ],
)
def test_a_bad_crash_is_a_usage_error(args: tuple[str, ...]) -> None:
    process = launch("--port", "0", "--ws-port", "0", *args)
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "--crash" in err and "Traceback" not in err


def test_a_taken_websocket_port_is_a_clear_error() -> None:
    venue = SimVenue()
    port = venue.start_stream().rsplit(":", 1)[1]
    try:
        process = launch("--port", "0", "--ws-port", port)
        _out, err = process.communicate(timeout=30)
    finally:
        venue.stop()
    assert process.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in err and "Traceback" not in err
