"""Binance USDⓈ-M margin rules, stated plainly: scalar Python, nothing from monitor.domain.

This is the simulated venue's own statement of the rules it reports by. Sources, all Binance's
(/work/shared/reference/margin-math.md §1 summarises them):

[LEV] "Leverage and Margin of USDⓈ-M Futures",
      https://www.binance.com/en/support/faq/360033162192 :
      "Maintenance Margin = Notional Position Value * Maintenance Margin Rate - Maintenance
      Amount", rate and amount (`cum`) of the bracket that holds the notional.
[LIQ] "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts",
      https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93 :
      cross: WB is crossWalletBalance, with TMM and UPNL of every other contract; isolated: WB
      is the position's isolatedWalletBalance, TMM = UPNL = 0; the bracket is the one at the
      liquidation price; "the same ticker/symbol, both long and short position share the same
      liquidation price" in cross (hedge mode); a liquidation price below 0 shows as "--".
[MAM] "What Is Multi-Assets Mode" (.../support/faq/29b45c485d664028b9ca1cdf90b24f6f) and
      "How to Calculate Margin Ratio in the Multi-Assets Mode?"
      (.../support/faq/c983a9268cfa4e70a4916c276bb3b7bc): cross margin only, one pool across
      the margin assets; "Account Equity = ∑min(assetEquity*bidRate, assetEquity*askRate)",
      "Account Maintenance Margin = Sum of Maintenance Margin of All Cross Positions (in USD)"
      and its worked example values each asset's maintenance at the ask rate
      (0.5*20,000*0.008*0.99495 + 20*600*0.01*1 = 199.596); margin ratio 100 % liquidates.
[ACC] GET /fapi/v2/account and /fapi/v2/positionRisk field docs (developers.binance.com,
      "Account Information V2", "Position Information V2"): per asset, marginBalance =
      walletBalance + unrealizedProfit; in multi-assets mode the totals are USD values.

A pool liquidates when its margin balance <= its maintenance margin (margin ratio 100 %).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

MULTI_ASSETS_POOL = "USD"
MARGIN_ASSETS = ("USDT", "USDC")  # the USDⓈ-M contracts' quote (and margin) assets


class TierLike(Protocol):
    """One row of GET /fapi/v1/leverageBracket: notionalFloor, maintMarginRatio, cum."""

    @property
    def floor(self) -> float: ...
    @property
    def rate(self) -> float: ...
    @property
    def cum(self) -> float: ...


@dataclass(frozen=True)
class Tier:
    floor: float
    rate: float
    cum: float


def tier_at(notional: float, tiers: Sequence[TierLike]) -> TierLike:
    """The bracket holding |notional|: the last whose floor is at or below it [LEV]. The last
    bracket is open-ended (a notional past its cap stays in it: the simulation's choice)."""
    size = abs(notional)
    chosen = tiers[0]
    for t in tiers:
        if t.floor <= size:
            chosen = t
    return chosen


def maintenance(notional: float, tiers: Sequence[TierLike]) -> float:
    """|notional| x maintMarginRatio - cum of the bracket holding it [LEV]."""
    t = tier_at(notional, tiers)
    return abs(notional) * t.rate - t.cum


@dataclass(frozen=True)
class Leg:
    """One position as Binance lists it in positionRisk (one row per symbol and positionSide)."""

    symbol: str  # exchange id, "BTCUSDT": every leg of a symbol moves with its mark
    position_side: str  # "BOTH" (one-way), "LONG" or "SHORT" (hedge mode)
    amount: float  # signed base units, Binance's positionAmt
    entry: float
    mark: float
    tiers: tuple[TierLike, ...]
    asset: str = "USDT"  # marginAsset: the contract's quote, USDT or USDC
    base: str = ""  # base asset ("BTC"): that collateral moves with this symbol [sim choice]
    isolated_wallet: float | None = None  # isolatedWallet; None: cross
    label: str = ""  # name used in pool names (the unified symbol); defaults to `symbol`

    @property
    def isolated(self) -> bool:
        return self.isolated_wallet is not None

    @property
    def side(self) -> str:
        return "long" if self.amount > 0 else "short"

    def pnl(self, price: float) -> float:
        """Unrealised PnL at `price`: positionAmt x (price - entryPrice)."""
        return self.amount * (price - self.entry)

    def maintenance(self, price: float) -> float:
        return maintenance(self.amount * price, self.tiers)


@dataclass(frozen=True)
class Rate:
    """An asset's USD conversion in multi-assets mode: its bidRate and askRate [MAM]."""

    bid: float
    ask: float

    def usd(self, amount: float) -> float:
        """min(amount x bidRate, amount x askRate): a balance is valued at the bid, a debt at
        the ask [MAM, "Account Equity = ∑min(assetEquity*bidRate, assetEquity*askRate)"]."""
        return min(amount * self.bid, amount * self.ask)


@dataclass(frozen=True)
class Portfolio:
    """A futures account: its legs, its cross wallet per asset, and its asset mode."""

    legs: tuple[Leg, ...]
    wallets: Mapping[str, float]  # crossWalletBalance per asset (isolated wallets excluded)
    multi_assets: bool = False
    rates: Mapping[str, Rate] = field(default_factory=dict)  # per asset, multi-assets mode

    def pool_of(self, leg: Leg) -> str:
        if leg.isolated:
            return f"isolated {leg.label or leg.symbol} {leg.side}"
        return MULTI_ASSETS_POOL if self.multi_assets else leg.asset

    def pools(self) -> list[str]:
        """Cross pools with a wallet or a cross leg, then one pool per isolated leg. In
        single-asset mode only the contracts' margin assets are pools: a BTC wallet there backs
        nothing (BTC counts as margin only in multi-assets mode [MAM])."""
        if self.multi_assets:
            cross = [MULTI_ASSETS_POOL] if self.wallets or self.legs else []
        else:
            funded = {a for a, w in self.wallets.items() if w != 0 and a in MARGIN_ASSETS}
            cross = sorted(funded | {leg.asset for leg in self.legs if not leg.isolated})
        return cross + [self.pool_of(leg) for leg in self.legs if leg.isolated]


@dataclass(frozen=True)
class PoolFigures:
    margin_balance: float
    maintenance: float

    @property
    def room(self) -> float:
        """Margin balance above maintenance; <= 0 means the pool is liquidated."""
        return self.margin_balance - self.maintenance


def leg_price(leg: Leg, moved: Mapping[str, float] | None) -> float:
    return moved.get(leg.symbol, leg.mark) if moved else leg.mark


def pool_figures(
    portfolio: Portfolio, pool: str, moved: Mapping[str, float] | None = None
) -> PoolFigures:
    """A pool's margin balance and maintenance with the symbols in `moved` at those prices
    (every other leg at its mark)."""
    members = [leg for leg in portfolio.legs if portfolio.pool_of(leg) == pool]
    if pool.startswith("isolated "):
        (leg,) = members  # isolated: WB = isolatedWallet, TMM = UPNL = 0 [LIQ]
        price = leg_price(leg, moved)
        assert leg.isolated_wallet is not None
        return PoolFigures(leg.isolated_wallet + leg.pnl(price), leg.maintenance(price))
    if pool != MULTI_ASSETS_POOL:  # single-asset cross: crossWallet + Σ uPnL vs Σ MM [LIQ]
        prices = [leg_price(leg, moved) for leg in members]
        balance = portfolio.wallets.get(pool, 0.0) + sum(
            leg.pnl(p) for leg, p in zip(members, prices, strict=True)
        )
        return PoolFigures(
            balance, sum(leg.maintenance(p) for leg, p in zip(members, prices, strict=True))
        )
    return _multi_assets_figures(portfolio, members, moved)


def collateral_scale(portfolio: Portfolio, asset: str, moved: Mapping[str, float] | None) -> float:
    """How far a collateral asset's USD price has moved: price / mark of a moved symbol whose
    base is that asset (a BTC wallet moves with BTCUSDT), else 1. Binance values collateral at
    its asset index; tying that index to the contract's move is the simulation's choice."""
    if not moved:
        return 1.0
    for leg in portfolio.legs:
        if leg.base == asset and leg.symbol in moved:
            return moved[leg.symbol] / leg.mark
    return 1.0


def _multi_assets_figures(
    portfolio: Portfolio, members: list[Leg], moved: Mapping[str, float] | None
) -> PoolFigures:
    """One USD pool [MAM]: Σ over assets of min(equity x bid, equity x ask), equity = wallet +
    uPnL of the asset's positions; maintenance = Σ over assets of maintenance x ask."""
    equity = dict(portfolio.wallets)
    maint: dict[str, float] = {}
    for leg in members:
        price = leg_price(leg, moved)
        equity[leg.asset] = equity.get(leg.asset, 0.0) + leg.pnl(price)
        maint[leg.asset] = maint.get(leg.asset, 0.0) + leg.maintenance(price)
    balance = 0.0
    for asset, amount in equity.items():
        balance += rate_of(portfolio, asset).usd(amount) * collateral_scale(portfolio, asset, moved)
    required = sum(rate_of(portfolio, a).ask * m for a, m in maint.items())
    return PoolFigures(balance, required)


def rate_of(portfolio: Portfolio, asset: str) -> Rate:
    if asset not in portfolio.rates:
        raise KeyError(f"multi-assets mode needs the {asset} asset index (bid/ask rate)")
    return portfolio.rates[asset]


def leg_maintenance_in_pool(portfolio: Portfolio, leg: Leg) -> float:
    """A leg's maintenance in its pool's currency: the asset's own, or USD at the ask [MAM]."""
    own = leg.maintenance(leg.mark)
    if portfolio.multi_assets and not leg.isolated:
        return own * rate_of(portfolio, leg.asset).ask
    return own
