"""The simulated venue's distant past: a 1-minute close for any minute before its seeded week,
so a client can ask for any past window (a crash replay) as it would of Binance.

Outside the crash windows below, each market walks calmly around its start price: every UTC day
is a seeded Brownian bridge that starts and ends the day at the start price (so days join up,
and any day is rebuilt alike on every request). Inside a crash window a crash's shape is added
to that walk (log offsets, 0 at the window's start); it ends where the shape ends, so the price
jumps back at the window's last minute — a replay reads only the window.

Windows are the presets of monitor/service/crash_replay.py (the sim does not import the app);
a test checks the two lists agree. Every market is served at every date, as if listed then.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

MINUTE_MS = 60_000
DAY_MINUTES = 24 * 60
CALM_DAILY_VOLATILITY = 0.5  # of the market's own daily volatility: a quiet day

# The 2025-10-10 tariff crash, BTC's mark in log offsets from 18:00 UTC, at key minutes (linear
# between). An APPROXIMATION of the recorded shape, from public reports of the day (Binance
# BTCUSDT, rounded): ~121.5-122k at 18:00, a slide to ~118.5k by 20:00 on the first tariff
# threats, the 100 % tariff post at ~20:50, then the liquidation cascade: ~110k by 21:05 and the
# low ~104.8k at ~21:20 (about -14 % in half an hour), a rebound to ~111k by 21:35, and
# ~112k from 22:30 to 06:00. Alts fell far more: ETH ~4,350 -> ~3,450 (-21 %); SOL, XRP and DOGE
# -30 to -50 % on the mark (last-trade wicks went deeper). Each market's path is BTC's log
# offsets times its multiple in OCT_2025_MULTIPLE — itself an approximation of those figures.
OCT_2025_BTC = (
    (0, 0.0),
    (120, np.log(118_500 / 122_000)),
    (170, np.log(117_000 / 122_000)),
    (185, np.log(110_000 / 122_000)),
    (200, np.log(104_800 / 122_000)),
    (215, np.log(111_000 / 122_000)),
    (270, np.log(112_000 / 122_000)),
    (720, np.log(112_000 / 122_000)),
)
OCT_2025_MULTIPLE = {
    "BTCUSDT": 1.0,
    "BTCUSDC": 1.0,
    "ETHUSDT": 1.55,
    "ETHUSDC": 1.55,
    "BNBUSDT": 1.0,
    "SOLUSDT": 2.3,
    "XRPUSDT": 3.0,
    "DOGEUSDT": 3.5,
}
# Other presets: a documented plain shape, not a recording. BTC falls by `depth` (log) in a
# straight line over the first 40 % of the window and wins back half of it by the end; alts
# fall PLAIN_ALT_MULTIPLE times as far. The depths are rounded public figures of each event.
PLAIN_TROUGH_AT = 0.4
PLAIN_ALT_MULTIPLE = 1.5
PLAIN_DEPTH = {  # (start ms, end ms) -> BTC's log fall to the trough
    (1583971200000, 1584100800000): np.log(0.60),  # 2020-03-12: ~7.9k -> ~4.7k on the mark
    (1621382400000, 1621468800000): np.log(0.70),  # 2021-05-19: ~43k -> ~30k
    (1667865600000, 1668038400000): np.log(0.78),  # 2022-11-08: ~20.5k -> ~15.7k
    (1722772800000, 1722859200000): np.log(0.85),  # 2024-08-05: ~58k -> ~49k
}
OCT_2025 = (1760119200000, 1760162400000)  # 2025-10-10 18:00 .. 10-11 06:00 UTC
WINDOWS = (*PLAIN_DEPTH, OCT_2025)
NOISE = 0.0006  # minute noise on a crash path (log, bridged to 0 at both ends), x the multiple


def _seed(*parts: object) -> list[int]:
    return [zlib.crc32(str(p).encode()) for p in parts]


def _calm(market_id: str, seed: int, daily_volatility: float, minutes: np.ndarray) -> np.ndarray:
    """Log offsets of the calm walk at these absolute minutes (UTC days are bridges)."""
    out = np.empty(minutes.size)
    days = minutes // DAY_MINUTES
    sigma = CALM_DAILY_VOLATILITY * daily_volatility / np.sqrt(DAY_MINUTES)
    for day in np.unique(days).tolist():
        rng = np.random.default_rng(_seed(seed, market_id, day))
        walk = np.concatenate([[0.0], np.cumsum(rng.normal(0.0, sigma, DAY_MINUTES))])
        bridge = walk - np.linspace(0.0, walk[-1], DAY_MINUTES + 1)
        at = days == day
        out[at] = bridge[minutes[at] - day * DAY_MINUTES]
    return out


def _shape(window: tuple[int, int], market_id: str, into: np.ndarray) -> np.ndarray:
    """A crash's log offsets at these minutes into its window."""
    length = (window[1] - window[0]) // MINUTE_MS
    if window == OCT_2025:
        points = np.array(OCT_2025_BTC)
        btc = np.interp(into, points[:, 0], points[:, 1])
        multiple = OCT_2025_MULTIPLE.get(market_id, 2.5)
    else:
        depth = PLAIN_DEPTH[window]
        trough = PLAIN_TROUGH_AT * length
        btc = np.interp(into, [0, trough, length], [0.0, depth, depth / 2])
        multiple = 1.0 if market_id.startswith("BTC") else PLAIN_ALT_MULTIPLE
    rng = np.random.default_rng(_seed("crash", window[0], market_id))
    walk = np.concatenate([[0.0], np.cumsum(rng.normal(0.0, NOISE, length))])
    noise = walk - np.linspace(0.0, walk[-1], length + 1)
    shape: np.ndarray = multiple * (btc + noise[np.clip(into, 0, length)])
    return shape


def past_closes(
    market_id: str, start_price: float, daily_volatility: float, seed: int, opens: Sequence[int]
) -> np.ndarray:
    """The closes of the 1-minute candles opening at `opens` (epoch ms, whole minutes)."""
    minutes = np.asarray(opens, dtype=np.int64) // MINUTE_MS
    logs = _calm(market_id, seed, daily_volatility, minutes)
    for window in WINDOWS:
        first, last = window[0] // MINUTE_MS, window[1] // MINUTE_MS
        inside = (minutes >= first) & (minutes <= last)
        if inside.any():
            logs[inside] += _shape(window, market_id, minutes[inside] - first)
    closes: np.ndarray = start_price * np.exp(logs)
    return closes
