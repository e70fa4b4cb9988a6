"""Redraw cost (issue 11), tables: the table model keeps its cells in Qt (a paint calls no
Python), announces each changed cell once in few signals (a sort value alone in one, which the
views do not repaint for), draws figures unshaped without changing a pixel, and the views draw
a cell in one text layout, as the styled delegate draws it; charts leave sub-pixel drifts as
drawn (their axes: test_chart_drawing.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QModelIndex, QPoint, QRect, QRectF, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QRegion
from PySide6.QtWidgets import QApplication, QStyledItemDelegate

from monitor.domain import Thresholds
from monitor.ui.charts import StressChart
from monitor.ui.keyed_table import KEY_ROLE, SORT_ROLE, KeyedTableModel, RenderedRow
from monitor.ui.stress import STRESS_MOVES
from monitor.ui.table_view import sortable_view
from tests.ui.event_counter import EventCounter

HEADERS = ("Name", "Price", "Move")


def _row(key: str, price: float | None, move: str = "1.0 %", **look: Any) -> RenderedRow:
    text = "—" if price is None else f"{price:,.2f}"
    return RenderedRow(key, (key, text, move), (key, price, 1.0), **look)


class _Signals:
    """What a model announced: changed cells (row, column), each signal's roles, inserts."""

    def __init__(self, model: KeyedTableModel) -> None:
        self.cells: list[tuple[int, int]] = []
        self.signals = 0
        self.roles: list[list[int]] = []
        self.inserted: list[tuple[int, int, list[str]]] = []
        self.resets = 0
        model.dataChanged.connect(self._changed)
        model.modelReset.connect(self._reset)
        model.rowsInserted.connect(lambda _, first, last: self._inserted(model, first, last))

    def _changed(self, first: QModelIndex, last: QModelIndex, roles: list[int]) -> None:
        self.signals += 1
        self.roles.append([int(r) for r in roles])
        self.cells.extend(
            (row, col)
            for row in range(first.row(), last.row() + 1)
            for col in range(first.column(), last.column() + 1)
        )

    def _reset(self) -> None:
        self.resets += 1

    def _inserted(self, model: KeyedTableModel, first: int, last: int) -> None:
        # The cells are filled in by the time the insertion is announced.
        names = [model.index(r, 0).data() for r in range(first, last + 1)]
        self.inserted.append((first, last, names))


def test_cells_hold_every_role_the_views_read(qtbot: Any, qtmodeltester: Any) -> None:
    model = KeyedTableModel(HEADERS, tooltips={"Price": "the last trade"})
    model.update_rows(
        [
            _row("a", 1234.5, foreground="#7f8791", italic=True, tooltip="stale"),
            _row("b", None, background="#40d8313f", cell_foreground=((2, "#2e9e5b"),)),
        ]
    )
    qtmodeltester.check(model)
    a, b = (model.index(r, 1) for r in range(2))
    assert a.data() == "1,234.50" and a.data(SORT_ROLE) == 1234.5
    assert b.data() == "—" and b.data(SORT_ROLE) == float("inf")  # unknown sorts last
    assert a.data(KEY_ROLE) == "a" and model.index(1, 2).data(KEY_ROLE) == "b"
    assert a.data(Qt.ItemDataRole.ForegroundRole).color() == QColor("#7f8791")
    assert a.data(Qt.ItemDataRole.ToolTipRole) == "stale"
    assert a.data(Qt.ItemDataRole.BackgroundRole) is None
    assert b.data(Qt.ItemDataRole.BackgroundRole).color() == QColor("#40d8313f")
    assert b.data(Qt.ItemDataRole.ForegroundRole) is None  # the style's own colour
    assert model.index(1, 2).data(Qt.ItemDataRole.ForegroundRole).color() == QColor("#2e9e5b")
    assert a.data(Qt.ItemDataRole.FontRole).italic()
    assert not a.flags() & Qt.ItemFlag.ItemIsEditable  # read-only, as before
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Price"
    tip = model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip == "the last trade"
    assert model.headerData(0, Qt.Orientation.Vertical) is None  # no row numbers


