"""The figures a trader reads on a venue's positions page, from what the book carries: the
position's margin, effective leverage, ROE, break-even price, size in its unit, and a pool's
"available" balance. Plain Python (no Qt): the positions table and the header share them.

Each figure is None when the book does not carry what it needs (a cross position without a
set leverage, a position the engine could not judge): unknown, never a made-up number.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from monitor.domain.model import MarginMode, Position
from monitor.domain.report import AccountHealth, PositionHealth


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def entry_notional(p: Position) -> float:
    """Notional at the entry price, in the pool's currency (quote; coin for inverse)."""
    return p.size / p.entry_price if p.inverse else p.size * p.entry_price


def initial_margin(p: Position) -> float | None:
    """The margin the position holds, as the venues show it: an isolated position's own
    margin (as reported or typed); a cross one's initial margin, entry notional ÷ the set
    leverage (Binance's ROE denominator)."""
    if p.margin_mode is MarginMode.ISOLATED and _finite(p.isolated_margin):
        return p.isolated_margin
    if p.leverage and p.leverage > 0 and p.entry_price > 0:
        return entry_notional(p) / p.leverage
    return None


def roe(p: Position, h: PositionHealth | None) -> float | None:
    """Return on equity as Binance shows it: unrealised PnL ÷ initial margin at entry
    (entry notional ÷ leverage; an isolated position without a leverage: its own margin)."""
    if h is None or h.unknown is not None or not _finite(h.unrealized_pnl):
        return None
    if p.leverage and p.leverage > 0 and p.entry_price > 0:
        margin: float | None = entry_notional(p) / p.leverage
    else:
        margin = initial_margin(p)
    if margin is None or margin <= 0:
        return None
    return h.unrealized_pnl / margin


def break_even(p: Position) -> float | None:
    """The mark at which closing now nets zero after the taker fee to close (where the venue
    gives its rate; the fee paid to open and funding are not known to the app).

    Linear: long (P − E)·q = f·P·q → P = E / (1 − f); short P = E / (1 + f).
    Inverse (PnL in coin, fee f·q/P): long P = E·(1 + f); short P = E·(1 − f).
    """
    if not p.entry_price > 0:
        return None
    f = p.close_fee_rate
    long = p.side.sign > 0
    if p.inverse:
        return p.entry_price * (1 + f if long else 1 - f)
    divisor = 1 - f if long else 1 + f
    return p.entry_price / divisor if divisor > 0 else None


def counts_contracts(p: Position) -> bool:
    """The venue counts this position in contracts (OKX's ctVal, inverse USD contracts), not
    in coin."""
    return p.inverse or not math.isclose(p.contract_size, 1.0)


def size_text(p: Position, amount: str) -> str:
    """The size in its unit: "1.5 BTC", or "150 ct" where the venue counts contracts."""
    return f"{amount} ct" if counts_contracts(p) else f"{amount} {p.base}"


@dataclass(frozen=True)
class PoolLeverage:
    """A cross pool's effective leverage: its cross positions' notional ÷ its margin balance,
    the same for each of them (each is backed by the pool's whole margin, shared by notional)."""

    notional: float
    margin_balance: float

    @property
    def leverage(self) -> float | None:
        if not self.margin_balance > 0 or not math.isfinite(self.notional):
            return None
        return self.notional / self.margin_balance


def pool_leverage(health: AccountHealth, positions: Iterable[Position]) -> PoolLeverage:
    cross = [
        h.notional
        for p, h in zip(positions, health.positions, strict=False)
        if p.margin_mode is MarginMode.CROSS
    ]
    return PoolLeverage(sum(cross), health.margin_balance)


def effective_leverage(
    p: Position, h: PositionHealth | None, pool: PoolLeverage | None
) -> float | None:
    """Notional ÷ the margin behind the position: an isolated one's own margin; a cross one's
    share of its pool's margin balance (see PoolLeverage)."""
    if h is None or h.unknown is not None or not _finite(h.notional):
        return None
    if p.margin_mode is MarginMode.ISOLATED:
        margin = p.isolated_margin
        return h.notional / margin if margin is not None and margin > 0 else None
    return pool.leverage if pool is not None else None


def available(health: AccountHealth | None, positions: Iterable[Position]) -> float | None:
    """Available as the venues define it: margin balance − the initial margin of every
    position (cross: notional at the mark ÷ leverage; isolated ones hold their own margin out
    of the balance). None unless every cross position carries its leverage: without the
    venue's initial margin there is no such figure."""
    if health is None or not _finite(health.margin_balance):
        return None
    used = 0.0
    for p, h in zip(positions, health.positions, strict=False):
        if p.margin_mode is MarginMode.ISOLATED:
            continue
        if not p.leverage or p.leverage <= 0 or not _finite(h.notional):
            return None
        used += h.notional / p.leverage
    return health.margin_balance - used
