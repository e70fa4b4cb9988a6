"""The simulated venue's contracts: USDⓈ-M perpetuals with Binance's bracket tables.

BTCUSDT and ETHUSDT floors and rates are Binance's own (the recorded ccxt fixtures); the smaller
coins share the ADA/LTC table from the same fixtures. `cum` is not listed there: it follows
from the continuity recurrence cum_n = cum_{n-1} + floor_n * (rate_n - rate_{n-1}), which is
how Binance derives it (Binance FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures
Contracts", section "Maintenance Amount formula").

USDC-margined contracts (BTCUSDC, ETHUSDC) have tables of their own. BTCUSDC follows a
third-party copy of Binance's BTCUSDC table (floors 0/50k/600k/3M/..., rates 0.4 %/0.5 %/
0.65 %/1 %/...); it is not in the recorded fixtures, so treat it as the simulation's choice.
ETHUSDC's table is the simulation's own choice, in Binance's shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

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
    quote: str = "USDT"  # quote = margin asset of the contract (marginAsset), USDT or USDC

    @property
    def symbol(self) -> str:
        """ccxt's unified symbol, the name the rest of the app uses."""
        return f"{self.base}/{self.quote}:{self.quote}"

    def max_leverage(self) -> int:
        return self.brackets[0].initial_leverage


def brackets(
    floors: list[float], rates: list[float], leverages: list[int], last_cap: float = _LAST_CAP
) -> tuple[Bracket, ...]:
    if not (len(floors) == len(rates) == len(leverages)) or floors[0] != 0:
        raise ValueError("bracket table: floors, rates and leverages must align, from floor 0")
    if any(b <= a for a, b in pairwise(floors)) or any(b < a for a, b in pairwise(rates)):
        # Binance's tables rise in both; the reference's liquidation search relies on it.
        raise ValueError("bracket table: floors must rise and rates must not fall")
    out: list[Bracket] = []
    cum = 0.0
    for i, (floor, rate, lev) in enumerate(zip(floors, rates, leverages, strict=True)):
        if i:
            cum += floor * (rate - rates[i - 1])
        cap = floors[i + 1] if i + 1 < len(floors) else last_cap
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

_BTC_USDC = brackets(
    [
        0,
        50_000,
        600_000,
        3_000_000,
        12_000_000,
        70_000_000,
        100_000_000,
        230_000_000,
        480_000_000,
        600_000_000,
        800_000_000,
        1_200_000_000,
    ],
    [0.004, 0.005, 0.0065, 0.01, 0.02, 0.025, 0.05, 0.1, 0.125, 0.15, 0.25, 0.5],
    [125, 100, 75, 50, 25, 20, 10, 5, 4, 3, 2, 1],
    1_800_000_000,
)
_ETH_USDC = brackets(  # the simulation's own table (see the module docstring)
    [0, 50_000, 500_000, 2_500_000, 10_000_000, 50_000_000, 100_000_000, 200_000_000],
    [0.005, 0.0065, 0.01, 0.02, 0.05, 0.1, 0.125, 0.25],
    [100, 75, 50, 25, 10, 5, 4, 2],
)

MARKETS: tuple[SimMarket, ...] = (
    SimMarket("BTCUSDT", "BTC", 64_000.0, 0.030, 0.95, 1, 3, "0.10", "0.001", _BTC),
    SimMarket("ETHUSDT", "ETH", 3_150.0, 0.040, 0.90, 2, 3, "0.01", "0.001", _ETH),
    SimMarket("SOLUSDT", "SOL", 145.0, 0.055, 0.80, 3, 0, "0.010", "1", _ALT),
    SimMarket("BNBUSDT", "BNB", 580.0, 0.035, 0.75, 2, 2, "0.010", "0.01", _ALT),
    SimMarket("XRPUSDT", "XRP", 0.52, 0.050, 0.70, 4, 1, "0.0001", "0.1", _ALT),
    SimMarket("DOGEUSDT", "DOGE", 0.155, 0.060, 0.70, 6, 0, "0.000010", "1", _ALT),
    # USDC-margined: they walk on their own (high beta keeps them near their USDT twins).
    SimMarket("BTCUSDC", "BTC", 64_010.0, 0.030, 0.99, 1, 3, "0.10", "0.001", _BTC_USDC, "USDC"),
    SimMarket("ETHUSDC", "ETH", 3_151.0, 0.040, 0.99, 2, 3, "0.01", "0.001", _ETH_USDC, "USDC"),
)


def market_by_name(markets: tuple[SimMarket, ...], name: str) -> SimMarket:
    """A market by exchange id ("BTCUSDT"), unified symbol ("BTC/USDT:USDT") or base ("BTC")."""
    for m in markets:
        if name in (m.id, m.symbol, m.base):
            return m
    known = ", ".join(m.id for m in markets)
    raise KeyError(f"unknown market {name!r}; the simulated venue lists {known}")
