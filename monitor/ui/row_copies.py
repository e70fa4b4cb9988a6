"""A table view's repainted rows copied from their images (row_images.py), drawn off the UI
thread; what no image stands for left to QTableView. Part of SortAwareView's paint
(table_view.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QModelIndex, QRect
from PySide6.QtGui import QPainter, QPaintEvent, QRegion
from PySide6.QtWidgets import QAbstractItemView, QTableView

from monitor.ui.row_look import keyed_rows

if TYPE_CHECKING:
    from monitor.ui.table_view import SortAwareView


def paint_from_images(
    view: SortAwareView, event: QPaintEvent, fill: Callable[[QRegion], None] | None = None
) -> QRegion | None:
    """Copy the repainted rows that have an image for this view's look from it (a selected
    one, its image drawn selected); the others (a row without an image, a row selected in
    part or in a see-through highlight), and the current cell while framed, painted by
    QTableView. `fill`: given what no copy covers, to fill with the background first (a
    viewport that fills none itself: SortAwareView).
    Returns what no copy covers (the grid's pixels there are the view's to fill; a copied
    row's are in its image); None: nothing painted, the view's look not one images are
    drawn for."""
    images = view.row_images
    if images is None or not view.own_drawing:
        return None
    look = view.row_look()
    keyed = keyed_rows(view)
    if look is None or keyed is None:
        return None
    row_shown = keyed[1]
    region = event.region()
    height, offset = look.height, view.verticalHeader().offset()
    count = view.model().rowCount()
    # The rows the region reaches, from its rectangles (a tick's: one to five), not a test
    # of each row against it (two calls into Qt a row).
    reached: set[int] = set()
    for rect in cast(Iterable[QRect], region):  # iterable, though its stubs do not say so
        top = max(0, (rect.top() + offset) // height)
        reached.update(range(top, min(count - 1, (rect.bottom() + offset) // height) + 1))
    width = view.viewport().width()
    selection = view.selectionModel()
    # The current cell is framed only while the view has the focus (QTableView.drawCell):
    # that cell is Qt's to draw, the rest of its row copied.
    focused = view.hasFocus() or view.viewport().hasFocus()
    current = view.currentIndex() if focused else QModelIndex()
    framed = view.visualRect(current) if current.isValid() else QRect()
    copies, by_qt = [], QRegion()
    # A selected row has its image drawn selected when the selection is whole rows and
    # its highlight opaque (filled three times over, as Qt fills it); else Qt draws it.
    whole_rows = (
        view.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows
        and look.highlight >> 24 == 0xFF
    )
    # The rows with a cell selected, and those selected whole (asked once, not per row).
    in_part: set[int] = set()
    whole: set[int] = set()
    if selection.hasSelection():
        in_part = {index.row() for index in selection.selectedIndexes()}
        whole = {index.row() for index in selection.selectedRows()} if whole_rows else set()
    current_row = current.row()
    for shown in sorted(reached):
        y = shown * height - offset
        image = None
        selected = shown in in_part
        if not selected or shown in whole:
            image = images.image(row_shown(shown), look, selected)
        if image is None:
            by_qt = by_qt.united(QRect(0, y, width, height))
        else:
            copies.append((y, image))
            if shown == current_row:
                by_qt = by_qt.united(framed)
    # The next snapshot's images are drawn selected too for the rows selected now.
    if whole or images.selected:
        images.selected = frozenset(row_shown(shown).key for shown in whole)
    x = -view.horizontalHeader().offset()
    # The copies, one after another, cover their rows whole (grid included).
    uncovered = region
    if copies:
        top, bottom = copies[0][0], copies[-1][0] + height
        rows = QRegion(x, top, look.width, bottom - top)
        uncovered = region.subtracted(rows).united(region.intersected(by_qt))
    if fill is not None:
        # QTableView draws no background under its cells; past the last row or column
        # nothing is drawn.
        fill(uncovered)
    if not by_qt.isEmpty():
        QTableView.paintEvent(view, QPaintEvent(region.intersected(by_qt)))
    if copies:
        painter = QPainter(view.viewport())
        painter.setClipRegion(region.subtracted(by_qt))
        for y, image in copies:
            painter.drawImage(x, y, image)
        painter.end()
    return uncovered
