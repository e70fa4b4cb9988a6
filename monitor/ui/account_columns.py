"""The account list's column widths: every column inside its pane, none behind a scrollbar.

Health (the worst pool's badge) and Data (the figures' age, or why they fail) always get their
content's width. Account and Venue share the rest: the name up to NAME_WIDTH first, then the
venue up to its content, then the name whole. The splitter cannot make the pane narrower than
that first share of the name and the two figures; with less room than the venue needs, the
venue is hidden rather than cut to a few letters (the header's title names the selected
account's venue), and a name longer than NAME_WIDTH elides ("…"). Widths follow the
pane, so a column the trader drags wider is re-fitted at the next resize: widening the pane
shows names and venues whole."""

from __future__ import annotations

import math

from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QSplitter

from monitor.ui.accounts_model import HEADERS, HEALTH_COLUMN, VENUE_COLUMN
from monitor.ui.column_fit import FittedColumns
from monitor.ui.table_view import SortAwareView

NAME_COLUMN = HEADERS.index("Account")
DATA_COLUMN = HEADERS.index("Data")
# The name first gets up to this much, then the venue its room: "[SIMULATED] binance-pools"
# whole, enough to tell accounts apart.
NAME_WIDTH = 180
VENUE_MIN = 70  # below this, "simul…" tells nothing: the column is hidden
# The widest badge of one pool's level: Health has its room from the start, so that the pane
# does not widen (the header and the table jumping sideways) the moment a pool liquidates.
WIDEST_LEVEL = "-00.00 liquidation"


class AccountColumns(FittedColumns):
    def __init__(self, view: SortAwareView, splitter: QSplitter, pane_index: int) -> None:
        splitter.setCollapsible(pane_index, False)
        pane = splitter.widget(pane_index)
        if pane is None:
            raise IndexError(f"the splitter has no pane {pane_index}")
        self.pane = pane
        super().__init__(view)
        self.fit()

    def fit(self) -> None:
        if self._fitting:
            return
        self._fitting = True
        try:
            view = self.view
            health = max(self.natural(HEALTH_COLUMN), self._level_room())
            data = self.natural(DATA_COLUMN)
            rest = max(0, view.viewport().width() - health - data)
            name_whole, venue_whole = self.natural(NAME_COLUMN), self.natural(VENUE_COLUMN)
            name = min(name_whole, NAME_WIDTH)
            venue = min(venue_whole, rest - name)
            if venue < min(venue_whole, VENUE_MIN):
                venue = 0
            name = max(min(name_whole, rest - venue), name)
            if view.isColumnHidden(VENUE_COLUMN) != (venue == 0):
                view.setColumnHidden(VENUE_COLUMN, venue == 0)
            view.setColumnWidth(NAME_COLUMN, name)
            if venue:
                view.setColumnWidth(VENUE_COLUMN, venue)
            view.setColumnWidth(HEALTH_COLUMN, health)
            view.setColumnWidth(DATA_COLUMN, data)  # the last: stretched over what is left
            self._hold(min(name_whole, NAME_WIDTH) + health + data)
        finally:
            self._fitting = False

    def _level_room(self) -> int:
        """WIDEST_LEVEL's cell width: its text and the margins the cells' size hint adds to
        theirs (read off the widest Health text shown; 0 with no rows)."""
        view = self.view
        model = view.model()
        metrics = QFontMetricsF(view.font())  # fractional advances: rounded once, below
        widest = max(
            (metrics.horizontalAdvance(str(model.index(row, HEALTH_COLUMN).data() or ""))
             for row in range(model.rowCount())),
            default=None,
        )  # fmt: skip
        if widest is None:
            return 0
        margins = view.sizeHintForColumn(HEALTH_COLUMN) - widest
        return math.ceil(metrics.horizontalAdvance(WIDEST_LEVEL) + margins)

    def _hold(self, columns: int) -> None:
        """The pane never so narrow that Health or Data would leave the viewport."""
        view = self.view
        needed = columns + 2 * view.frameWidth()
        scrollbar = view.verticalScrollBar()
        if scrollbar.isVisible():
            needed += scrollbar.width()
        if self.pane.minimumWidth() != needed:
            self.pane.setMinimumWidth(needed)

    def resized(self) -> None:
        if not self._fitting:
            self.fit()
