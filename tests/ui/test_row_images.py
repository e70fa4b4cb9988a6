"""Rows copied from images drawn off the UI thread (row_images.py): the same pixels as the
view's own drawing of every cell, whole and in part, as shown, with a row selected, scrolled,
in a column resized; the images used for every row they can stand for, drawn on another
thread as the service thread draws them."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QRect, Qt
from PySide6.QtGui import QRegion
from PySide6.QtWidgets import QApplication

from monitor.ui.rendered_row import RenderedRow
from monitor.ui.row_images import CellPen, RowImages
from monitor.ui.table_view import CellDelegate
from monitor.ui.theme import apply_theme
from tests.ui.test_table_redraw import STEPS, _row, _table, painted, repaints, take_step


class _CountingDelegate(CellDelegate):
    """Counts the cells the view draws through its delegate (rows not copied from images)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: set[int] = set()
        self.columns: set[int] = set()

    def paint(self, painter: Any, option: Any, index: Any) -> None:
        self.rows.add(index.row())
        self.columns.add(index.column())
        super().paint(painter, option, index)


def _drawn_off_thread(view: Any) -> None:
    """The model's rows drawn into images on another thread, for the view's look (taken as
    the view paints)."""
    images = view.row_images
    source = view.model().sourceModel()
    rows = [source.row(i) for i in range(source.rowCount())]
    worker = threading.Thread(target=images.draw, args=(rows,))
    worker.start()
    worker.join()


def _with_images(qtbot: Any) -> Any:
    view = _table(qtbot)
    view.row_images = RowImages()
    view.viewport().repaint()  # its look taken
    assert view.row_images.look is not None
    _drawn_off_thread(view)
    return view


def _pair(qtbot: Any) -> tuple[Any, Any, _CountingDelegate]:
    """A view copying its rows from images, its delegate counting what it draws, and one
    drawing every cell itself."""
    ours, qts = _with_images(qtbot), _table(qtbot)
    counter = _CountingDelegate(ours)
    ours.setItemDelegate(counter)
    return ours, qts, counter


def test_rows_copied_from_images_are_the_cells_as_the_view_draws_them(
    app_theme: Any, qtbot: Any
) -> None:
    ours, qts, counter = _pair(qtbot)
    regions = repaints(ours)
    for view in (ours, qts):  # the last row selected, as a click selects it
        view.setCurrentIndex(view.model().index(4, 0))
    for step in STEPS:
        take_step(step, ours, qts)
        if step == "scrolled":
            _drawn_off_thread(ours)  # the same look: the images still stand
        for region in regions:
            counter.rows.clear()
            assert painted(ours, region) == painted(qts, region), (step, region)
            if region == regions[0] and step == "as shown":
                assert counter.rows == {4}  # every other row copied from its image
            if region == regions[0] and step == "a row selected":
                assert counter.rows == {2}  # the selected one drawn by Qt, not yet selected
        _drawn_off_thread(ours)  # the next snapshot's: the selected row drawn selected too
        for region in regions:
            counter.rows.clear()
            assert painted(ours, region) == painted(qts, region), (step, "selected", region)
            if region == regions[0]:
                assert counter.rows == set()  # every row copied from its image


def test_a_resized_column_is_drawn_by_the_view_until_images_are_drawn_for_it(
    app_theme: Any, qtbot: Any
) -> None:
    ours, qts, counter = _pair(qtbot)
    for view in (ours, qts):
        current = view.model().index(4, 0)  # current, not selected, and not framed:
        view.selectionModel().setCurrentIndex(current, QItemSelectionModel.SelectionFlag.NoUpdate)
        view.clearFocus()  # drawn as any other row
        view.setColumnWidth(1, 90)  # the figure no longer elided
    whole = QRegion(QRect(0, 0, 420, 300))
    assert painted(ours, whole) == painted(qts, whole)
    assert counter.rows == {0, 1, 2, 3, 4}  # the images are for the old widths
    _drawn_off_thread(ours)
    counter.rows.clear()
    assert painted(ours, whole) == painted(qts, whole)
    assert counter.rows == set()  # every row copied from its new image


def test_the_framed_current_cell_is_drawn_by_the_view(app_theme: Any, qtbot: Any) -> None:
    ours, qts, counter = _pair(qtbot)
    whole = QRegion(QRect(0, 0, 420, 300))
    pictures = []
    for view in (ours, qts):  # one focused at a time: the window with the focus is active
        view.activateWindow()
        view.setFocus()
        qtbot.waitUntil(view.hasFocus)
        current = view.model().index(4, 1)  # current, not selected: framed for the focus
        view.selectionModel().setCurrentIndex(current, QItemSelectionModel.SelectionFlag.NoUpdate)
        counter.rows.clear()
        counter.columns.clear()
        pictures.append(painted(view, whole))
        if view is ours:
            assert counter.rows == {4} and counter.columns == {1}  # that cell alone
    assert pictures[0] == pictures[1]
    assert not ours.selectionModel().isRowSelected(4)


