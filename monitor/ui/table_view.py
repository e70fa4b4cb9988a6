"""The sortable table views (accounts, positions): a refresh repaints only cells whose text or
look changed, each drawn in one pass.

- A cell whose sort value alone moved (a figure below its last shown digit) is
  announced with the sort role only (KeyedTableModel): the sort proxy re-sorts on it, and the
  view, with nothing new to show, does not repaint it.
- The sort proxy (SortProxy) sorts on the sort role, and tells a KeyedTableModel which
  column it sorts by before it sorts: the model keeps only that column's sort values current.
- Cells are drawn by QItemDelegate, which lays a cell's text out once, where
  QStyledItemDelegate, through the style, lays it out three times (to size it, to elide it,
  to draw it): the same pixels (tests/ui/test_table_redraw.py), a third of the work. Column
  widths stay QStyledItemDelegate's (its size hint).
- Figures in the view's own font, unshaped; text on one line, not laid out for wrapping; the
  grid filled in one pass per repaint; the style asked about cells of the viewport, not of
  this class (made in Python). Each the same pixels as QTableView's own drawing, which the
  tests compare with (SortAwareView.set_own_drawing(False)).
- Rows whose image was drawn off the UI thread for the view's look (row_images.py: at a tick,
  every row of a published snapshot, the selected ones drawn selected too) are copied from it;
  the others (a row rendered here, the current cell while framed) drawn as above.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QRegion,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QItemDelegate,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QWidget,
)

from monitor.ui.keyed_table import SORT_ROLE, KeyedTableModel
from monitor.ui.row_copies import paint_from_images
from monitor.ui.row_images import RowImages, RowLook
from monitor.ui.row_look import view_look

_SORT_ROLE = int(SORT_ROLE)


# What may change how a row is drawn (row_look.py), told to the view itself.
_LOOK_EVENTS = frozenset(
    getattr(QEvent.Type, name)
    for name in (
        "Polish", "StyleChange", "FontChange", "PaletteChange", "ActivationChange",
        "EnabledChange", "LayoutDirectionChange", "ScreenChangeInternal",
        "DevicePixelRatioChange", "ApplicationFontChange", "ApplicationPaletteChange",
    )
    if hasattr(QEvent.Type, name)
)  # fmt: skip


class CellDelegate(QItemDelegate):
    """Draws a cell in one text layout; sizes it as the styled delegate (the columns' widths,
    fitted to their contents, stay as they were)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sizes = QStyledItemDelegate(self)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return self._sizes.sizeHint(option, index)

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        """A cell's tooltip, and what the row's columns hidden for want of room hold (the
        view's `row_tip`). Asked by the view for a help event only: the viewport's other
        events (every paint) reach no Python."""
        row_tip = getattr(view, "row_tip", None)
        if event.type() == QEvent.Type.ToolTip and row_tip is not None and index.isValid():
            extra = row_tip(index.row())
            if extra:
                own = index.data(Qt.ItemDataRole.ToolTipRole)
                QToolTip.showText(
                    event.globalPos(), f"{own}\n{extra}" if own else extra, view.viewport()
                )
                return True
        return bool(super().helpEvent(event, view, option, index))


class SortProxy(QSortFilterProxyModel):
    """Sorts `source` by its sort role; a KeyedTableModel is told the column first."""

    def __init__(self, source: QAbstractItemModel) -> None:
        super().__init__()
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, KeyedTableModel):
            source.keep_sorted_by(column)
        super().sort(column, order)


