"""How a table view draws a row now, as plain values (RowLook) for the rows' images drawn off
the UI thread (row_images.py): the shown columns' places and widths, the row's height and
the grid's gap, the background and text colours, the text margin, the elision, the screen's
dots per metre and the fonts a cell's text resolves to. Taken on the UI thread, from the
same sources QTableView and QItemDelegate read when they draw a cell."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem, QTableView

from monitor.ui.keyed_table import KeyedTableModel
from monitor.ui.rendered_row import RenderedRow
from monitor.ui.row_images import RowLook


def keyed_rows(view: QTableView) -> tuple[KeyedTableModel, Callable[[int], RenderedRow]] | None:
    """The keyed model behind the view (through its sort proxy, if any), and the row it holds
    for a row as the view shows it; None: not a keyed model's view."""
    proxy = view.model()
    mapped = proxy if isinstance(proxy, QSortFilterProxyModel) else None
    source = mapped.sourceModel() if mapped is not None else proxy
    if not isinstance(source, KeyedTableModel):
        return None
    if mapped is None:
        return source, source.row
    # Bound once: a method looked up on a Qt object costs more than the call (~0.5 µs), and
    # a paint asks this for each row it copies.
    row = source.row
    source_rows = getattr(view, "source_rows", None)  # kept by the view (SortAwareView)
    if source_rows is not None:
        rows = source_rows()
        return source, lambda shown: row(rows[shown])
    index, to_source = mapped.index, mapped.mapToSource
    return source, lambda shown: row(to_source(index(shown, 0)).row())


def _dots_per_metre(dpi: int) -> int:
    return round(dpi / 0.0254)


def view_look(view: QTableView) -> RowLook | None:
    """None: a look the images do not draw (right to left, disabled, not a keyed model's)."""
    if view.layoutDirection() != Qt.LayoutDirection.LeftToRight or not view.isEnabled():
        return None
    keyed = keyed_rows(view)
    if keyed is None:
        return None
    source = keyed[0]
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)  # as QTableView starts a cell's options
    # QItemDelegate's pen: the palette's text colour of the group the window's state picks.
    active = bool(option.state & QStyle.StateFlag.State_Active)
    group = QPalette.ColorGroup.Active if active else QPalette.ColorGroup.Inactive
    cols = view.horizontalHeader()
    columns = tuple(
        (col, cols.sectionPosition(col), cols.sectionSize(col))
        for col in (cols.logicalIndex(v) for v in range(cols.count()))
        if not cols.isSectionHidden(col)
    )
    fonts = {kind: source.cell_font(*kind, option.font) for kind in source.font_kinds()}
    viewport = view.viewport()
    # The widget the delegate asks the style about (SortAwareView.initViewItemOption).
    asked = option.widget if option.widget is not None else view
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, asked)
    # The grid's colour as the view fills it (SortAwareView._grid_colour).
    grid = view.style().styleHint(QStyle.StyleHint.SH_Table_GridLineColor, option, view)
    return RowLook(
        columns=columns,
        width=cols.length(),
        height=view.verticalHeader().defaultSectionSize(),
        gap=1 if view.showGrid() else 0,
        grid=grid & 0xFFFFFFFF,  # an ARGB as the style hands it, unsigned
        base=viewport.palette().color(viewport.backgroundRole()).rgba(),
        text=option.palette.color(group, QPalette.ColorRole.Text).rgba(),
        highlight=option.palette.color(group, QPalette.ColorRole.Highlight).rgba(),
        highlighted_text=option.palette.color(group, QPalette.ColorRole.HighlightedText).rgba(),
        margin=margin + 1,  # QItemDelegate's text margin
        elide=view.textElideMode(),
        dots_per_metre=(
            _dots_per_metre(viewport.logicalDpiX()),
            _dots_per_metre(viewport.logicalDpiY()),
        ),
        font_keys=tuple(fonts[kind].key() for kind in sorted(fonts)),
        fonts=fonts,
    )