def test_a_tick_announces_each_changed_cell_once_in_few_signals(qtbot: Any) -> None:
    model = KeyedTableModel(HEADERS)
    rows = [_row(f"r{i}", 100.0 + i) for i in range(25)]
    model.update_rows(rows)
    seen = _Signals(model)
    # Every price moves, one row's move too: one rectangle over the block of rows and the two
    # adjacent columns that changed in it (r3's move with the others), not a signal per row,
    # nor one for the prices and one for r3's move.
    moved = [_row(f"r{i}", 200.0 + i, "2.0 %" if i == 3 else "1.0 %") for i in range(25)]
    assert model.update_rows(moved) == 25
    assert sorted(seen.cells) == sorted((i, c) for i in range(25) for c in (1, 2))
    assert seen.signals == 1 and seen.resets == 0
    assert model.index(3, 2).data() == "2.0 %" and model.index(24, 1).data() == "224.00"
    seen.cells.clear()
    assert model.update_rows(moved) == 0  # nothing changed: nothing announced
    assert seen.cells == []
    # Rows apart are announced apart: no row that did not change, no column unchanged in all
    # of a block's rows (the names; r9's price between its name and its move).
    moved[2] = _row("r2", 1.0)
    moved[7] = _row("r7", 2.0, "9.0 %")
    moved[9] = _row("r9", 209.0, "3.0 %")
    seen.signals = 0
    assert model.update_rows(moved) == 3
    assert sorted(seen.cells) == [(2, 1), (7, 1), (7, 2), (9, 2)]
    assert seen.signals == 3


def test_a_block_is_one_rectangle_across_an_unchanged_column(qtbot: Any) -> None:
    """Figures that move either side of one that stays (the positions' entry between their
    health and their mark): one signal from the leftmost changed column to the rightmost, not
    one per run of columns, with the roles of the changed columns alone (the unchanged one is
    the sorted one: a sort role announced for it would have the proxy check the order)."""
    model = KeyedTableModel(("Name", "Price", "Entry", "Move"))
    model.keep_sorted_by(2)

    def row(i: int, price: float, move: str) -> RenderedRow:
        return RenderedRow(f"r{i}", (f"r{i}", f"{price:.2f}", "7.00", move), (i, price, 7.0, 1.0))

    model.update_rows([row(i, 100.0 + i, "1.0 %") for i in range(5)])
    seen = _Signals(model)
    assert model.update_rows([row(i, 200.0 + i, "2.0 %") for i in range(5)]) == 5
    assert seen.signals == 1
    assert sorted(seen.cells) == sorted((i, c) for i in range(5) for c in (1, 2, 3))
    assert seen.roles == [[int(Qt.ItemDataRole.DisplayRole)]]


def test_a_new_look_announces_the_whole_row_with_its_roles(qtbot: Any) -> None:
    model = KeyedTableModel(HEADERS)
    model.update_rows([_row("a", 1.0, "x"), _row("b", 2.0)])
    seen = _Signals(model)
    # Colour only (not italic), and the move's text gains digits-only: the font follows (the
    # word's shaped font taken off, the view's unshaped one drawing the figure).
    model.update_rows([_row("a", 1.0, "-3.0 %", foreground="#7f8791"), _row("b", 2.0)])
    assert sorted(seen.cells) == [(0, 0), (0, 1), (0, 2)]
    assert int(Qt.ItemDataRole.ForegroundRole) in seen.roles[0]
    assert model.index(0, 2).data(Qt.ItemDataRole.FontRole) is None
    assert int(Qt.ItemDataRole.FontRole) in seen.roles[0]


def _strategy_set(font: QFont) -> bool:
    """The font sets its own strategy (else it takes the one it is resolved against)."""
    strategy_resolved = 0x8  # QFont::StyleStrategyResolved, which PySide does not expose
    return bool(font.resolveMask() & strategy_resolved)


def test_figures_are_drawn_unshaped_and_words_shaped(qtbot: Any) -> None:
    """Figures in the view's own font, which is unshaped; a word's cell carries the shaped
    one, so that a tick's new figures have no font of their own to resolve at each paint."""
    view = sortable_view(QSortFilterProxyModel())
    qtbot.addWidget(view)
    assert view.font().styleStrategy() & QFont.StyleStrategy.PreferNoShaping
    header = view.horizontalHeader().font()  # its titles are words
    assert _strategy_set(header) and header.styleStrategy() == QFont.StyleStrategy.PreferDefault
    model = KeyedTableModel(HEADERS)
    model.update_rows([_row("USDT", -1234.5, "— → 12.5 %"), _row("b", 2.0, italic=True)])
    assert model.index(0, 1).data(Qt.ItemDataRole.FontRole) is None  # the view's: unshaped
    assert model.index(0, 2).data(Qt.ItemDataRole.FontRole) is None  # no letters either
    word = model.index(0, 0).data(Qt.ItemDataRole.FontRole)  # kerning kept
    assert _strategy_set(word) and word.styleStrategy() == QFont.StyleStrategy.PreferDefault
    italic_figure = model.index(1, 1).data(Qt.ItemDataRole.FontRole)
    assert italic_figure.italic() and not _strategy_set(italic_figure)  # the view's strategy
    italic_word = model.index(1, 0).data(Qt.ItemDataRole.FontRole)
    assert italic_word.italic() and _strategy_set(italic_word)
    # A word in a figures' column takes the shaped font.
    model.update_rows([_row("USDT", None, "none"), _row("b", 2.0, italic=True)])
    word = model.index(0, 2).data(Qt.ItemDataRole.FontRole)
    assert word is not None and word.styleStrategy() == QFont.StyleStrategy.PreferDefault


