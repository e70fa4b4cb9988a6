"""Collateral valuation in multi-assets mode, as GET /fapi/v1/assetIndex publishes it.

Binance's "Multi-Assets Mode Asset Index" (developers.binance.com, USDⓈ-M Futures > Market Data
> "Multi-Assets Mode Asset Index", GET /fapi/v1/assetIndex) lists per asset pair ("BTCUSD") an
`index` (USD price), `bidBuffer`/`askBuffer` and `bidRate`/`askRate`, with
    bidRate = index x (1 - bidBuffer),   askRate = index x (1 + askBuffer)
cut (not rounded) to 8 decimals: the docs' row ADAUSD index 1.92957370, buffers 0.1 gives
1.73661633 / 2.12253107, and the stream sample USDTUSD 0.99987691, buffers 0.0001 gives
0.99977692 / 0.99997689 (0.999976897691 cut). A balance counts at the bid rate, a debt and
every maintenance margin at the ask rate ("How to Calculate Margin Ratio in the Multi-Assets
Mode?", see reference.py [MAM]). The reference uses exactly the rates this endpoint serves.

The buffers follow Binance's "What Is Multi-Assets Mode" collateral value ratios (BTC 95 %,
USDT and USDC 99.99 %), bid and ask alike. The stablecoins' USD indexes are fixed numbers and
BTC's index is BTCUSDT's mark x the USDTUSD index: the simulation's choices. The
autoExchange* fields are served for shape only (they price auto-exchange, not margin).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from monitor.sources.sim.reference import Rate

EIGHT = Decimal("0.00000001")


def cut8(value: Decimal) -> Decimal:
    return value.quantize(EIGHT, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class CollateralRule:
    asset: str
    bid_buffer: Decimal
    ask_buffer: Decimal
    auto_exchange_buffer: Decimal
    index: Decimal | None  # a fixed USD index; None: priced from `market`'s mark
    market: str = ""  # for a coin: the USDT contract whose mark prices it


COLLATERAL_RULES: tuple[CollateralRule, ...] = (
    CollateralRule(
        "USDT", Decimal("0.0001"), Decimal("0.0001"), Decimal("0.0001"), Decimal("0.99975")
    ),
    CollateralRule(
        "USDC", Decimal("0.0001"), Decimal("0.0001"), Decimal("0.0001"), Decimal("0.9999")
    ),
    CollateralRule("BTC", Decimal("0.05"), Decimal("0.05"), Decimal("0.025"), None, "BTCUSDT"),
)
COLLATERAL_ASSETS = tuple(r.asset for r in COLLATERAL_RULES)


@dataclass(frozen=True)
class AssetIndex:
    """One row of GET /fapi/v1/assetIndex."""

    asset: str
    index: Decimal
    bid_buffer: Decimal
    ask_buffer: Decimal
    auto_exchange_buffer: Decimal

    @property
    def symbol(self) -> str:
        return f"{self.asset}USD"

    @property
    def bid_rate(self) -> Decimal:
        return cut8(self.index * (1 - self.bid_buffer))

    @property
    def ask_rate(self) -> Decimal:
        return cut8(self.index * (1 + self.ask_buffer))

    @property
    def auto_exchange_bid_rate(self) -> Decimal:
        return cut8(self.index * (1 - self.auto_exchange_buffer))

    @property
    def auto_exchange_ask_rate(self) -> Decimal:
        return cut8(self.index * (1 + self.auto_exchange_buffer))

    @property
    def rate(self) -> Rate:
        return Rate(float(self.bid_rate), float(self.ask_rate))


def asset_indexes(marks: Mapping[str, float]) -> dict[str, AssetIndex]:
    """Every collateral asset's index row at these marks (by market id); a coin whose pricing
    contract is not listed is left out."""
    fixed = {r.asset: r.index for r in COLLATERAL_RULES if r.index is not None}
    out: dict[str, AssetIndex] = {}
    for r in COLLATERAL_RULES:
        if r.index is not None:
            index = r.index
        elif r.market in marks:
            index = cut8(Decimal(f"{marks[r.market]:.8f}") * fixed["USDT"])
        else:
            continue
        out[r.asset] = AssetIndex(
            r.asset, index, r.bid_buffer, r.ask_buffer, r.auto_exchange_buffer
        )
    return out


def rates(marks: Mapping[str, float]) -> dict[str, Rate]:
    return {asset: row.rate for asset, row in asset_indexes(marks).items()}
