"""The simulated venue's instruments: linear perpetuals with Bybit's filters and risk-limit tiers.

Symbols follow Bybit v5's naming (docs/v5/enum "symbol"): USDT perpetuals are `BTCUSDT`,
USDC perpetuals are `BTCPERP` (baseCoin BTC, quoteCoin USDC, settleCoin USDC), which ccxt
names "BTC/USDC:USDC". Tick sizes, quantity steps and price bands are shaped like the
instruments-info answers recorded in ccxt's test data (BTCUSDT tick 0.10, ETHUSDT 0.01,
qtyStep 0.001 / 0.01); the USDC perpetuals' and SOLUSDT's filters are chosen, not copied.

Risk limits (GET /v5/market/risk-limit, "Risk Limit (Perpetual and Futures)" help page): each
tier has riskLimitValue (the upper bound of position value in the tier), maintenanceMargin and
initialMargin as *rates* (the linear answers carry fractions, e.g. "0.005"), maxLeverage and
mmDeduction. The tier values are chosen for the simulation; the deductions are derived so the
maintenance margin is continuous in position value, the way Bybit publishes them:
    mmDeduction_n = mmDeduction_(n-1) + riskLimitValue_(n-1) × (MMR_n − MMR_(n-1)),  tier 1: 0
(tier 1's deduction is served as "", as in the docs' example answer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RiskTier:
    id: int
    risk_limit_value: float  # upper bound (USD of position value) of this tier
    mmr: float
    imr: float
    mm_deduction: float

    @property
    def max_leverage(self) -> float:
        return 1.0 / self.imr


def risk_tiers(rows: Sequence[tuple[float, float, float]]) -> tuple[RiskTier, ...]:
    """Tiers from (riskLimitValue, MMR, IMR) rows, with continuous mmDeduction."""
    tiers: list[RiskTier] = []
    deduction = 0.0
    for i, (limit, mmr, imr) in enumerate(rows):
        if tiers:
            previous = tiers[-1]
            deduction = previous.mm_deduction + previous.risk_limit_value * (mmr - previous.mmr)
        tiers.append(RiskTier(i + 1, limit, mmr, imr, deduction))
    return tuple(tiers)


@dataclass(frozen=True)
class BybitMarket:
    id: str  # Bybit symbol, e.g. "BTCUSDT"
    base: str
    quote: str
    settle: str
    tick: str  # priceFilter.tickSize, as Bybit writes it
    qty_step: str  # lotSizeFilter.qtyStep
    max_qty: str
    min_price: float
    max_price: float
    tiers: tuple[RiskTier, ...]
    start_mark: float
    launch_time: int = 1_584_230_400_000

    @property
    def symbol(self) -> str:
        """ccxt's unified symbol."""
        return f"{self.base}/{self.quote}:{self.settle}"

    @property
    def price_scale(self) -> int:
        return decimals(self.tick)

    @property
    def qty_scale(self) -> int:
        return decimals(self.qty_step)

    @property
    def max_leverage(self) -> float:
        return self.tiers[0].max_leverage

    @property
    def contract_type(self) -> str:
        return "LinearPerpetual"


def decimals(step: str) -> int:
    return len(step.split(".", 1)[1]) if "." in step else 0


def on_tick(price: float, tick: str) -> float:
    """`price` on the market's tick grid (nearest tick)."""
    step = float(tick)
    return round(round(price / step) * step, decimals(tick))


MARKETS: tuple[BybitMarket, ...] = (
    BybitMarket(
        "BTCUSDT",
        "BTC",
        "USDT",
        "USDT",
        "0.10",
        "0.001",
        "1190.000",
        0.10,
        1999999.80,
        risk_tiers(
            [
                (2e6, 0.005, 0.01),
                (4e6, 0.01, 0.0175),
                (6e6, 0.015, 0.025),
                (8e6, 0.02, 0.0325),
                (10e6, 0.025, 0.04),
            ]
        ),
        64000.0,
    ),
    BybitMarket(
        "ETHUSDT",
        "ETH",
        "USDT",
        "USDT",
        "0.01",
        "0.01",
        "7240.00",
        0.01,
        199999.98,
        risk_tiers(
            [
                (1e6, 0.005, 0.01),
                (2e6, 0.01, 0.0175),
                (3e6, 0.015, 0.025),
                (4e6, 0.02, 0.0325),
                (5e6, 0.025, 0.04),
            ]
        ),
        3400.0,
    ),
    BybitMarket(
        "SOLUSDT",
        "SOL",
        "USDT",
        "USDT",
        "0.010",
        "0.1",
        "79770.0",
        0.010,
        19999.980,
        risk_tiers(
            [
                (200_000, 0.01, 0.02),
                (400_000, 0.015, 0.0275),
                (600_000, 0.02, 0.035),
                (800_000, 0.025, 0.0425),
            ]
        ),
        150.0,
    ),
    BybitMarket(
        "BTCPERP",
        "BTC",
        "USDC",
        "USDC",
        "0.5",
        "0.001",
        "100.000",
        0.5,
        1999999.0,
        risk_tiers([(1e6, 0.005, 0.01), (2e6, 0.01, 0.0175), (3e6, 0.015, 0.025)]),
        64010.5,
    ),
    BybitMarket(
        "ETHPERP",
        "ETH",
        "USDC",
        "USDC",
        "0.05",
        "0.01",
        "1000.00",
        0.05,
        199999.95,
        risk_tiers([(500_000, 0.005, 0.01), (1e6, 0.01, 0.0175), (1.5e6, 0.015, 0.025)]),
        3401.05,
    ),
)

# Spot pairs listed by instruments-info (category=spot), for load_markets: id, base, quote,
# basePrecision, tickSize. Their prices follow the linear marks (see venue.coin_prices).
SPOT_PAIRS: tuple[tuple[str, str, str, str, str], ...] = (
    ("BTCUSDT", "BTC", "USDT", "0.000001", "0.1"),
    ("ETHUSDT", "ETH", "USDT", "0.00001", "0.01"),
    ("SOLUSDT", "SOL", "USDT", "0.001", "0.01"),
    ("BTCUSDC", "BTC", "USDC", "0.000001", "0.1"),
    ("ETHUSDC", "ETH", "USDC", "0.00001", "0.01"),
    ("USDCUSDT", "USDC", "USDT", "0.01", "0.0001"),
)


def market_index(markets: Sequence[BybitMarket]) -> dict[str, BybitMarket]:
    """Markets by Bybit id and by ccxt symbol."""
    index: dict[str, BybitMarket] = {}
    for m in markets:
        index[m.id] = m
        index[m.symbol] = m
    return index