@pytest.mark.parametrize("italic", [False, True])
def test_unshaped_figures_draw_the_same_pixels(qtbot: Any, italic: bool) -> None:
    base = QFont()
    base.setPixelSize(13)
    base.setItalic(italic)
    unshaped = QFont(base)
    unshaped.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    rng = np.random.default_rng(3)
    texts = ["—", "1,234.5 → 1,300.25", "-0.000123", "+12.5 %"]
    texts += [f"{v:,.4f}" for v in rng.uniform(-1e6, 1e6, 200)]

    def drawn(font: QFont, text: str) -> bytes:
        image = QImage(240, 20, QImage.Format.Format_RGB32)
        image.fill(QColor("#0f1318"))
        painter = QPainter(image)
        painter.setFont(font)
        painter.setPen(QColor("#c9d1d9"))
        painter.drawText(QRectF(2, 0, 236, 20), Qt.AlignmentFlag.AlignVCenter, text)
        painter.end()
        return bytes(image.constBits())

    assert [t for t in texts if drawn(base, t) != drawn(unshaped, t)] == []


def test_new_rows_come_in_one_insertion_with_their_cells(qtbot: Any, qtmodeltester: Any) -> None:
    model = KeyedTableModel(HEADERS)
    qtmodeltester.check(model)
    seen = _Signals(model)
    model.update_rows([_row("a", 1.0)])
    model.update_rows([_row("a", 1.0), _row("b", 2.0), _row("c", 3.0)])
    assert seen.inserted == [(0, 0, ["a"]), (1, 2, ["b", "c"])]
    model.update_rows([_row("c", 3.0)])  # two rows out
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["c"]
    model.replace_all([_row("x", 1.0), _row("y", 2.0)])
    assert seen.resets == 1 and model.keys() == ["x", "y"] and model.index(1, 0).data() == "y"


# ---- charts ---------------------------------------------------------------------------------
def test_a_sub_pixel_drift_is_left_as_drawn_until_it_shows(qtbot: Any) -> None:
    chart = StressChart()
    qtbot.addWidget(chart)
    chart.resize(800, 500)
    chart.show()
    qtbot.waitExposed(chart)
    nothing = (None, None)
    chart.show_curves(
        STRESS_MOVES, np.linspace(3.1, 1.6, len(STRESS_MOVES)), None, 2.0, nothing, Thresholds()
    )
    # The first curve fitted the axis to it: the next change is drawn exactly, on this view.
    curve = np.linspace(3.0, 1.5, len(STRESS_MOVES))
    chart.show_curves(STRESS_MOVES, curve, None, 2.0, nothing, Thresholds())
    drawn = chart.after.yData.copy()
    np.testing.assert_array_equal(drawn, curve)
    view = chart.getPlotItem().getViewBox()
    _, pixel = view.viewPixelSize()  # log10 units a pixel
    step = 10 ** (pixel / 5)  # a fifth of a pixel on the log axis
    chart.show_curves(STRESS_MOVES, curve * step, None, 2.0, nothing, Thresholds())
    np.testing.assert_array_equal(chart.after.yData, drawn)  # left as drawn
    chart.show_curves(STRESS_MOVES, curve * step**2, None, 2.0, nothing, Thresholds())
    np.testing.assert_array_equal(chart.after.yData, drawn)  # two fifths: still
    chart.show_curves(STRESS_MOVES, curve * step**3, None, 2.0, nothing, Thresholds())
    np.testing.assert_allclose(chart.after.yData, curve * step**3)  # added up: drawn
    gap = curve * step**3
    gap[5] = np.nan  # a new gap is drawn, however small the rest of the move
    chart.show_curves(STRESS_MOVES, gap, None, 2.0, nothing, Thresholds())
    assert np.isnan(chart.after.yData[5])
    # The "now" dot: a fifth of a pixel is not a move, half a pixel is.
    y = chart.current.pos().y()
    chart.show_curves(STRESS_MOVES, gap, None, 2.0 * step, nothing, Thresholds())
    assert chart.current.pos().y() == y
    chart.show_curves(STRESS_MOVES, gap, None, 2.0 * step**3, nothing, Thresholds())
    assert chart.current.pos().y() == pytest.approx(np.log10(2.0 * step**3))


