"""The simulated venue's contracts: USDⓈ-M perpetuals with Binance's bracket tables.

BTC and ETH floors and rates are Binance's own (the recorded ccxt fixtures); the smaller
coins share the ADA/LTC table from the same fixtures. `cum` is not listed there: it follows
from the continuity recurrence cum_n = cum_{n-1} + floor_n * (rate_n - rate_{n-1}), which is
how Binance derives it.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.domain import Maintenance

# Binance quotes brackets up to a cap; the last one is open-ended in practice.
_LAST_CAP = 1_000_000_000.0


@dataclass(frozen=True)
class Bracket:
    number: int
    floor: float
    cap: float
    rate: float
    initial_leverage: int
    cum: float


@dataclass(frozen=True)
class SimMarket:
    id: str  # exchange id, e.g. "BTCUSDT"
    base: str
    start_price: float
    daily_volatility: float  # standard deviation of one day's log return
    beta: float  # loading on the common market factor, 0..1
    price_precision: int
    quantity_precision: int
    tick_size: str
    step_size: str
    brackets: tuple[Bracket, ...]

    @property
    def symbol(self) -> str:
        """ccxt's unified symbol, the name the rest of the app uses."""
        return f"{self.base}/USDT:USDT"

    @property
    def maintenance(self) -> Maintenance:
        return Maintenance.tiered(
            [b.floor for b in self.brackets],
            [b.rate for b in self.brackets],
            [b.cum for b in self.brackets],
        )

    def max_leverage(self) -> int:
        return self.brackets[0].initial_leverage


def brackets(floors: list[float], rates: list[float], leverages: list[int]) -> tuple[Bracket, ...]:
    if not (len(floors) == len(rates) == len(leverages)) or floors[0] != 0:
        raise ValueError("bracket table: floors, rates and leverages must align, from floor 0")
    out: list[Bracket] = []
    cum = 0.0
    for i, (floor, rate, lev) in enumerate(zip(floors, rates, leverages, strict=True)):
        if i:
            cum += floor * (rate - rates[i - 1])
        cap = floors[i + 1] if i + 1 < len(floors) else _LAST_CAP
        out.append(Bracket(i + 1, float(floor), float(cap), rate, lev, round(cum, 8)))
    return tuple(out)


_BTC = brackets(
    [
        0,
        50_000,
        250_000,
        3_000_000,
        20_000_000,
        40_000_000,
        100_000_000,
        120_000_000,
        200_000_000,
        300_000_000,
    ],
    [0.004, 0.005, 0.01, 0.025, 0.05, 0.1, 0.125, 0.15, 0.25, 0.5],
    [125, 100, 50, 20, 10, 5, 4, 3, 2, 1],
)
_ETH = brackets(
    [
        0,
        100_000,
        250_000,
        2_000_000,
        15_000_000,
        30_000_000,
        60_000_000,
        80_000_000,
        100_000_000,
        150_000_000,
    ],
    [0.005, 0.0065, 0.01, 0.02, 0.05, 0.1, 0.125, 0.15, 0.25, 0.5],
    [125, 100, 75, 50, 20, 10, 5, 4, 2, 1],
)
_ALT = brackets(
    [0, 10_000, 50_000, 250_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000],
    [0.0065, 0.01, 0.02, 0.05, 0.1, 0.125, 0.15, 0.25],
    [75, 50, 25, 10, 5, 4, 2, 1],
)

MARKETS: tuple[SimMarket, ...] = (
    SimMarket("BTCUSDT", "BTC", 64_000.0, 0.030, 0.95, 1, 3, "0.10", "0.001", _BTC),
    SimMarket("ETHUSDT", "ETH", 3_150.0, 0.040, 0.90, 2, 3, "0.01", "0.001", _ETH),
    SimMarket("SOLUSDT", "SOL", 145.0, 0.055, 0.80, 3, 0, "0.010", "1", _ALT),
    SimMarket("BNBUSDT", "BNB", 580.0, 0.035, 0.75, 2, 2, "0.010", "0.01", _ALT),
    SimMarket("XRPUSDT", "XRP", 0.52, 0.050, 0.70, 4, 1, "0.0001", "0.1", _ALT),
    SimMarket("DOGEUSDT", "DOGE", 0.155, 0.060, 0.70, 6, 0, "0.000010", "1", _ALT),
)


def market_by_name(markets: tuple[SimMarket, ...], name: str) -> SimMarket:
    """A market by exchange id ("BTCUSDT"), unified symbol ("BTC/USDT:USDT") or base ("BTC")."""
    for m in markets:
        if name in (m.id, m.symbol, m.base):
            return m
    known = ", ".join(m.id for m in markets)
    raise KeyError(f"unknown market {name!r}; the simulated venue lists {known}")