def test_a_row_redrawn_cell_by_cell_is_the_row_drawn_whole(app_theme: Any, qtbot: Any) -> None:
    """A tick's image: the cells that changed redrawn over a copy of the row's last one."""
    view = _with_images(qtbot)
    pen = CellPen(view.row_look())
    before = RenderedRow("k", ("tinted", "1,234.50", "a long move, elided"), ("k", 1.0, 1.0),
                         background="#40d8313f", cell_foreground=((2, "#2e9e5b"),))  # fmt: skip
    after = RenderedRow("k", ("tinted", "99.25", "a long move, elided"), ("k", 1.0, 1.0),
                        background="#40d8313f", cell_foreground=((2, "#d8313f"),))  # fmt: skip
    redrawn = pen.redrawn(before, pen.row(before), after)
    assert redrawn is not None
    assert redrawn == pen.row(after)
    assert redrawn != pen.row(before)
    restyled = RenderedRow("k", after.display, after.sort, italic=True)
    assert pen.redrawn(after, redrawn, restyled) is None  # the row's look: drawn whole


def test_a_see_through_highlight_is_drawn_by_the_view(app_theme: Any, qtbot: Any) -> None:
    """A highlight that lets the cell show through is filled three times over by Qt (the row
    panel, the delegate's background and its text's box): the selected row is left to Qt."""
    ours, qts, counter = _pair(qtbot)
    see_through = "selection-background-color: rgba(38, 79, 120, 128);"
    for view in (ours, qts):
        view.setStyleSheet(view.styleSheet().replace("}", see_through + " }"))
        view.selectRow(2)
    ours.viewport().repaint()  # its look taken
    _drawn_off_thread(ours)
    whole = QRegion(QRect(0, 0, 420, 300))
    counter.rows.clear()
    assert painted(ours, whole) == painted(qts, whole)
    assert counter.rows == {2}


def test_a_new_theme_is_drawn_by_the_view_until_images_are_drawn_for_it(
    app_theme: Any, qtbot: Any
) -> None:
    ours, qts, counter = _pair(qtbot)
    whole = QRegion(QRect(0, 0, 420, 300))
    dark = painted(ours, whole)
    apply_theme(QApplication.instance(), "light")  # another text colour, on the same cells
    light = painted(ours, whole)
    assert light == painted(qts, whole)
    assert light != dark
    assert len(counter.rows) == 5  # every row drawn by Qt: the images are the dark theme's
    _drawn_off_thread(ours)
    counter.rows.clear()
    assert painted(ours, whole) == light
    assert len(counter.rows) <= 1  # copied again (but a framed current cell)


def test_rows_are_copied_where_the_sort_shows_them_as_it_changes(
    app_theme: Any, qtbot: Any
) -> None:
    """The source row of each row shown is kept between paints (SortAwareView.source_rows):
    after a tick re-sorts the rows, and after a row comes and one goes, each is copied where
    the sort now shows it."""
    ours, qts, counter = _pair(qtbot)
    whole = QRegion(QRect(0, 0, 420, 300))
    for view in (ours, qts):
        view.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by price
    _drawn_off_thread(ours)
    assert painted(ours, whole) == painted(qts, whole)
    rows = [ours.model().sourceModel().row(i) for i in range(5)]
    ticks = (
        [_row("plain", -99.0), *rows[1:]],  # plain's price falls below the others: first
        [*rows[:1], _row("fresh", 50.0), *rows[2:]],  # stale goes, fresh comes
    )
    for tick in ticks:
        for view in (ours, qts):
            view.model().sourceModel().update_rows(tick)
        QApplication.processEvents()
        _drawn_off_thread(ours)
        counter.rows.clear()
        assert painted(ours, whole) == painted(qts, whole)
        assert counter.rows == set()  # every row copied from its image


def test_a_copied_row_brings_its_grid_and_the_view_fills_none_over_it(
    app_theme: Any, qtbot: Any, monkeypatch: Any
) -> None:
    """A row's image holds the grid's pixels of its band (its last pixel row, each column's
    last pixel column, in the grid's colour as the style gives it): a repaint covered by
    copies fills no grid of its own (a region intersected with the grid's and a fill under a
    clip of some hundreds of rectangles: 5 % of the UI thread's instructions a refresh)."""
    view = _with_images(qtbot)
    look = view.row_images.look
    grid = view._grid_colour().rgba()  # the view's own fill's colour
    image = view.row_images.image(view.model().sourceModel().row(0), look)
    assert image is not None
    assert {image.pixel(x, look.height - 1) for x in range(look.width)} == {grid}
    for _, x, width in look.columns:
        assert {image.pixel(x + width - 1, y) for y in range(look.height)} == {grid}
    filled: list[QRegion] = []
    real = type(view)._grid_pixels

    def grid_pixels(self: Any) -> QRegion:
        filled.append(QRegion())
        return real(self)

    monkeypatch.setattr(type(view), "_grid_pixels", grid_pixels)
    # Rows 1 to 3, all copied (not the current row's framed cell, Qt's to draw).
    rows = QRegion(0, look.height, look.width, 3 * look.height)
    counter = _CountingDelegate(view)
    view.setItemDelegate(counter)
    painted(view, rows)
    assert counter.rows == set()
    assert filled == []  # failed before: the grid filled over the copies
    view.selectRow(2)  # a row Qt draws until images are drawn for it selected
    painted(view, rows)
    assert counter.rows == {2} and len(filled) == 1  # its grid the view's to fill