def test_a_sort_value_alone_is_announced_once_with_the_sort_role(qtbot: Any) -> None:
    model = KeyedTableModel(HEADERS)
    model.update_rows([_row(f"r{i}", 100.0) for i in range(10)])
    seen = _Signals(model)
    # Ages move on below the second shown: texts as they were, sort values not.
    moved = [RenderedRow(f"r{i}", (f"r{i}", "100.00", "1.0 %"), (f"r{i}", 100.0, 1.0 + i / 1e3))
             for i in range(10)]  # fmt: skip
    assert model.update_rows(moved) == 9  # the first row's sort value is the same
    assert seen.signals == 1 and seen.roles == [[int(SORT_ROLE)]]
    assert (9, 2) in seen.cells and model.index(9, 2).data(SORT_ROLE) == pytest.approx(1.009)


def test_the_view_repaints_for_new_texts_not_for_sort_values_alone(qtbot: Any) -> None:
    model = KeyedTableModel(HEADERS)
    model.update_rows([_row(f"r{i}", 100.0 + i) for i in range(5)])
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    view = sortable_view(proxy)
    qtbot.addWidget(view)
    view.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    with qtbot.waitExposed(view):
        view.show()
    paints = EventCounter(QEvent.Type.Paint)
    view.viewport().installEventFilter(paints)
    QApplication.processEvents()
    paints.count = 0
    resorted = [
        RenderedRow(f"r{i}", (f"r{i}", f"{100.0 + i:,.2f}", "1.0 %"), (f"r{i}", 100.0 + i, -i))
        for i in range(5)
    ]
    model.update_rows(resorted)  # the sort column's values reversed, no text changed
    QApplication.processEvents()
    assert [proxy.index(r, 0).data() for r in range(5)] == ["r4", "r3", "r2", "r1", "r0"]
    paints.count = 0
    model.update_rows(
        [*resorted[:4], RenderedRow("r4", ("r4", "104.00", "1.0 %"), ("r4", 104.0, -4.5))]
    )
    QApplication.processEvents()
    assert paints.count == 0  # a sort value alone, the order as it was: nothing to repaint
    model.update_rows([*resorted[:4], _row("r4", 105.0)])
    qtbot.waitUntil(lambda: paints.count > 0)  # a new text: repainted


def _table(qtbot: Any, delegate: Any = None) -> Any:
    model = KeyedTableModel(("Name", "Price", "Move"))
    model.update_rows(
        [
            _row("plain", 1234.5),
            _row("stale", 99.25, foreground="#7f8791", italic=True, tooltip="stale"),
            _row("tinted", -5.5, background="#40d8313f", cell_foreground=((2, "#2e9e5b"),)),
            _row("what-if", None, "— → 12.5 %", background="#33a371f7", italic=True),
            _row("two words", 1e9, "a long move, elided"),
        ]
    )
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    view = sortable_view(proxy)
    if delegate is not None:
        view.setItemDelegate(delegate(view))
    qtbot.addWidget(view)
    view.setStyleSheet(
        "QTableView { background-color: #0f1318; gridline-color: #232a33; "
        "selection-background-color: #264f78; selection-color: #ffffff; }"
    )
    view.resize(420, 200)
    view.resizeColumnsToContents()
    view.setColumnWidth(0, 50)  # the name elided
    view.setColumnWidth(1, 60)  # the figure elided
    with qtbot.waitExposed(view):
        view.show()
    return view


