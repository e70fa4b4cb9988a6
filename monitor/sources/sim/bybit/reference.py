"""Bybit's Unified Trading Account margin rules, stated plainly (never from monitor.domain).

Sources (Bybit help centre unless marked):
[NMC] "The New Margin Calculation: Adjustments and Implications" (effective 2 Sep 2025,
      /en/help-center/article/Understanding-the-Adjustment-and-Impact-of-the-New-Margin-Calculation):
      cross margin — IM and MM on the mark price; isolated margin — MM on the mark price, IM stays
      on the entry price; position value = size × mark price; risk-limit tier from the real-time
      mark value. Isolated USDT rows: Position IM = size × entry ÷ leverage + entry × size ×
      (1 ± 1/leverage) × taker; Position MM = (size × mark × MMR − MM deduction) + size × entry ×
      (1 ± 1/leverage) × taker.
[API] docs/v5/position/position: positionMM / positionIM "the same value as …ByMp"
      (calculated by mark price); positionValue; liqPrice "" outside (minPrice, maxPrice).
[GLO] "Trading Terms and Formulas in Unified Trading Account" (Glossary-Unified-Trading-Account):
      Margin Balance (cross) = Wallet Balance + Perp & Future UPL − Spot Borrow; Account MM Rate
      (cross) = Total MM / (Margin Balance − Haircut Loss + Order Loss); liquidation at 100 %.
[CVR] collateral.py (tiered collateral value ratios, by coin quantity).
[BKP] "Bankruptcy Price (USDT Contract)": long entry × (1 − 1/leverage), short × (1 + 1/leverage).
[PM]  "Position Margin": isolated position margin = initial margin + fee to close.

The rules, exactly as this module computes them (s = +1 Buy, −1 Sell; q = size; E = avgPrice;
P = mark; L = leverage; t = the account's takerFeeRate):
  value            = q × P
  upl              = s × q × (P − E)
  tier             = first risk tier with value ≤ riskLimitValue (the last tier beyond it)
  fee to close     = q × E × (1 − s/L) × t   — the bankruptcy price at ENTRY [BKP], constant in P
  positionMM       = value × MMR(tier) − mmDeduction(tier) + fee to close            [NMC]
  positionIM cross = q × P / L + fee to close;  isolated = q × E / L + fee to close  [NMC][PM]
  [NMC] states the entry-based fee term for isolated positions; the retrieved text of its cross
  rows stops before the fee term, so using the same entry-based fee in cross is our choice.
  coin USD price   = 1 for USDT and USDC, else the mark of <COIN>USDT (index = mark here)
  wallet (USD)     = Σ_coin collateral_value(walletBalance, price)                    [CVR]
  margin balance   = wallet (USD) + Σ upl (USDT/USDC at 1; no spot borrow, no orders)   [GLO]
  accountMMRate    = Σ positionMM / margin balance; liquidation when it reaches 1     [GLO]
  cross liqPrice   = the mark of the position's symbol at which accountMMRate = 1, every leg of
                     that symbol at that price, a collateral coin equal to the symbol's base coin
                     re-priced by price/current mark, all else at current marks; by bracketing +
                     bisection to 1e-12 relative. Of a root below and one above, the nearer.
  isolated liqPrice= the mark at which positionBalance + upl = positionMM (same bisection).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from monitor.sources.sim.bybit.book import BybitBook, BybitPosition
from monitor.sources.sim.bybit.collateral import COLLATERAL_TIERS, collateral_value
from monitor.sources.sim.bybit.markets import BybitMarket, RiskTier

STABLE = ("USDT", "USDC")
REL_TOL = 1e-12
MAX_DOUBLINGS = 80


def tier_for(tiers: tuple[RiskTier, ...], value: float) -> RiskTier:
    for tier in tiers:
        if value <= tier.risk_limit_value:
            return tier
    return tiers[-1]  # chosen: beyond the last riskLimitValue Bybit would refuse the order


def bankruptcy_price(sign: int, avg_price: float, leverage: float) -> float:
    return avg_price * (1.0 - sign / leverage)


def fee_to_close(sign: int, size: float, avg_price: float, leverage: float, taker: float) -> float:
    return size * bankruptcy_price(sign, avg_price, leverage) * taker


def maintenance_margin(
    tiers: tuple[RiskTier, ...],
    sign: int,
    size: float,
    avg_price: float,
    leverage: float,
    taker: float,
    mark: float,
) -> float:
    value = size * mark
    tier = tier_for(tiers, value)
    return (
        value * tier.mmr - tier.mm_deduction + fee_to_close(sign, size, avg_price, leverage, taker)
    )


def cross_initial_margin(size: float, mark: float, leverage: float, fee: float) -> float:
    return size * mark / leverage + fee


def isolated_initial_margin(size: float, avg_price: float, leverage: float, fee: float) -> float:
    return size * avg_price / leverage + fee


def unrealised_pnl(sign: int, size: float, avg_price: float, mark: float) -> float:
    return sign * size * (mark - avg_price)


def coin_prices(coins: Mapping[str, float], marks: Mapping[str, float]) -> dict[str, float]:
    """USD price of each coin: stablecoins at exactly 1, others at the mark of <COIN>USDT."""
    prices = {}
    for coin in coins:
        if coin in STABLE:
            prices[coin] = 1.0
        elif f"{coin}USDT" in marks:
            prices[coin] = marks[f"{coin}USDT"]
        else:
            raise ValueError(f"{coin}: no {coin}USDT mark to value it by")
    return prices


@dataclass(frozen=True)
class PositionState:
    position: BybitPosition
    market: BybitMarket
    mark: float
    value: float
    upl: float
    fee: float
    im: float
    mm: float
    tier: RiskTier
    balance: float | None  # isolated positionBalance; None in cross


@dataclass(frozen=True)
class AccountState:
    positions: tuple[PositionState, ...]
    wallet_usd: float  # Σ coin wallet × price × collateral value ratio
    upl_usd: float
    margin_balance: float
    maintenance: float
    initial: float

    @property
    def mm_rate(self) -> float:
        return self.maintenance / self.margin_balance


def position_state(
    p: BybitPosition, market: BybitMarket, mark: float, taker: float, isolated: bool
) -> PositionState:
    fee = fee_to_close(p.sign, p.size, p.avg_price, p.leverage, taker)
    mm = maintenance_margin(market.tiers, p.sign, p.size, p.avg_price, p.leverage, taker, mark)
    if isolated:
        im = isolated_initial_margin(p.size, p.avg_price, p.leverage, fee)
        balance = im if p.margin is None else p.margin
        im = balance  # docs: positionBalance deprecated, "refer to positionIM"
    else:
        im = cross_initial_margin(p.size, mark, p.leverage, fee)
        balance = None
    return PositionState(
        p,
        market,
        mark,
        p.size * mark,
        unrealised_pnl(p.sign, p.size, p.avg_price, mark),
        fee,
        im,
        mm,
        tier_for(market.tiers, p.size * mark),
        balance,
    )


def evaluate(
    book: BybitBook,
    markets: Mapping[str, BybitMarket],
    marks: Mapping[str, float],
    prices: Mapping[str, float] | None = None,
) -> AccountState:
    """The account at these marks (and coin prices; default: from the marks)."""
    if prices is None:
        prices = coin_prices(book.coins, marks)
    states = tuple(
        position_state(p, markets[p.symbol], marks[p.symbol], book.taker_fee, book.isolated)
        for p in book.positions
    )
    wallet = sum(
        collateral_value(qty, prices[coin], COLLATERAL_TIERS[coin])
        for coin, qty in book.coins.items()
    )
    upl = sum(s.upl for s in states)  # USDT and USDC at exactly 1 USD
    return AccountState(
        states,
        wallet,
        upl,
        wallet + upl,
        sum(s.mm for s in states),
        sum(s.im for s in states),
    )


def moved(
    book: BybitBook,
    markets: Mapping[str, BybitMarket],
    marks: Mapping[str, float],
    symbol: str,
    price: float,
) -> tuple[dict[str, float], dict[str, float]]:
    """Marks and coin prices with `symbol` at `price`, its base-coin collateral in proportion."""
    prices = coin_prices(book.coins, marks)
    base = markets[symbol].base
    if base in prices and base not in STABLE:
        prices[base] = prices[base] * price / marks[symbol]
    return {**marks, symbol: price}, prices


def cross_liquidation_price(
    book: BybitBook, markets: Mapping[str, BybitMarket], marks: Mapping[str, float], symbol: str
) -> float | None:
    def gap(price: float) -> float:
        at_marks, at_prices = moved(book, markets, marks, symbol, price)
        state = evaluate(book, markets, at_marks, at_prices)
        return state.margin_balance - state.maintenance

    return nearest_root(gap, marks[symbol])


def isolated_liquidation_price(
    p: BybitPosition, market: BybitMarket, mark: float, taker: float
) -> float | None:
    def gap(price: float) -> float:
        state = position_state(p, market, price, taker, isolated=True)
        assert state.balance is not None
        return state.balance + state.upl - state.mm

    return nearest_root(gap, mark)


def nearest_root(gap: Callable[[float], float], start: float) -> float | None:
    """The price nearest `start` where gap (margin − maintenance) reaches 0.

    gap is concave in price (margin linear in it; maintenance convex: tiered rates rising with
    continuous deductions), so each side of a start with gap > 0 holds at most one root.
    """
    if gap(start) <= 0:
        return start  # already at or past liquidation
    roots = []
    low = start * 1e-9
    if gap(low) <= 0:
        roots.append(bisect(gap, low, start))
    high = start
    for _ in range(MAX_DOUBLINGS):
        high *= 2.0
        if gap(high) <= 0:
            roots.append(bisect(gap, high, high / 2.0))
            break
    if not roots:
        return None
    return min(roots, key=lambda r: abs(r - start))


def bisect(gap: Callable[[float], float], inside: float, outside: float) -> float:
    """Root between `inside` (gap <= 0) and `outside` (gap > 0), to REL_TOL of the price."""
    for _ in range(400):
        middle = 0.5 * (inside + outside)
        if gap(middle) <= 0:
            inside = middle
        else:
            outside = middle
        if abs(outside - inside) <= REL_TOL * max(abs(inside), abs(outside)):
            break
    return 0.5 * (inside + outside)


def liquidation_prices(
    book: BybitBook, markets: Mapping[str, BybitMarket], marks: Mapping[str, float]
) -> dict[tuple[str, int], float | None]:
    """(symbol, positionIdx) -> liquidation price; both legs of a cross symbol share one."""
    result: dict[tuple[str, int], float | None] = {}
    by_symbol: dict[str, float | None] = {}
    for p in book.positions:
        market = markets[p.symbol]
        if book.isolated:
            price = isolated_liquidation_price(p, market, marks[p.symbol], book.taker_fee)
        else:
            if p.symbol not in by_symbol:
                by_symbol[p.symbol] = cross_liquidation_price(book, markets, marks, p.symbol)
            price = by_symbol[p.symbol]
        result[(p.symbol, p.position_idx)] = price
    return result


def within_band(price: float | None, market: BybitMarket) -> bool:
    """Whether Bybit shows this liqPrice ([API]: "" when <= minPrice or >= maxPrice)."""
    return (
        price is not None and market.min_price < price < market.max_price and math.isfinite(price)
    )
