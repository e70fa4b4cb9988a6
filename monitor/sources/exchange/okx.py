"""OKX v5, single-currency margin ("Futures mode", acctLv 2): positions + balance -> pools.

How OKX computes (margin-math.md §3; the simulated OKX venue cites the pages):
- maintenance of a position = |pos| x ctVal x mark x mmr, the mmr of the ONE position-tier band
  that holds its size in CONTRACTS (/api/v5/public/position-tiers minSz/maxSz; ccxt files them
  under minNotional/maxNotional, which they are not) — one rate for the whole position, no
  deduction, so the size never changes band as the price moves: a flat rate for the engine;
- the margin ratio counts the fee to close at the account's own taker rate (/account/trade-fee:
  takerU for USDT-margined, takerUSDC for USDC-margined; OKX prints a fee charged as negative)
  on the notional at mark: close_fee_rate;
- each settle currency is its own cross pool: wallet = details[ccy].cashBal (isolated margins
  are not in it); mgnRatio = equity / (maintenance + fee), our orientation already;
- an isolated position carries its `margin`.
Other account modes (multi-currency, portfolio margin) are refused, not guessed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from monitor.domain.model import Account, Maintenance, MarginMode, Position, Side
from monitor.sources.exchange.errors import Malformed, NotSupported
from monitor.sources.exchange.numbers import field, liquidation_price, number, optional_number
from monitor.sources.exchange.pools import PooledPosition, assemble, settle_of

TIER_MAX_AGE = 24 * 3600.0
# The taker field of /account/trade-fee per settle currency (SWAP).
TAKER_KEY = {"USDT": "takerU", "USDC": "takerUSDC"}


class OkxRules:
    """Position-tier bands (per instrument family and margin mode) and the account's taker
    rates, fetched on first need and kept for a day."""

    def __init__(self) -> None:
        # (maxSz, mmr, maxLever or None) per band, and when read.
        self._bands: dict[tuple[str, str], tuple[list[tuple[float, float, float | None]], float]]
        self._bands = {}
        self._fees: tuple[Mapping[str, Any], float] | None = None

    async def load(self, ex: Any, families: set[tuple[str, str]], now: float) -> None:
        stale = [
            key
            for key in families
            if key not in self._bands
            or not self._bands[key][0]  # none last time: asked again at every read
            or now - self._bands[key][1] > TIER_MAX_AGE
        ]
        answers = await asyncio.gather(
            *(
                ex.publicGetPublicPositionTiers(
                    {"instType": "SWAP", "tdMode": mode, "instFamily": family}
                )
                for family, mode in stale
            )
        )
        for (family, mode), answer in zip(stale, answers, strict=True):
            where = f"okx position tiers {family} {mode}"
            rows = answer.get("data") or []
            # No bands for a family (a new listing): its positions are unknown, not the account.
            bands = sorted(
                (
                    field(r, "maxSz", where),
                    field(r, "mmr", where),
                    optional_number(r.get("maxLever"), f"{where} maxLever"),
                )
                for r in rows
            )
            self._bands[(family, mode)] = (bands, now)
        if self._fees is None or now - self._fees[1] > TIER_MAX_AGE:
            answer = await ex.privateGetAccountTradeFee({"instType": "SWAP"})
            rows = answer.get("data") or []
            if not rows:
                raise Malformed("okx trade-fee: empty")
            self._fees = (rows[0], now)

    def rate(self, family: str, mode: str, contracts: float) -> tuple[float, str | None]:
        """The mmr of the band holding `contracts` (bands inclusive of their maxSz); with no
        band for it, (0, why) and the position is read as unknown."""
        bands, _ = self._bands[(family, mode)]
        if not bands:
            return 0.0, "the venue gave no position tiers for it"
        for max_sz, mmr, _lever in bands:
            if contracts <= max_sz:
                return mmr, None
        return 0.0, f"{contracts:g} contracts, beyond the venue's largest position tier"

    def maintenance(self, family: str, mode: str, contracts: float) -> Maintenance:
        """The band's one rate for the whole position, with the band's maxLever."""
        rate, _ = self.rate(family, mode, contracts)
        bands, _ = self._bands[(family, mode)]
        lever = next((lv for max_sz, _, lv in bands if contracts <= max_sz), None)
        flat = Maintenance.flat(rate)
        return replace(flat, tiers=(replace(flat.tiers[0], max_leverage=lever),))

    def taker(self, settle: str, where: str) -> float:
        assert self._fees is not None
        key = TAKER_KEY.get(settle, "taker")
        return abs(number(self._fees[0].get(key), f"{where} trade-fee {key}"))


async def read_okx(ex: Any, account: str, rules: OkxRules, now: float) -> tuple[Account, ...]:
    where = f"okx account {account!r}"
    config, positions, balance = await asyncio.gather(
        ex.privateGetAccountConfig(), ex.fetch_positions(), ex.fetch_balance({"type": "swap"})
    )
    level = str(((config.get("data") or [{}])[0]).get("acctLv", ""))
    if level != "2":
        raise NotSupported(
            f"{where}: account mode acctLv {level or '?'} (multi-currency or portfolio margin) "
            "is not supported yet — only single-currency margin (Futures mode)"
        )
    families = set()
    for p in positions:
        market = ex.markets.get(p.get("symbol")) or {}
        family = str((market.get("info") or {}).get("instFamily") or "")
        families.add((family, str((p.get("info") or {}).get("mgnMode") or "cross")))
    await rules.load(ex, families, now)
    return okx_accounts(account, positions, balance, ex.markets, rules)


def okx_accounts(
    account: str,
    positions: list[Mapping[str, Any]],
    balance: Mapping[str, Any],
    markets: Mapping[str, Mapping[str, Any]],
    rules: OkxRules,
) -> tuple[Account, ...]:
    where = f"okx account {account!r}"
    pooled = []
    for p in positions:
        raw = p.get("info") or {}
        symbol = str(p.get("symbol"))
        at = f"{where} position {symbol} ({raw.get('posSide', '?')})"
        market = markets.get(symbol)
        if market is None:
            raise Malformed(f"{at}: unknown market")
        if market.get("inverse"):
            raise NotSupported(f"{at}: coin-margined swaps are not supported yet")
        pos = field(raw, "pos", at)
        if pos == 0:
            continue
        pos_side = str(raw.get("posSide") or "net")
        side = {"long": Side.LONG, "short": Side.SHORT}.get(
            pos_side, Side.LONG if pos > 0 else Side.SHORT
        )
        mode = MarginMode(str(raw.get("mgnMode") or "cross"))
        family = str((market.get("info") or {}).get("instFamily") or "")
        settle = settle_of(symbol)
        mark = field(raw, "markPx", at)
        _, unknown = rules.rate(family, mode.value, abs(pos))
        pooled.append(
            PooledPosition(
                settle,
                Position(
                    symbol=symbol,
                    side=side,
                    contracts=abs(pos),
                    contract_size=number(market.get("contractSize"), f"{at} ctVal"),
                    entry_price=field(raw, "avgPx", at),
                    mark_price=mark,
                    maintenance=rules.maintenance(family, mode.value, abs(pos)),
                    close_fee_rate=rules.taker(settle, where),
                    margin_mode=mode,
                    isolated_margin=field(raw, "margin", at)
                    if mode is MarginMode.ISOLATED
                    else None,
                    leverage=optional_number(raw.get("lever"), f"{at} lever"),
                    exchange_liquidation_price=liquidation_price(raw.get("liqPx"), mark),
                    exchange_maintenance_margin=optional_number(raw.get("mmr"), f"{at} mmr"),
                    unknown=unknown,
                ),
            )
        )
    details = {}
    for data in (balance.get("info") or {}).get("data") or []:
        for row in data.get("details") or []:
            details[str(row.get("ccy"))] = row
    wallets: dict[str, float] = {}
    health: dict[str, float | None] = {}
    for ccy in sorted({p.pool for p in pooled} | {c for c in details if c in TAKER_KEY}):
        row = details.get(ccy)
        if row is None:
            # "The currency details will not be returned when cashBal and eq is both 0".
            wallets[ccy], health[ccy] = 0.0, None
            continue
        wallets[ccy] = field(row, "cashBal", f"{where} {ccy}")
        # A cross position states its currency's ratio at the marks of the same answer as
        # ours; the balance's own, fetched by another request, only when no row does.
        stated = [
            optional_number((p.get("info") or {}).get("mgnRatio"), f"{where} {ccy} mgnRatio")
            for p in positions
            if (p.get("info") or {}).get("mgnMode") == "cross"
            and settle_of(str(p.get("symbol"))) == ccy
        ]
        health[ccy] = next(
            (r for r in stated if r is not None),
            optional_number(row.get("mgnRatio"), f"{where} {ccy} mgnRatio"),
        )
    return assemble(account, "okx", wallets, pooled, health)