def test_cells_are_drawn_as_the_styled_delegate_draws_them(app_theme: Any, qtbot: Any) -> None:
    """Against a view of Qt's own defaults: the styled delegate, every cell and the header in
    the application's font, shaped (ours draws figures unshaped), text laid out to wrap (ours
    lays it out on one line: a cell is one line high, and either way elides), and
    QTableView's grid (ours fills the grid's pixels itself)."""
    ours, styled = _table(qtbot), _table(qtbot, QStyledItemDelegate)
    for widget in (styled, styled.horizontalHeader()):
        widget.setFont(QFont())  # nothing of its own: the application's
    styled.setWordWrap(True)
    styled.set_own_drawing(False)  # QTableView's own grid and style questions
    styled.resizeColumnsToContents()
    styled.setColumnWidth(0, 50)
    styled.setColumnWidth(1, 60)
    assert not styled.font().styleStrategy() & QFont.StyleStrategy.PreferNoShaping
    assert not ours.wordWrap()
    widths = [[view.columnWidth(c) for c in range(3)] for view in (ours, styled)]
    assert widths[0] == widths[1]  # sized as the styled delegate sizes them
    assert ours.grab().toImage() == styled.grab().toImage()
    for view in (ours, styled):  # a selected row, as the trader picks one
        view.selectRow(2)
    assert ours.grab().toImage() == styled.grab().toImage()
    focused = []  # and its cell framed, the table having the keyboard's focus
    for view in (ours, styled):
        view.activateWindow()
        view.setFocus()
        qtbot.waitUntil(view.hasFocus)
        view.setCurrentIndex(view.model().index(2, 1))
        focused.append(view.grab().toImage())
    assert focused[0] == focused[1]
    assert focused[0] != ours.grab().toImage()  # the frame drawn: ours has lost the focus


def _region(*rects: tuple[int, int, int, int]) -> QRegion:
    region = QRegion()
    for x, y, w, h in rects:
        region = region.united(QRect(x, y, w, h))
    return region


def repaints(view: Any) -> list[QRegion]:
    """Regions a tick repaints in _table's view: the whole table first, then single cells,
    cells with their grid pixels, odd rectangles."""
    cell = view.visualRect(view.model().index(1, 1))  # a cell without its grid pixels
    right = view.visualRect(view.model().index(3, 2))
    return [
        QRegion(0, 0, 420, 300),
        QRegion(cell),
        QRegion(cell.adjusted(0, 0, 1, 1)),  # with its grid line and column
        _region((0, 0, 70, 41), (120, 20, 200, 1), (60, 0, 1, 300), (300, 50, 90, 90)),
        _region((cell.x(), 0, cell.width() + 1, 400), (0, right.y(), 400, right.height() + 1)),
        _region((3, 7, 11, 13), (49, 19, 3, 3), (259, 39, 2, 2)),
    ]


def painted(view: Any, region: QRegion) -> QImage:
    """What the view paints in `region`, over a colour neither paints (it shows as itself)."""
    image = QImage(view.viewport().size(), QImage.Format.Format_RGB32)
    image.fill(QColor("#ff00ff"))
    view.viewport().render(image, QPoint(0, 0), region)
    return image


STEPS = ("as shown", "a row selected", "scrolled")


def take_step(step: str, *views: Any) -> None:
    """The views as a trader leaves them: as shown, a row selected, then scrolled."""
    for view in views:
        if step == "a row selected":
            view.selectRow(2)
        if step == "scrolled":
            view.resize(160, 90)  # scroll bars, and rows and columns out of sight
            view.verticalScrollBar().setValue(1)
            view.horizontalScrollBar().setValue(1)
    QApplication.processEvents()  # laid out anew, as before the next paint on screen


def test_a_partial_repaint_draws_the_grid_as_qtableview_draws_it(
    app_theme: Any, qtbot: Any
) -> None:
    """A tick repaints the cells that changed: regions of many rectangles, some with grid
    pixels between neighbouring cells, some without. Each painted into the same picture by
    both views, with the grid ours and QTableView's; a selected row and a scrolled view too."""
    ours, qts = _table(qtbot), _table(qtbot)
    qts.set_own_drawing(False)
    for step in STEPS:
        take_step(step, ours, qts)
        for region in repaints(ours):
            assert painted(ours, region) == painted(qts, region), (step, region)


def test_a_new_grid_colour_is_drawn_at_the_next_paint(app_theme: Any, qtbot: Any) -> None:
    """The grid's colour is kept between paints (a style question each time, before): a new
    style sheet's gridline colour is drawn at once, as QTableView draws it."""
    ours = _table(qtbot)
    x = ours.columnWidth(0) - 1  # the grid's pixel column after the first column

    def grid_pixel() -> str:
        return ours.viewport().grab().toImage().pixelColor(x, 2).name()

    assert grid_pixel() == "#232a33"
    ours.setStyleSheet(ours.styleSheet().replace("#232a33", "#ff0000"))
    qtbot.waitUntil(lambda: grid_pixel() == "#ff0000", timeout=2000)
