"""The account header's compact list of every pool of the account, one row per pool, worst
first; amounts in the pool's own currency (shown when the account has several pools)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from monitor.domain.alert_text import pace_text
from monitor.service.snapshot import AccountSnapshot, PoolSnapshot
from monitor.ui import formatting as fmt
from monitor.ui.filled_widget import repolish
from monitor.ui.header_render import NOT_GIVEN
from monitor.ui.pools import collateral_text, has_whatif
from monitor.ui.pools import name as pool_name

POOL_COLUMNS = (
    "Pool", "Health", "Exch. health", "Margin balance", "Maintenance", "Exch. maint.",
    "Liquidating move", "Collateral",
)  # fmt: skip
_POOL_TIPS = {
    "Exch. health": "the venue's own health of the pool (not given: the venue reports none)",
    "Exch. maint.": "the venue's own maintenance margin of the pool",
    "Liquidating move": "uniform move of every mark, down / up, that liquidates the pool",
    "Collateral": "assets counted at their price × the share that counts (1 − haircut)",
}


def set_stale(label: QLabel, stale: bool) -> None:
    # Figures that are not current are greyed and italic (style sheets: [stale="true"]).
    value = "true" if stale else "false"
    if label.property("stale") != value:
        label.setProperty("stale", value)
        repolish(label)


def set_tip(widget: QWidget, tip: str) -> None:
    # Only a new tip is set: setting one sends the widget an event even when it is the same
    # (the header sets three at every tick).
    if widget.toolTip() != tip:
        widget.setToolTip(tip)


def pace(snap: AccountSnapshot, pool: PoolSnapshot | None, failing: bool) -> str:
    """The pool's time to liquidation at its pace while its move shrinks ("" otherwise, and for
    figures that are not current)."""
    if pool is None or failing or not snap.known:
        return ""
    return pace_text(pool.eta_seconds)


def _compact_moves(snap: AccountSnapshot, pool: PoolSnapshot) -> str:
    h = pool.health
    if h.unknown is not None:
        return fmt.UNKNOWN
    if h.health_ratio is not None and h.health_ratio <= snap.thresholds.liquidation:
        return "at liquidation"
    if h.health_ratio is None:
        return "no cross maintenance"
    down = fmt.move(-h.liquidation_move_down if h.liquidation_move_down is not None else None)
    return f"{down} / {fmt.move(h.liquidation_move_up)}"


class PoolList(QFrame):
    """Every pool, compact, across the whole header."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("poolsBox")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 2, 0, 0)
        self._grid.setHorizontalSpacing(14)
        self._grid.setVerticalSpacing(1)
        self._captions = []
        for col, name in enumerate(POOL_COLUMNS):
            caption = QLabel(name)
            caption.setObjectName("figureCaption")
            caption.setToolTip(_POOL_TIPS.get(name, ""))
            self._grid.addWidget(caption, 0, col)
            self._captions.append(caption)
        self._grid.setColumnStretch(len(POOL_COLUMNS) - 1, 1)
        self._labels: list[list[QLabel]] = []
        self.hide()

    def rows(self) -> list[list[str]]:
        """The list as shown, one row of POOL_COLUMNS texts per pool."""
        if self.isHidden():
            return []
        return [[label.text() for label in row] for row in self._labels]

    def show_pools(self, snap: AccountSnapshot | None, failing: bool) -> None:
        if snap is None:
            self.hide()
            return
        self._ensure_rows(len(snap.pools))
        for labels, pool in zip(self._labels, snap.pools, strict=True):
            texts, colour = _pool_texts(snap, pool, failing)
            for label, text in zip(labels, texts, strict=True):
                label.setText(text)
                set_stale(label, not snap.known)
            health = labels[POOL_COLUMNS.index("Health")]
            style = f"color: {colour}; font-weight: bold;" if colour else ""
            if health.styleSheet() != style:
                health.setStyleSheet(style)
        # The Collateral column only when a pool holds some.
        any_collateral = any(p.account.collaterals for p in snap.pools)
        column = POOL_COLUMNS.index("Collateral")
        for label in (self._captions[column], *(row[column] for row in self._labels)):
            label.setVisible(any_collateral)
        self.show()

    def _ensure_rows(self, count: int) -> None:
        while len(self._labels) < count:
            row = len(self._labels) + 1
            labels = []
            for col in range(len(POOL_COLUMNS)):
                label = QLabel()
                label.setObjectName("poolValue")
                label.setTextFormat(Qt.TextFormat.PlainText)
                self._grid.addWidget(label, row, col)
                labels.append(label)
            self._labels.append(labels)
        while len(self._labels) > count:
            for label in self._labels.pop():
                self._grid.removeWidget(label)
                label.deleteLater()


def _pool_texts(snap: AccountSnapshot, pool: PoolSnapshot, failing: bool) -> tuple[list[str], str]:
    h, account, currency = pool.health, pool.account, pool.account.collateral
    exch, exch_maint = account.exchange_health_ratio, account.exchange_maintenance_margin
    health = fmt.UNKNOWN if failing or h.unknown else fmt.health(h.health_ratio)
    if has_whatif(pool) and not failing and not h.unknown:  # was → with the what-ifs
        health = f"{fmt.health(pool.baseline.health_ratio)} → {health}"
    eta = pace(snap, pool, failing)
    texts = [
        pool_name(pool),
        health,
        fmt.health(exch) if exch is not None else NOT_GIVEN,
        fmt.money(h.margin_balance, unit=currency),
        fmt.money(h.maintenance_margin, unit=currency),
        fmt.money(exch_maint, unit=currency) if exch_maint is not None else NOT_GIVEN,
        _compact_moves(snap, pool) + (f" · {eta}" if eta else ""),
        collateral_text(account),
    ]
    colour = fmt.LEVEL_COLOURS[h.status] if snap.known and not failing else ""
    if snap.known and not failing and h.unknown is not None:
        colour = fmt.UNKNOWN_COLOUR
    return texts, colour
