"""What holding the book costs (or earns) in funding at today's rates, and how long it can be
held at that pace.

A perpetual's funding is paid every interval on the position's notional at mark: a long pays
rate x notional when the rate is positive, a short receives it (and the other way round when
it is negative). Per day that is -side x notional x rate x (24 h / interval). Held at today's
rates and marks, funding only moves the wallet, so a pool's margin balance falls by a constant
amount a day while its maintenance stays put: the day it reaches a health h is
(margin balance - h x maintenance) / paid per day — exact, not approximate, under those terms.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from monitor.domain.book import Book, FloatArray
from monitor.domain.engine import evaluate_arrays
from monitor.domain.model import Position


@dataclass(frozen=True)
class FundingRate:
    """One symbol's current funding rate (a fraction per interval) and interval in hours."""

    rate: float
    interval_hours: float

    def __post_init__(self) -> None:
        if not math.isfinite(self.rate):
            raise ValueError(f"funding rate must be a number, got {self.rate!r}")
        if not (math.isfinite(self.interval_hours) and self.interval_hours > 0):
            raise ValueError(f"funding interval must be > 0 hours, got {self.interval_hours!r}")

    @property
    def per_day(self) -> float:
        return 24.0 / self.interval_hours


@dataclass(frozen=True)
class PoolFunding:
    """A pool's (symbol None) or isolated position's funding at today's rates and marks.

    `per_day` is in the pool's collateral, negative when paying; the runways are days until
    the health reaches the warning level and 1.0 (0: already there; None: never at this pace,
    or unknown — then `reason` says why)."""

    account: str
    symbol: str | None
    per_day: float | None
    days_to_warning: float | None
    days_to_liquidation: float | None
    reason: str | None = None
    pool: int = 0  # the account's index in the book


def funding_per_day(book: Book, rates: Mapping[str, FundingRate]) -> FloatArray:
    """(n,) each position's funding per day in its pool's currency (NaN: no rate for it)."""
    positions = [p for a in book.accounts for p in a.positions]
    ev = evaluate_arrays(book)
    out = np.full(book.size, np.nan)
    weight = book.mm_weight()  # settle units -> the pool's currency
    for r, p in enumerate(positions):
        rate = rates.get(p.symbol)
        if rate is not None and math.isfinite(p.mark_price) and p.mark_price > 0:
            out[r] = -book.side[r] * abs(ev.notional[r]) * rate.rate * rate.per_day * weight[r]
    return out


def _why(p: Position, rates: Mapping[str, FundingRate]) -> str:
    if p.symbol not in rates:
        return f"unknown: no funding rate for {p.symbol}"
    return f"unknown: {p.unknown or f'no usable mark for {p.symbol}'}"


def _runway(room: float, per_day: float) -> float | None:
    if room <= 0:
        return 0.0
    return room / -per_day if per_day < 0 else None


def pool_funding(
    book: Book, rates: Mapping[str, FundingRate], warning: float | Sequence[float]
) -> list[PoolFunding]:
    """Every cross pool holding positions, then every isolated position; `warning` is the
    health of the warning level, one for all or one per account."""
    warnings = (
        [float(warning)] * len(book.accounts) if isinstance(warning, float | int) else warning
    )
    per_row = funding_per_day(book, rates)
    ev = evaluate_arrays(book)
    positions = [p for a in book.accounts for p in a.positions]
    out = []
    for i, account in enumerate(book.accounts):
        rows = np.flatnonzero((book.account_index == i) & ~book.isolated)
        if not rows.size:
            continue
        missing = [
            positions[r] for r in rows if not math.isfinite(per_row[r]) or positions[r].unknown
        ]
        if missing:
            reason = _why(missing[0], rates)
            out.append(PoolFunding(account.name, None, None, None, None, reason, i))
            continue
        day = float(per_row[rows].sum())
        balance, mm = float(ev.margin_balance[i]), float(ev.account_maintenance[i])
        out.append(
            PoolFunding(
                account.name,
                None,
                day,
                _runway(balance - warnings[i] * mm, day),
                _runway(balance - mm, day),
                None,
                i,
            )
        )
    for r in np.flatnonzero(book.isolated).tolist():
        p = positions[r]
        i = int(book.account_index[r])
        name = book.accounts[i].name
        if not math.isfinite(per_row[r]) or p.unknown:
            reason = _why(p, rates)
            out.append(PoolFunding(name, p.symbol, None, None, None, reason, i))
            continue
        own = float(ev.maintenance[r] / book.mm_weight()[r])
        held = float(book.isolated_margin[r] + ev.unrealized_pnl[r])
        day = float(per_row[r])
        out.append(
            PoolFunding(
                name,
                p.symbol,
                day,
                _runway(held - warnings[i] * own, day),
                _runway(held - own, day),
                None,
                i,
            )
        )
    return out
