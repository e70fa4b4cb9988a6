"""The totals under the positions table as plain values (TotalsBar, totals.py, shows them):
per pool currency, the real book's notional long, short and net and its unrealised PnL, and
their texts.

Qt-free: worked out on the service thread for a published snapshot of the account shown
(prerender.py), as its rows are; on the UI thread only for what was not (a what-if of the
window's). A tick's sums and four texts were about 3 % of the UI thread's instructions a refresh.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from monitor.ui import formatting as fmt
from monitor.ui.rows import PositionRow


@dataclass(frozen=True)
class Totals:
    currency: str  # the pool's ("" for a bare manual account)
    long: float
    short: float
    pnl: float

    @property
    def net(self) -> float:
        return self.long - self.short

    @cached_property
    def texts(self) -> tuple[str, str, str, str]:
        """figure_texts, worked out once: where the totals are (the service thread's, for a
        published snapshot: prerender.py asks for them there)."""
        return figure_texts(self)


def book_totals(rows: Sequence[PositionRow]) -> tuple[Totals, ...]:
    """Per pool currency, in the rows' order (the worst pool's first)."""
    sums: dict[str, list[float]] = {}
    for row in rows:
        if row.hypothetical or not row.ref.enabled:
            continue
        h = row.now if row.before is None else row.before  # the real book's figures
        entry = sums.setdefault(row.pool, [0.0, 0.0, 0.0])
        if h is None or h.unknown is not None:
            entry[:] = [math.nan] * 3
            continue
        entry[0 if row.position.side.sign > 0 else 1] += h.notional
        entry[2] += h.unrealized_pnl
    return tuple(Totals(c, long, short, pnl) for c, (long, short, pnl) in sums.items())


def figure_texts(t: Totals) -> tuple[str, str, str, str]:
    """Long, short, net (signed) and uPnL as shown, in the pool's currency (unnamed)."""
    unit = t.currency
    net = fmt.money(t.net, unit=unit)
    net = f"+{net}" if math.isfinite(t.net) and t.net > 0 else net
    return (fmt.money(t.long, unit=unit), fmt.money(t.short, unit=unit), net,
            fmt.money(t.pnl, unit=unit))  # fmt: skip


def pnl_sign(pnl: float, current: bool) -> str:
    """The uPnL's colour rule ("" uncoloured: not current, or unknown)."""
    if not current or not math.isfinite(pnl):
        return ""
    return "profit" if pnl >= 0 else "loss"
