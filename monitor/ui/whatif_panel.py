"""The what-if list of one account: hypotheticals on or off, add, edit, delete; the health of
the pool each lands in, before → after."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from monitor.domain.model import Position
from monitor.service.snapshot import AccountSnapshot
from monitor.ui import formatting as fmt
from monitor.ui import pools
from monitor.ui.rows import has_active_whatif


def hypotheticals(snap: AccountSnapshot) -> list[tuple[int, Position, bool]]:
    """(position_id, position, enabled) of every hypothetical, on or off, in any pool."""
    out: list[tuple[int, Position, bool]] = []
    for pool in snap.pools:
        for p, ref in zip(pool.account.positions, pool.refs, strict=False):
            if ref.kind == "hypothetical" and ref.position_id is not None:
                out.append((ref.position_id, p, ref.enabled))
    out.extend((pid, p, False) for pid, p in snap.disabled)
    return sorted(out, key=lambda item: item[0])


def pool_of_whatif(snap: AccountSnapshot) -> dict[int, str]:
    """The pool each switched-on what-if counts in, by position id."""
    return {
        ref.position_id: pool.pool
        for pool in snap.pools
        for ref in pool.refs
        if ref.kind == "hypothetical" and ref.position_id is not None
    }


def summary(snap: AccountSnapshot | None, items: list[tuple[int, Position, bool]]) -> str:
    notes = _notes(snap)
    if snap is not None and has_active_whatif(snap):
        several = len(snap.pools) > 1
        lines = [
            f"{pools.name(p) + ' pool' if several else 'Pool'} health "
            f"{fmt.health(p.baseline.health_ratio)} → {fmt.health(p.health.health_ratio)}"
            for p in pools.whatif_pools(snap)
        ]
        on = sum(1 for _, _, enabled in items if enabled)
        which = "the what-if" if on == 1 else f"the {on} what-ifs"
        return "; ".join(lines) + f" with {which} switched on." + notes
    if items:
        return "What-ifs are all switched off: figures are the real book." + notes
    return "No what-ifs. Add one to see what a new position does." + notes


def _notes(snap: AccountSnapshot | None) -> str:
    """How the figures were reached, where the trader should know (e.g. a what-if typed at
    another mark than the held position of its symbol: one market, one mark)."""
    if snap is None:
        return ""
    seen: list[str] = []
    for pool in snap.pools:
        for note in (*pool.health.notes, *pool.baseline.notes):
            if note not in seen:
                seen.append(note)
    return "".join(f"\nNote: {n}" for n in seen)


class WhatIfPanel(QWidget):
    toggled = Signal(int, bool)  # position_id, enabled
    add_requested = Signal()
    edit_requested = Signal(int)
    delete_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("No what-ifs. Add one to see what a new position does.")
        self.summary.setObjectName("whatifSummary")
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.add = QPushButton("Add what-if…")
        self.edit = QPushButton("Edit…")
        self.delete = QPushButton("Delete")
        buttons = QHBoxLayout()
        for b in (self.add, self.edit, self.delete):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._shown: tuple[object, ...] = ()
        self.list.itemChanged.connect(self._item_changed)
        self.add.clicked.connect(self.add_requested)
        self.edit.clicked.connect(lambda: self._with_selected(self.edit_requested.emit))
        self.delete.clicked.connect(lambda: self._with_selected(self.delete_requested.emit))

    def _with_selected(self, emit: object) -> None:
        item = self.list.currentItem()
        if item is not None:
            emit(int(item.data(Qt.ItemDataRole.UserRole)))  # type: ignore[operator]

    def _item_changed(self, item: QListWidgetItem) -> None:
        enabled = item.checkState() == Qt.CheckState.Checked
        self.toggled.emit(int(item.data(Qt.ItemDataRole.UserRole)), enabled)

    def show_account(self, snap: AccountSnapshot | None) -> None:
        items = hypotheticals(snap) if snap else []
        self.summary.setText(summary(snap, items))
        in_pool = pool_of_whatif(snap) if snap is not None and len(snap.pools) > 1 else {}
        # Marks move every tick; the list shows only what the trader typed, so compare that.
        shown = tuple(
            (pid, p.symbol, p.side, p.contracts, p.entry_price, p.margin_mode, on, in_pool.get(pid))
            for pid, p, on in items
        )
        if shown == self._shown:
            return  # rebuild only when the list itself changed, so selection stays
        self._shown = shown
        current = self.list.currentItem()
        keep = current.data(Qt.ItemDataRole.UserRole) if current else None
        self.list.blockSignals(True)
        self.list.clear()
        for pid, p, on in items:
            pool = in_pool.get(pid)
            item = QListWidgetItem(
                f"{p.side.value} {fmt.amount(p.contracts)} {p.symbol} @ {fmt.price(p.entry_price)}"
                f"  ({p.margin_mode.value})" + (f"  ·  {pool} pool" if pool else "")
            )
            item.setData(Qt.ItemDataRole.UserRole, pid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.list.addItem(item)
            if pid == keep:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def item_for(self, position_id: int) -> QListWidgetItem | None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == position_id:
                return item
        return None
