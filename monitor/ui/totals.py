"""The positions table's totals: notional long, short and net, and the unrealised PnL, per pool
currency (a USDT and a BTC pool are never added together), of the real book.

Shown in a bar under the table (TotalsBar) rather than as a row of it: it stays at the bottom
whatever the sort and however many rows scroll, and reads whole whichever columns the window
has room for. What-ifs are not counted (they are not the record); a position whose figures
are unknown makes its currency's sums unknown ("—"), never a smaller number.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from monitor.ui import formatting as fmt
from monitor.ui.boxed_label import BoxedLabel
from monitor.ui.filled_widget import FilledLabel, FilledWidget, repolish
from monitor.ui.totals_render import Totals, book_totals, figure_texts, pnl_sign

# The sums and their texts, Qt-free, live in totals_render.py: imported from here still.
__all__ = ["Totals", "TotalsBar", "book_totals", "figure_texts", "pnl_sign", "with_totals"]

PROFIT_COLOUR = "#2e9e5b"
LOSS_COLOUR = "#d8313f"


_FIGURES = ("long", "short", "net", "uPnL")
_GAP = 22  # px between one figure and the next caption
_CAPTION_GAP = 4  # px between a caption and its figure


def _style(current: bool) -> str:
    """The bar's own rules: a title in bold, the uPnL coloured by its sign; everything grey
    when the figures are not current. Set on a change of state only (a new style sheet
    restyles every label of the bar)."""
    rules = "QLabel#totalsTitle { font-weight: bold; }"
    if current:
        return (
            f'{rules} QLabel#totalsPnl[sign="profit"] {{ color: {PROFIT_COLOUR}; }}'
            f' QLabel#totalsPnl[sign="loss"] {{ color: {LOSS_COLOUR}; }}'
        )
    return f"QLabel {{ color: {fmt.STALE_COLOUR}; }} {rules}"


class _Line:
    """One currency's labels: its title, then a caption and a figure for each total."""

    def __init__(self, grid: QGridLayout, row: int, currency: str) -> None:
        self.currency = currency
        self.title = QLabel(f"Total {currency}" if currency else "Total")
        self.title.setObjectName("totalsTitle")
        grid.addWidget(self.title, row, 0)
        self.figures: list[QLabel] = []
        for i, caption in enumerate(_FIGURES):
            name = QLabel(caption)
            name.setContentsMargins(0, 0, _CAPTION_GAP, 0)
            grid.addWidget(name, row, 2 + 3 * i)
            value = FilledLabel(fmt.UNKNOWN)  # in the bar's colour (the themes): it ticks
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if caption == "uPnL":
                value.setObjectName("totalsPnl")
            # Boxed: a new figure as wide as the last lays out nothing (see BoxedLabel).
            grid.addWidget(BoxedLabel(value), row, 3 + 3 * i)
            self.figures.append(value)
        self.pnl = self.figures[-1]

    def show(self, t: Totals, current: bool) -> None:
        for label, text in zip(self.figures, t.texts, strict=True):
            label.setText(text)
        sign = pnl_sign(t.pnl, current)
        if self.pnl.property("sign") != sign:  # repolished on a change of sign only
            self.pnl.setProperty("sign", sign)
            repolish(self.pnl)

    def text(self) -> str:
        figures = "  ".join(
            f"{caption} {label.text()}"
            for caption, label in zip(_FIGURES, self.figures, strict=True)
        )
        return f"{self.title.text()}  {figures}"


class TotalsBar(FilledWidget):
    """The totals, a line per currency, under the table: plain labels in a grid, so that each
    figure sits under the same figure of the other currencies, right-aligned as the table's.

    Opaque (FilledWidget, in the colour behind it): a new total repaints the bar, not the
    widgets behind it.

    Plain text: a rich-text label lays its text out as a document at every new text (the
    uPnL changes at every tick), 1 to 2 ms of the UI thread's."""

    TIP = (
        "notional long, short and net (long − short) at the marks, and the unrealised PnL, of "
        "the real book (what-ifs not counted), per pool currency"
    )

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("positionTotals")
        self.setToolTip(self.TIP)
        self._lines: list[_Line] = []
        self._shown: tuple[tuple[Totals, ...], bool] | None = None
        self._current = True
        self.setStyleSheet(_style(True))
        self._build(())

    def _build(self, currencies: tuple[str, ...]) -> None:
        """A grid for these currencies (another account's; rare): the old one goes."""
        old = self.layout()
        if old is not None:
            QWidget().setLayout(old)  # the old grid and its labels go with a throw-away parent
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 3, 6, 3)
        grid.setHorizontalSpacing(0)
        grid.setVerticalSpacing(0)
        self._lines = [_Line(grid, row, c) for row, c in enumerate(currencies)]
        for i in range(len(_FIGURES)):
            grid.setColumnMinimumWidth(1 + 3 * i, _GAP)
        grid.setColumnStretch(1 + 3 * len(_FIGURES), 1)  # the figures packed to the left

    def show_totals(self, totals: tuple[Totals, ...], current: bool) -> None:
        if self._shown == (totals, current):
            return  # unchanged: no new text
        self._shown = (totals, current)
        currencies = tuple(t.currency for t in totals)
        if currencies != tuple(line.currency for line in self._lines):
            self._build(currencies)
        if current != self._current:
            self._current = current
            self.setStyleSheet(_style(current))
        for line, t in zip(self._lines, totals, strict=True):
            line.show(t, current)
        self.setVisible(bool(totals))

    def text(self) -> str:
        """The totals as shown, a line per currency ("Total USDT  long 1.00  short …")."""
        return "\n".join(line.text() for line in self._lines)

    def pnl_colour(self, currency: str) -> str:
        """The uPnL's colour as drawn (its palette's text colour), for checks."""
        line = next(line for line in self._lines if line.currency == currency)
        line.pnl.ensurePolished()
        return str(line.pnl.palette().color(line.pnl.foregroundRole()).name())


def with_totals(table: QWidget, totals: TotalsBar) -> QWidget:
    """The table with its totals under it."""
    pane = QWidget()
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(table, 1)
    layout.addWidget(totals)
    return pane