class SortAwareView(QTableView):
    """A table view that repaints on a change of what it shows, not of a sort value alone,
    and repaints only itself for it.

    A style sheet that gives the view a background turns its viewport's background fill off
    (the style draws it instead), and Qt then counts the viewport as transparent: every cell
    repainted also repainted the widgets behind it (the pane, both splitters, the window, each
    its own style-sheet background: a few tenths of a millisecond a tick). The viewport fills
    its background again after each polish, with the palette colour the style sheet set, under
    the style's own fill of the same colour: the same pixels, and Qt repaints nothing behind.
    With the view's own drawing, the viewport is opaque instead, Qt filling nothing: the view
    fills the background itself where no row's image is copied (every pixel of a tick's cells
    was filled twice, then covered by the copy: 0.9 % of the UI thread's instructions a
    refresh on the what-if tab, measured)."""

    # The viewport took a new size (the view's, or a scrollbar came or went): a scroll area
    # hands its viewport's resize to resizeEvent. Told this way rather than by an event filter
    # on the viewport, which would take each of its events (every paint) through Python.
    viewport_resized = Signal()
    # What a row's columns hidden for want of room hold, for its tooltip ("" if none).
    row_tip: Callable[[int], str] | None = None

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.viewport_resized.emit()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        kind = event.type()
        if kind in (QEvent.Type.Polish, QEvent.Type.StyleChange):
            self._fill_viewport()
        if kind in _LOOK_EVENTS:
            self._look_key = None  # taken anew at the next paint
            self._kept_grid_colour = None
        return handled

    def dataChanged(
        self,
        top_left: QModelIndex | QPersistentModelIndex,
        bottom_right: QModelIndex | QPersistentModelIndex,
        roles: Any = (),
    ) -> None:
        if len(roles) == 1 and int(roles[0]) == _SORT_ROLE:
            return  # the text and look as they were: nothing to repaint
        super().dataChanged(top_left, bottom_right, roles)

    # ---- the grid ---------------------------------------------------------------------------
    # QTableView draws the grid a line per row and per column of each rectangle of the region
    # repainted, and a tick's region is some forty rectangles (the cells that changed): over
    # two hundred lines a tick, each set up and clipped to that region on its own, a tenth of
    # the UI thread's work. Here the grid's pen is NoPen (the cells keep their one-pixel gap:
    # QTableView sizes them by showGrid), a row copied from its image brings its grid's pixels
    # (row_images.py), and the grid's pixels in the rest of the region are filled after the
    # cells in one fill, as QTableView draws them: the same pixels
    # (tests/ui/test_table_redraw.py; an opaque grid colour, as the themes': a translucent one
    # blends where QTableView's lines cross). The grid's pixels on screen are kept as a region
    # until the rows or columns move, resize, scroll or come and go. Rows are all one height
    # and none is hidden (sortable_view).
    # The grid filled here and the cells' style questions asked of the viewport (below): as
    # sortable_view sets it up. False: both left to QTableView (the tests' reference).
    own_drawing = False
    _grid: tuple[tuple[int, ...], QRegion] | None = None  # (what it was drawn for, pixels)

    def __init__(self) -> None:
        super().__init__()
        header = self.horizontalHeader()
        header.sectionResized.connect(self._forget_grid)
        header.sectionMoved.connect(self._forget_grid)
        self._source_rows: list[int] | None = None
        self._ordered: QAbstractItemModel | None = None  # the model told to keep it current

    # ---- the source row of each row shown -----------------------------------------------------
    # Kept until the model's rows move, come or go (its signals; a sort proxy's re-sort is a
    # layout change): a paint copies each row it repaints by it, and each row looked up through
    # the proxy was four calls into Qt (3 % of the UI thread's instructions a refresh).
    def setModel(self, model: QAbstractItemModel | None) -> None:
        if self._ordered is not None:
            for signal in _order_signals(self._ordered):
                signal.disconnect(self._forget_order)
        super().setModel(model)
        self._ordered, self._source_rows = model, None
        if model is not None:
            for signal in _order_signals(model):
                signal.connect(self._forget_order)

    def _forget_order(self, *_: object) -> None:
        self._source_rows = None

    def source_rows(self) -> list[int]:
        """The source model's row of each row shown (through the sort proxy)."""
        model = self.model()
        rows = self._source_rows
        if rows is None or len(rows) != model.rowCount():
            if isinstance(model, QSortFilterProxyModel):
                index, to_source = model.index, model.mapToSource
                rows = [to_source(index(r, 0)).row() for r in range(model.rowCount())]
            else:
                rows = list(range(model.rowCount()))
            self._source_rows = rows
        return rows

    def set_own_drawing(self, own: bool) -> None:
        self.own_drawing = own
        self.setGridStyle(Qt.PenStyle.NoPen if own else Qt.PenStyle.SolidLine)
        self._fill_viewport()

    def _fill_viewport(self) -> None:
        """Who fills the viewport's background: the view itself (its own drawing), else Qt,
        with the palette's colour (class docstring)."""
        viewport = self.viewport()
        viewport.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, self.own_drawing)
        viewport.setAutoFillBackground(not self.own_drawing)

    def _fill_background(self, region: QRegion) -> None:
        if region.isEmpty():
            return
        viewport = self.viewport()
        painter = QPainter(viewport)
        painter.setClipRegion(region)
        painter.fillRect(region.boundingRect(), viewport.palette().brush(viewport.backgroundRole()))
        painter.end()

    def _forget_grid(self, *_: object) -> None:
        self._grid = None
        self._look_key = None

    # The widget a cell's options name for its delegate to ask the style about (text margins,
    # the focus frame): the viewport, the widget the cells are painted on, a plain QWidget.
    # A style sheet's style (the themes') looks each question up by the widget's class,
    # asked of the widget itself; a class made in Python answers through the bindings, a
    # few times a cell: a twentieth of the UI thread's work at a tick. QItemDelegate draws no
    # style sheet rule of a cell's own (::item) either way; the answers are the same
    # (tests/ui/test_table_redraw.py).
    def initViewItemOption(self, option: QStyleOptionViewItem) -> None:
        super().initViewItemOption(option)
        if self.own_drawing:
            option.widget = self.viewport()

    def paintEvent(self, event: QPaintEvent) -> None:
        fill = self._fill_background if self.own_drawing else None
        # The part of the region no row's image covers: a copied row brings its grid.
        uncovered = paint_from_images(self, event, fill)
        if uncovered is None:
            uncovered = event.region()
            if fill is not None:
                fill(uncovered)
            super().paintEvent(event)
        if self.own_drawing and self.showGrid() and not uncovered.isEmpty():
            shown = uncovered.intersected(self._grid_pixels())
            if not shown.isEmpty():
                painter = QPainter(self.viewport())
                painter.setClipRegion(shown)
                painter.fillRect(shown.boundingRect(), self._grid_colour())
                painter.end()

    # ---- rows copied from images drawn off the UI thread (row_images.py) ------------------
    # The images' owner, set by the window (None: every row drawn by QTableView).
    row_images: RowImages | None = None
    _look: RowLook | None = None
    _look_key: tuple[object, ...] | None = None

    def row_look(self) -> RowLook | None:
        """How this view draws a row now (row_look.py). Kept while it stays the same: images
        drawn for it are found by it (row_images.py); a new one is handed to the images'
        owner."""
        cols, rows = self.horizontalHeader(), self.verticalHeader()
        # Taken anew when something it holds may have changed: a column resized, moved or
        # hidden (the header's signals), a font, palette, style, the window's activation
        # (event), or what this key holds; a paint costs these few calls, not the ~180 µs.
        key = (
            cols.length(), cols.count(), cols.hiddenSectionCount(), rows.defaultSectionSize(),
            self.showGrid(), self.textElideMode(), self.model(),
        )  # fmt: skip
        if key == self._look_key:
            return self._look
        look = view_look(self)
        self._look_key = key
        if look != self._look:
            self._look = look
            if self.row_images is not None:
                self.row_images.look = look
        return self._look

    # The grid's colour as the style gives it, kept until an event that may change the look
    # (event): asked at every paint, it was a style question each time.
    _kept_grid_colour: QColor | None = None

    def _grid_colour(self) -> QColor:
        if self._kept_grid_colour is None:
            option = QStyleOptionViewItem()
            self.initViewItemOption(option)
            hint = self.style().styleHint(QStyle.StyleHint.SH_Table_GridLineColor, option, self)
            self._kept_grid_colour = QColor.fromRgba(hint & 0xFFFFFFFF)
        return self._kept_grid_colour

    def _grid_pixels(self) -> QRegion:
        """The grid's pixels in the viewport: each row's last pixel row and each shown column's
        last pixel column, within the table (none past its last row or column)."""
        rows, cols = self.verticalHeader(), self.horizontalHeader()
        count, height, offset = rows.count(), rows.defaultSectionSize(), rows.offset()
        key = (
            count, height, offset, self.viewport().height(),
            cols.count(), cols.hiddenSectionCount(), cols.offset(), cols.length(),
        )  # fmt: skip
        if self._grid is not None and self._grid[0] == key:
            return self._grid[1]
        right = cols.length() - cols.offset() - 1
        bottom = min(count * height - offset, self.viewport().height()) - 1
        pixels = QRegion()
        if right >= 0 and bottom >= 0:
            for k in range(offset // height, count):
                y = (k + 1) * height - 1 - offset
                if y > bottom:
                    break
                pixels = pixels.united(QRect(0, y, right + 1, 1))
            for visual in range(cols.count()):
                col = cols.logicalIndex(visual)
                if not cols.isSectionHidden(col):
                    x = cols.sectionViewportPosition(col) + cols.sectionSize(col) - 1
                    pixels = pixels.united(QRect(x, 0, 1, bottom + 1))
        self._grid = (key, pixels)
        return pixels


def _order_signals(model: QAbstractItemModel) -> tuple[Any, ...]:
    """The signals of a change of which source row each row shown is."""
    return (
        model.layoutChanged, model.rowsInserted, model.rowsRemoved, model.rowsMoved,
        model.modelReset,
    )  # fmt: skip


def sortable_view(model: QSortFilterProxyModel) -> SortAwareView:
    view = SortAwareView()
    # Figures drawn unshaped: the view's own font (a cell's font of its own costs a font
    # resolved at each paint, keyed_table.py); words carry the shaped one, and so does the
    # header. Only the strategy is set: the rest follows the application's font.
    figures = QFont()
    figures.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    view.setFont(figures)
    words = QFont()
    words.setStyleStrategy(QFont.StyleStrategy.PreferDefault)
    view.horizontalHeader().setFont(words)
    view.setItemDelegate(CellDelegate(view))
    view.set_own_drawing(True)
    view.setModel(model)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    rows = view.verticalHeader()
    rows.hide()
    # Rows as tall as the text and a little air, not the style's default (30 px offscreen):
    # on a 1280×800 screen that is ten positions on screen instead of seven.
    rows.setMinimumSectionSize(1)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 6)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.setAlternatingRowColors(False)
    # Text laid out on one line, without looking for line breaks (a twentieth of the UI
    # thread's work at a tick): a cell is one line high, and a text too wide for it is
    # elided either way (the same pixels: tests/ui/test_table_redraw.py).
    view.setWordWrap(False)
    return view
