"""The positions table's totals: notional long, short and net, and the unrealised PnL, per pool
currency (a USDT and a BTC pool are never added together), of the real book.

Shown in a bar under the table (TotalsBar) rather than as a row of it: it stays at the bottom
whatever the sort and however many rows scroll, and reads whole whichever columns the window
has room for. What-ifs are not counted (they are not the record); a position whose figures
are unknown makes its currency's sums unknown ("—"), never a smaller number.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from monitor.ui import formatting as fmt
from monitor.ui.boxed_label import BoxedLabel
from monitor.ui.rows import PositionRow

PROFIT_COLOUR = "#2e9e5b"
LOSS_COLOUR = "#d8313f"


@dataclass(frozen=True)
class Totals:
    currency: str  # the pool's ("" for a bare manual account)
    long: float
    short: float
    pnl: float

    @property
    def net(self) -> float:
        return self.long - self.short


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


def _pnl_html(pnl: float, unit: str, coloured: bool) -> str:
    text = html.escape(fmt.money(pnl, unit=unit))
    if not coloured or not math.isfinite(pnl):
        return text
    return f'<span style="color:{PROFIT_COLOUR if pnl >= 0 else LOSS_COLOUR}">{text}</span>'


_GAP = '<td width="22"></td>'  # between one figure and the next caption


def totals_html(totals: Sequence[Totals], current: bool) -> str:
    """A line per currency, 'Total USDT  long …  short …  net …  uPnL …', as the rows of one
    table so that each figure sits under the same figure of the other currencies."""
    lines = []
    for t in totals:
        unit = t.currency
        net = fmt.money(t.net, unit=unit)
        net = f"+{net}" if math.isfinite(t.net) and t.net > 0 else net
        figures = (
            ("long", html.escape(fmt.money(t.long, unit=unit))),
            ("short", html.escape(fmt.money(t.short, unit=unit))),
            ("net", html.escape(net)),
            ("uPnL", _pnl_html(t.pnl, unit, current)),
        )
        cells = [f"<td><b>Total{' ' + html.escape(unit) if unit else ''}</b></td>"]
        for caption, value in figures:
            cells.append(f'{_GAP}<td>{caption}&nbsp;</td><td align="right">{value}</td>')
        lines.append(f"<tr>{''.join(cells)}</tr>")
    return f'<table cellspacing="0" cellpadding="0">{"".join(lines)}</table>'


class TotalsBar(QLabel):
    """The totals, a line per currency, under the table."""

    TIP = (
        "notional long, short and net (long − short) at the marks, and the unrealised PnL, of "
        "the real book (what-ifs not counted), per pool currency"
    )

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("positionTotals")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setToolTip(self.TIP)
        self.setContentsMargins(6, 3, 6, 3)
        self._shown: tuple[tuple[Totals, ...], bool] | None = None

    def show_totals(self, totals: tuple[Totals, ...], current: bool) -> None:
        if self._shown == (totals, current):
            return  # unchanged: no new text, no relayout
        was_current = self._shown is None or self._shown[1]
        self._shown = (totals, current)
        self.setText(totals_html(totals, current))
        if current != was_current or not current:  # a style sheet set anew restyles the label
            self.setStyleSheet("" if current else f"color: {fmt.STALE_COLOUR};")
        self.setVisible(bool(totals))


def with_totals(table: QWidget, totals: TotalsBar) -> QWidget:
    """The table with its totals under it. Boxed: the PnL changes at every tick, and a label's
    new text would otherwise re-lay out the window (see BoxedLabel)."""
    pane = QWidget()
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(table, 1)
    layout.addWidget(BoxedLabel(totals))
    return pane
