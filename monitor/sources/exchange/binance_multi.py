"""Binance USDⓈ-M Multi-Assets mode: one USD-valued pool across USDT, USDC, BTC... wallets.

Binance values each margin asset through the Multi-Assets Mode Asset Index
(GET /fapi/v1/assetIndex, "How to Calculate Margin Ratio in the Multi-Assets Mode?"): an
asset's equity (wallet + the unrealised PnL of the positions settled in it) counts at its
bidRate = index x (1 - bidBuffer) while positive and at askRate = index x (1 + askBuffer) while
negative; maintenance counts at askRate. The settle assets (USDT, USDC) become the pool's
SettleAssets, so the engine switches an asset from bid to ask where its equity changes sign on
the way to a liquidation; a wallet no position settles in (BTC) is Collateral at its index x
(bidRate / index), moving with the BTC contract's mark.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from monitor.domain.model import Collateral, HaircutTier, SettleAsset
from monitor.sources.exchange.errors import Malformed
from monitor.sources.exchange.numbers import field

STABLE = ("USDT", "USDC", "FDUSD", "BUSD")


@dataclass(frozen=True)
class AssetRate:
    index: float
    bid: float
    ask: float


def asset_rates(rows: Sequence[Mapping[str, Any]], where: str) -> dict[str, AssetRate]:
    """assetIndex rows ("BTCUSD", ...) by asset ("BTC")."""
    rates = {}
    for row in rows:
        symbol = str(row.get("symbol"))
        if not symbol.endswith("USD"):
            continue
        at = f"{where} assetIndex {symbol}"
        rates[symbol[: -len("USD")]] = AssetRate(
            field(row, "index", at), field(row, "bidRate", at), field(row, "askRate", at)
        )
    return rates


def usd_wallets(
    assets: Sequence[Mapping[str, Any]],
    settled: set[str],
    rates: Mapping[str, AssetRate],
    where: str,
) -> tuple[tuple[SettleAsset, ...], tuple[Collateral, ...]]:
    """The wallets positions settle in (`settled`, and the stablecoins) as SettleAssets, every
    other wallet as Collateral."""
    settle, others = [], []
    for asset in assets:
        name = str(asset.get("asset"))
        amount = field(asset, "walletBalance", f"{where} asset {name}")
        if amount == 0 and name not in settled:
            continue
        rate = rates.get(name)
        if rate is None:
            raise Malformed(f"{where}: no asset index for the {name} wallet")
        if name in settled or name in STABLE:
            settle.append(SettleAsset(name, amount, rate.bid, rate.ask))
        else:
            ratio = rate.bid / rate.index if amount > 0 else rate.ask / rate.index
            others.append(Collateral(name, amount, rate.index, (HaircutTier(0.0, ratio),)))
    missing = settled - {a.asset for a in settle}
    if missing:
        raise Malformed(f"{where}: no wallet row for {', '.join(sorted(missing))}")
    return tuple(settle), tuple(others)
