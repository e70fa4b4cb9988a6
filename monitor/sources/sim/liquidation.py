"""Liquidation prices by bisection on the venue's own margin condition (reference.py).

A leg's liquidation price is the mark of its symbol at which its pool's margin balance equals
its maintenance, every other symbol held at its mark. In cross margin every leg of the symbol
in the pool moves to that price, so hedge-mode LONG and SHORT legs get the same price (Binance
FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts": "the same ticker/symbol,
both long and short position share the same liquidation price"); an isolated leg moves alone.
The bracket is looked up at each tested price, as that FAQ requires.

The search: room(P) = margin balance - maintenance is concave in P (uPnL is linear, maintenance
is convex because bracket rates rise with notional, and min(x*bid, x*ask) is concave), so it
has at most one root on each side of the mark. Each side is bracketed by doubling/halving the
price, then bisected to 1e-12 relative. Of a root on each side, the one nearer the mark (in
ratio) is the liquidation price - the docs are silent on that case (it needs hedge legs or
BTC collateral), so that is the simulation's choice. None: no positive price liquidates
(Binance shows "--").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from monitor.sources.sim.reference import Leg, Portfolio, pool_figures

RELATIVE_TOLERANCE = 1e-12
MAX_DOUBLINGS = 40  # up to ~1e12 x the mark
MAX_HALVINGS = 60  # down to ~1e-18 x the mark
NEGLIGIBLE = 1e-9  # a price this fraction of the mark counts as zero
Room = Callable[[float], float]


def room_function(portfolio: Portfolio, leg: Leg) -> Room:
    """Margin balance minus maintenance of `leg`'s pool as a function of its symbol's price."""
    pool = portfolio.pool_of(leg)

    def room(price: float) -> float:
        return pool_figures(portfolio, pool, {leg.symbol: price}).room

    return room


def liquidation_price(portfolio: Portfolio, leg: Leg) -> float | None:
    return nearest_root(room_function(portfolio, leg), leg.mark)


def nearest_root(room: Room, mark: float) -> float | None:
    """The root of the concave `room` nearest to `mark`, or None."""
    at_mark = room(mark)
    if at_mark == 0:
        return mark
    sides = (_side_root(room, mark, at_mark, 2.0), _side_root(room, mark, at_mark, 0.5))
    # A "root" a billionth of the mark from zero is rounding in room(0) = 0: none.
    found = [r for r in sides if r is not None and r > NEGLIGIBLE * mark]
    if not found:
        return None
    return min(found, key=lambda r: abs(math.log(r / mark)))


def _side_root(room: Room, mark: float, at_mark: float, factor: float) -> float | None:
    steps = MAX_DOUBLINGS if factor > 1 else MAX_HALVINGS
    if at_mark > 0:
        if factor < 1 and room(0.0) >= 0:
            return None  # concave and healthy at 0 and at the mark: healthy in between
        # Healthy: the first grid point with room <= 0 brackets the root (concavity: room
        # stays <= 0 beyond it).
        inner = mark
        for _ in range(steps):
            outer = inner * factor
            if room(outer) <= 0:
                return _bisect(room, inner, outer)
            inner = outer
        return None
    # Already at or past liquidation: the healthy prices, if any, form an interval on one
    # side. Walk outward while room rises; once it falls the peak is behind us.
    previous, before = mark, at_mark
    for step in range(steps):
        farther = previous * factor
        value = room(farther)
        if value > 0:
            return _bisect(room, previous, farther)
        if value < before:
            if step == 0:
                return None  # falling from the mark outward: nothing healthy this side
            peak = _peak(room, previous / factor, farther)
            return _bisect(room, previous / factor, peak) if room(peak) > 0 else None
        previous, before = farther, value
    return None


def _bisect(room: Room, a: float, b: float) -> float:
    """Bisection between a and b, where room changes sign, to 1e-12 relative."""
    lo, hi = min(a, b), max(a, b)
    lo_sign = room(lo) > 0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if (room(mid) > 0) == lo_sign:
            lo = mid
        else:
            hi = mid
        if hi - lo <= RELATIVE_TOLERANCE * lo:
            break
    return 0.5 * (lo + hi)


def _peak(room: Room, a: float, b: float) -> float:
    """Golden-section search for the maximum of the concave `room` on [a, b]."""
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    lo, hi = min(a, b), max(a, b)
    x1, x2 = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    f1, f2 = room(x1), room(x2)
    for _ in range(200):
        if hi - lo <= RELATIVE_TOLERANCE * lo:
            break
        if f1 < f2:
            lo, x1, f1 = x1, x2, f2
            x2 = lo + ratio * (hi - lo)
            f2 = room(x2)
        else:
            hi, x2, f2 = x2, x1, f1
            x1 = hi - ratio * (hi - lo)
            f1 = room(x1)
    return 0.5 * (lo + hi)


def liquidation_prices(portfolio: Portfolio) -> Mapping[int, float | None]:
    """Every leg's liquidation price, by its index in `portfolio.legs`."""
    return {i: liquidation_price(portfolio, leg) for i, leg in enumerate(portfolio.legs)}
