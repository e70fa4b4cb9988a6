"""Bybit v5 Unified Trading Account: what is fetched besides positions and wallet, and kept.

- margin mode from /v5/account/info `marginMode` (REGULAR_MARGIN: cross for every derivative;
  ISOLATED_MARGIN: every position isolated). A position's `tradeMode` is documented as
  deprecated (always 0): it is not read. PORTFOLIO_MARGIN is refused, not guessed.
- the account's taker rate per symbol from /v5/account/fee-rate: Bybit's positionMM includes
  the fee to close, size x bankruptcy price x taker, the bankruptcy price at ENTRY
  (avgPrice x (1 -/+ 1/leverage)) — a constant in mark, folded into the tiers' deduction.
- tiered collateral value ratios from /v5/spot-margin-trade/collateral (by coin quantity) and
  each collateral coin's USD index price from the linear tickers (<COIN>USDT).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping
from typing import Any

from monitor.domain.model import Collateral, HaircutTier
from monitor.sources.exchange.errors import Malformed, NotSupported
from monitor.sources.exchange.numbers import field, number
from monitor.sources.exchange.optional import optional

RULES_MAX_AGE = 24 * 3600.0
STABLE = ("USDT", "USDC")
MARGIN_MODES = {"REGULAR_MARGIN": "cross", "ISOLATED_MARGIN": "isolated"}


class BybitRules:
    def __init__(self) -> None:
        self._taker: tuple[dict[str, float], float] | None = None
        self._ratios: tuple[dict[str, tuple[HaircutTier, ...]], float] | None = None

    @staticmethod
    def known(
        taker: Mapping[str, float], ratios: Mapping[str, tuple[HaircutTier, ...]] | None = None
    ) -> BybitRules:
        """Rules already known (a recorded payload's replay): nothing is fetched."""
        rules = BybitRules()
        rules._taker = (dict(taker), float("inf"))
        rules._ratios = (dict(ratios or {}), float("inf"))
        return rules

    async def margin_mode(self, ex: Any, where: str) -> str | None:
        """cross or isolated; None when the venue does not say (see margin_mode_from)."""
        answer = await optional(ex.privateGetV5AccountInfo(), "bybit account info")
        if answer is None:
            return None
        info = answer.get("result") or {}
        mode = str(info.get("marginMode") or "")
        if mode not in MARGIN_MODES:
            raise NotSupported(f"{where}: margin mode {mode or '?'} is not supported yet")
        return MARGIN_MODES[mode]

    async def load(self, ex: Any, now: float) -> None:
        jobs = []
        if self._taker is None or now - self._taker[1] > RULES_MAX_AGE:
            jobs.append(self._load_fees(ex, now))
        if self._ratios is None or now - self._ratios[1] > RULES_MAX_AGE:
            jobs.append(self._load_ratios(ex, now))
        await asyncio.gather(*jobs)

    async def _load_fees(self, ex: Any, now: float) -> None:
        rows = (await ex.privateGetV5AccountFeeRate({"category": "linear"})).get("result") or {}
        fees = {}
        for row in rows.get("list") or []:
            fees[str(row.get("symbol"))] = number(
                row.get("takerFeeRate"), f"bybit fee-rate {row.get('symbol')} takerFeeRate"
            )
        self._taker = (fees, now)

    async def _load_ratios(self, ex: Any, now: float) -> None:
        served = await optional(ex.publicGetV5SpotMarginTradeCollateral(), "bybit collateral")
        answer = (served or {}).get("result") or {}
        ratios = {}
        for row in answer.get("list") or []:
            coin = str(row.get("currency"))
            where = f"bybit collateral ratio {coin}"
            tiers = [
                HaircutTier(field(t, "minQty", where), field(t, "collateralRatio", where))
                for t in row.get("collateralRatioList") or []
            ]
            ratios[coin] = tuple(sorted(tiers, key=lambda t: t.floor))
        self._ratios = (ratios, now)

    def taker(self, market_id: str, where: str) -> float:
        assert self._taker is not None
        if market_id not in self._taker[0]:
            raise Malformed(f"{where}: no taker fee rate for {market_id}")
        return self._taker[0][market_id]

    def ratios(self, coin: str) -> tuple[HaircutTier, ...] | None:
        assert self._ratios is not None
        return self._ratios[0].get(coin) or None


def fee_to_close(side: int, size: float, entry: float, leverage: float, taker: float) -> float:
    """size x bankruptcy price x taker; the bankruptcy price at entry, as Bybit's positionMM."""
    return size * entry * (1.0 - side / leverage) * taker


async def collateral_prices(ex: Any, coins: list[str]) -> dict[str, float]:
    """USD index price of each collateral coin, from its USDT perpetual's ticker."""
    if not coins:
        return {}
    symbols = [f"{c}/USDT:USDT" for c in coins]
    tickers = await ex.fetch_tickers(symbols, {"category": "linear"})
    prices = {}
    for coin, symbol in zip(coins, symbols, strict=True):
        t = tickers.get(symbol) or {}
        price = t.get("indexPrice") or t.get("markPrice")
        if price is None or not math.isfinite(float(price)) or float(price) <= 0:
            raise Malformed(f"bybit: no USD index price for collateral {coin}")
        prices[coin] = float(price)
    return prices


def margin_mode_from(wallet_row: Mapping[str, Any]) -> str:
    """Without the account info: Bybit fills the account-wide rates only in cross margin."""
    return "cross" if str(wallet_row.get("accountMMRate") or "") else "isolated"


def collaterals(
    wallet_row: Mapping[str, Any], prices: Mapping[str, float], rules: BybitRules, where: str
) -> tuple[float, tuple[Collateral, ...]]:
    """(stable wallet in USD, the other coins as Collateral) of a unified wallet-balance row.

    A coin without a served ratio table gets the ratio the venue applied today, from its own
    totalWalletBalance (which counts each coin at price x ratio) — only when it is the one such
    coin; with several, which ratio is whose cannot be told, and that is an error."""
    stable, out, unknown = 0.0, [], []
    for coin in wallet_row.get("coin") or []:
        name = str(coin.get("coin"))
        amount = field(coin, "walletBalance", f"{where} coin {name}")
        if amount == 0 or coin.get("marginCollateral") is False:
            continue
        if name in STABLE:
            stable += amount  # counted at 1 USD with ratio 1
            continue
        ratios = rules.ratios(name)
        if ratios is None:
            unknown.append((name, amount))
        else:
            out.append(Collateral(name, amount, prices[name], ratios))
    if len(unknown) > 1:
        raise Malformed(f"{where}: no collateral value ratios for {[n for n, _ in unknown]}")
    for name, amount in unknown:
        counted = field(wallet_row, "totalWalletBalance", f"{where} totalWalletBalance") - stable
        counted -= sum(c.value for c in out)
        ratio = counted / (amount * prices[name])
        out.append(Collateral(name, amount, prices[name], (HaircutTier(0.0, ratio),)))
    return stable, tuple(out)
