"""ExchangeReader: one per exchange account, confined to one event loop.

fetch() reads positions and balances (and tiers, cached with their fetch time and refreshed
daily), hands them to the venue's normaliser, and returns frozen domain data. Any ccxt error
comes out as one of our SourceErrors; a failed fetch applies nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ccxt.base import errors as ccxt_errors

from monitor.contracts import Credentials, ExchangeSettings
from monitor.domain.model import Account, Maintenance, Tier
from monitor.sources.exchange.binance import binance_accounts
from monitor.sources.exchange.build import build_exchange
from monitor.sources.exchange.bybit import bybit_accounts
from monitor.sources.exchange.bybit_unified import (
    STABLE,
    BybitRules,
    collateral_prices,
    collaterals,
    margin_mode_from,
)
from monitor.sources.exchange.dydx import dydx_accounts
from monitor.sources.exchange.errors import NotSupported, translate
from monitor.sources.exchange.generic import generic_accounts
from monitor.sources.exchange.hyperliquid import hyperliquid_accounts
from monitor.sources.exchange.okx import OkxRules, read_okx
from monitor.sources.exchange.optional import optional
from monitor.sources.exchange.public import all_swap_marks
from monitor.sources.exchange.shared_markets import SHARED
from monitor.sources.exchange.tiers import maintenance_from_brackets, maintenance_from_tiers

log = logging.getLogger(__name__)

TIER_MAX_AGE = 24 * 3600.0
MODE_MAX_AGE = 60.0


@dataclass(frozen=True)
class SymbolFigures:
    mark: float
    tiers: tuple[Tier, ...]
    tiers_fetched_at: float | None  # None: the rule is not a fetched table (e.g. Hyperliquid)


@dataclass(frozen=True)
class FetchResult:
    fetched_at: float
    accounts: tuple[Account, ...]
    # The venue's own figures travel with the pools and positions themselves.
    symbols: Mapping[str, SymbolFigures] = field(default_factory=dict)


class ExchangeReader:
    def __init__(
        self,
        settings: ExchangeSettings,
        credentials: Credentials,
        *,
        account_name: str | None = None,
        enable_rate_limit: bool = True,
        exchange: Any = None,
    ) -> None:
        self.settings = settings
        self.account = account_name or settings.exchange_id
        self.exchange = exchange or build_exchange(
            settings, credentials, enable_rate_limit=enable_rate_limit
        )
        self._tiers: dict[str, tuple[Maintenance, float]] = {}
        # Symbols the venue gave no maintenance table for at the last ask: their positions
        # are read as unknown (asked again next read), the rest of the account still judged.
        self._missing_tiers: set[str] = set()
        self._okx = OkxRules()
        self._multi_assets: tuple[bool, float] | None = None  # Binance's mode, when read
        self._bybit_rules = BybitRules()

    async def fetch(self, now: float) -> FetchResult:
        try:
            if self.settings.exchange_id == "dydx":  # its markets carry the oracle prices
                await self.exchange.load_markets(reload=True)
            else:
                await SHARED.load(self.exchange)
            accounts = _without_tables(await self._accounts(now), self._missing_tiers)
        except Exception as exc:
            raise translate(
                exc,
                self.settings.exchange_id,
                self.account,
                getattr(self.exchange, "last_response_headers", None),
            ) from exc
        return self._result(now, accounts)

    async def close(self) -> None:
        await self.exchange.close()

    async def market_marks(self, settle: str | None = None) -> dict[str, float]:
        """Every active perpetual of the venue (settled in `settle`, if given) with its mark,
        for what-if positions in markets the account does not hold yet."""
        return await all_swap_marks(self.exchange, self.settings.exchange_id, settle)

    async def _accounts(self, now: float) -> tuple[Account, ...]:
        ex, venue, name = self.exchange, self.settings.exchange_id, self.account
        if venue in ("binanceusdm", "binancecoinm"):
            return await self._binance(now)
        if venue == "hyperliquid":
            state = await ex.publicPostInfo(
                {"type": "clearinghouseState", "user": self.settings.wallet_address}
            )
            positions = [ex.parse_position(p) for p in state.get("assetPositions") or []]
            return hyperliquid_accounts(name, venue, state, positions)
        if venue == "dydx":
            positions = await ex.fetch_positions()
            balance = await ex.fetch_balance()
            return dydx_accounts(name, venue, positions, balance["info"], ex.markets)
        if venue == "bybit":
            return await self._bybit(now)
        if venue == "okx":
            return await read_okx(ex, name, self._okx, now)
        if venue in ("gate", "bitget"):
            positions = await ex.fetch_positions()
            balance = await ex.fetch_balance({"type": "swap"})
            await self._refresh_tiers(now, [p["symbol"] for p in positions])
            return generic_accounts(name, venue, positions, balance, ex.markets, self._maintenance)
        raise NotSupported(f"{venue}: no normaliser")

    async def _binance(self, now: float) -> tuple[Account, ...]:
        ex, venue = self.exchange, self.settings.exchange_id
        # The reads at once: a refresh costs one round trip. The v3 account no longer says
        # whether Multi-Assets mode is on: /fapi/v1/multiAssetsMargin does (USDⓈ-M only).
        # Without that route: the flag older account answers carry.
        # The route weighs 30 of Binance's 2,400 a minute: asked once a minute, not per refresh,
        # and after this refresh's reads. ccxt's rate limiter makes the request after it wait
        # 30 x 50 ms: asked with the reads, it held the positions back 1.5 s — every first read
        # of an account (a collector taking twenty over: seconds) and once a minute after.
        cached = self._multi_assets
        ask = venue == "binanceusdm" and (cached is None or now - cached[1] > MODE_MAX_AGE)
        # Multi-Assets as last known: the asset index comes with the reads.
        indexed = cached is not None and cached[0]
        positions, balance, index = await asyncio.gather(
            ex.fetch_positions(),
            ex.fetch_balance(),
            optional(ex.fapiPublicGetAssetIndex(), "binance assetIndex") if indexed else _none(),
        )
        await self._refresh_tiers(now, [p["symbol"] for p in positions])
        multi: Any = None
        if ask:
            multi = await optional(
                ex.fapiPrivateGetMultiAssetsMargin(), "binance multiAssetsMargin"
            )
            if multi is None and "multiAssetsMargin" not in balance["info"]:
                multi = await optional(ex.fapiPrivateV2GetAccount(), "binance v2 account")
        if ask or cached is None:
            flags = multi if multi is not None else balance["info"]
            cached = (bool(flags.get("multiAssetsMargin", False)), now)
            self._multi_assets = cached
        multi_assets = cached[0]
        # Without the asset index the USD pool is the venue's own figures, frozen.
        if multi_assets and not indexed:  # the mode just learnt: one more request, once
            index = await optional(ex.fapiPublicGetAssetIndex(), "binance assetIndex")
        elif not multi_assets:
            index = None  # read while the mode was on: not for a single-asset pool
        return binance_accounts(
            self.account, venue, positions, balance["info"], ex.markets, self._maintenance,
            multi_assets=multi_assets if venue == "binanceusdm" else None, asset_index=index,
        )  # fmt: skip

    async def _bybit(self, now: float) -> tuple[Account, ...]:
        ex, where = self.exchange, f"bybit account {self.account!r}"
        # Bybit lists linear positions one settle coin at a time: USDT and USDC both.
        mode, usdt, usdc, balance, _ = await asyncio.gather(
            self._bybit_rules.margin_mode(ex, where),
            ex.fetch_positions(None, {"category": "linear", "settleCoin": "USDT"}),
            ex.fetch_positions(None, {"category": "linear", "settleCoin": "USDC"}),
            ex.fetch_balance(),
            self._bybit_rules.load(ex, now),
        )
        positions = [*usdt, *usdc]
        await self._refresh_tiers(now, [p["symbol"] for p in positions])
        info = balance["info"]
        rows = ((info.get("result") or {}).get("list")) or [{}]
        coins = [c for c in rows[0].get("coin") or [] if c.get("coin") not in STABLE]
        names = [str(c.get("coin")) for c in coins if float(c.get("walletBalance") or 0) != 0]
        prices = await collateral_prices(ex, names)
        wallet = collaterals(rows[0], prices, self._bybit_rules, where)
        mode = mode or margin_mode_from(rows[0])
        return bybit_accounts(
            self.account, "bybit", positions, info, self._maintenance,
            markets=ex.markets, rules=self._bybit_rules, margin_mode=mode, collateral=wallet,
        )  # fmt: skip

    async def _refresh_tiers(self, now: float, symbols: list[str]) -> None:
        stale = [
            s for s in symbols if s not in self._tiers or now - self._tiers[s][1] > TIER_MAX_AGE
        ]
        if not stale:
            return
        try:
            tiers = await self.exchange.fetch_leverage_tiers(stale)
        except (ccxt_errors.NotSupported, ccxt_errors.BadRequest) as exc:
            # ccxt cannot read this venue's tables (Gate without a market type, Bitget): its
            # positions are unknown, the rest of the account is still read and judged.
            log.warning(
                "%s account %r: maintenance tables not readable (%s); positions unknown",
                self.settings.exchange_id,
                self.account,
                type(exc).__name__,
            )
            tiers = {}
        for symbol in stale:
            table = tiers.get(symbol)
            if table:
                self._tiers[symbol] = (maintenance_from_tiers(table, f"{symbol} tiers"), now)
            elif symbol in (self.exchange.options.get("leverageBrackets") or {}):
                brackets = self.exchange.options["leverageBrackets"][symbol]
                self._tiers[symbol] = (maintenance_from_brackets(brackets, symbol), now)
            else:
                log.warning(
                    "%s account %r: the venue gave no leverage tiers for %s; its positions "
                    "are unknown",
                    self.settings.exchange_id,
                    self.account,
                    symbol,
                )
                self._missing_tiers.add(symbol)
                continue
            self._missing_tiers.discard(symbol)

    def _maintenance(self, symbol: str) -> Maintenance:
        if symbol not in self._tiers:
            # No table: a placeholder the engine never uses as a figure (the position is
            # marked unknown with the reason before it leaves the reader).
            self._missing_tiers.add(symbol)
            return Maintenance.flat(0.0)
        return self._tiers[symbol][0]

    def _result(self, now: float, accounts: tuple[Account, ...]) -> FetchResult:
        symbols: dict[str, SymbolFigures] = {}
        for account in accounts:
            for p in account.positions:
                cached = self._tiers.get(p.symbol)
                symbols[p.symbol] = SymbolFigures(
                    p.mark_price, p.maintenance.tiers, cached[1] if cached else None
                )
        return FetchResult(fetched_at=now, accounts=accounts, symbols=symbols)


async def _none() -> None:
    return None


NO_TABLE = "the venue gave no maintenance (leverage-tier) table for it"


def _without_tables(pools: tuple[Account, ...], missing: set[str]) -> tuple[Account, ...]:
    """Every position of a symbol without a maintenance table, marked unknown with the reason
    (its zero maintenance would make its pool look safer than it is)."""
    if not missing:
        return pools
    return tuple(
        replace(
            pool,
            positions=tuple(
                replace(p, unknown=NO_TABLE) if p.symbol in missing else p for p in pool.positions
            ),
        )
        for pool in pools
    )
