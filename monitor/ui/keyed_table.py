"""A table model of rows identified by key, updated in place.

Each update renders every row to plain values once; only the cells whose rendering changed are
announced (a `dataChanged` per rectangle of changed cells: see cell_changes), so views keep
selection and scroll, and repaint only what changed.
Rows that appear or disappear go through begin/endInsertRows and begin/endRemoveRows.

The cells live in Qt's own item model (QStandardItemModel), set once per change: a view's
paint, its sort proxy and their index look-ups then read them in C++. A Python `data()`,
`rowCount()` and `columnCount()` are called through the bindings for every cell, role and
index of every paint (some 2,500 calls a refresh of 20 accounts × 25 positions, most of the
UI thread's time); the items are called only for what changed.

Sort values: once a view sorts through SortProxy (table_view.py), only the sorted column's
are written at each update; another column's are written when a sort by it asks for them
(keep_sorted_by). A tick then writes half the cells it did, and its new texts elsewhere are
announced without the sort role, so the proxy has nothing to re-sort for them.

Cells without letters (figures, "—", "12.3 %") are drawn without text shaping
(QFont.PreferNoShaping): for digits and punctuation it changes no pixel, and the shaping is
the largest part of drawing a cell. Text with letters keeps it (kerning). The unshaped font
is the view's own (sortable_view) and a word's cell carries the shaped one: a cell with a font
of its own has it resolved against the view's at each paint, a new font each time and its
glyph engine looked up anew (a tenth of a table's paint), and at a tick it is figures that
change, words (symbols, sides, names) seldom.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel

from monitor.ui.cell_changes import announce, blocks
from monitor.ui.rendered_row import KnownChanges, changes
from monitor.ui.rendered_row import RenderedRow as RenderedRow  # re-exported: its home before

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2

_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FONT = Qt.ItemDataRole.FontRole
_ROLES = [_DISPLAY, _FOREGROUND, _BACKGROUND, _TOOLTIP, _FONT, SORT_ROLE]
_VALUE_ROLES = [_DISPLAY, SORT_ROLE]  # what a tick changes: the text and its sort value
_TEXT_ROLES = [_DISPLAY]  # the text of a column whose sort value is kept for later
_SORT_ROLES = [SORT_ROLE]  # a sort value alone (the text as it was): nothing to repaint
# Read-only cells, as a QAbstractTableModel's: selectable, never edited, dragged or parents.
_FLAGS = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren


_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=4096)  # a cell's text is asked about again at the next change
def is_plain(text: str) -> bool:
    """Text without letters: digits, signs and punctuation, drawn the same unshaped."""
    return _LETTER.search(text) is None


_ALL, _NONE = -2, -1  # every column's sort values kept current; none (the view sorts by none)


def _sort_value(value: Any) -> Any:
    # None (unknown) sorts after every number in ascending order.
    return float("inf") if value is None else value


class KeyedTableModel(QStandardItemModel):
    def __init__(
        self,
        headers: Sequence[str],
        parent: Any = None,
        tooltips: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(0, len(headers), parent)
        self._headers = tuple(headers)
        tips = dict(tooltips or {})
        for col, title in enumerate(self._headers):
            header = QStandardItem(title)
            if title in tips:
                header.setToolTip(tips[title])
            self.setHorizontalHeaderItem(col, header)
        self._rows: list[RenderedRow] = []
        self._items: list[list[QStandardItem]] = []  # the model's cells, by row and column
        self._brushes: dict[str, QBrush] = {}
        # The column whose sort values are kept current (_ALL: every column's; _NONE: none).
        self._sorted_by = _ALL
        # Only the strategy or the slant set: the rest comes from the view's font.
        words = QFont()
        words.setStyleStrategy(QFont.StyleStrategy.PreferDefault)
        italic_words = QFont(words)
        italic_words.setItalic(True)
        italic = QFont()
        italic.setItalic(True)
        # A cell's font by (italic row, text without letters); None: the view's own, which
        # draws figures unshaped (sortable_view).
        self._fonts: dict[tuple[bool, bool], QFont | None] = {
            (False, False): words,
            (True, False): italic_words,
            (False, True): None,
            (True, True): italic,
        }

    def font_kinds(self) -> tuple[tuple[bool, bool], ...]:
        """The kinds of cell font, (italic row, text without letters)."""
        return tuple(self._fonts)

    def cell_font(self, italic: bool, plain: bool, base: QFont) -> QFont:
        """The font a cell of this kind is drawn in by a view whose font is `base`: its own
        resolved against the view's, as the delegate resolves it."""
        own = self._fonts[italic, plain]
        return QFont(base) if own is None else own.resolve(base)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None  # no row headers (a standard model would number the rows)
        return super().headerData(section, orientation, role)

    def _brush(self, colour: str) -> QBrush | None:
        if not colour:
            return None
        brush = self._brushes.get(colour)
        if brush is None:
            brush = self._brushes[colour] = QBrush(QColor(colour))
        return brush

    # ---- rows to cells ------------------------------------------------------------------
    def _cells(self, row: RenderedRow) -> list[QStandardItem]:
        background = self._brush(row.background)
        cells = []
        for col, text in enumerate(row.display):
            item = QStandardItem(text)
            item.setFlags(_FLAGS)
            item.setData(_sort_value(row.sort[col]), SORT_ROLE)
            item.setData(row.key, KEY_ROLE)
            foreground = self._brush(row.colour(col))
            if foreground is not None:
                item.setData(foreground, _FOREGROUND)
            if background is not None:
                item.setData(background, _BACKGROUND)
            tip = row.tip(col)
            if tip:
                item.setData(tip, _TOOLTIP)
            font = self._fonts[row.italic, is_plain(text)]
            if font is not None:
                item.setData(font, _FONT)
            cells.append(item)
        return cells

    def _restyle(self, items: list[QStandardItem], old: RenderedRow, new: RenderedRow) -> None:
        """A row's look (colours, tooltip, font) to `new`'s, role by role: a role set to
        nothing is removed from the item, a role never set is left absent."""
        background = self._brush(new.background) if new.background != old.background else None
        for col, item in enumerate(items):
            if new.colour(col) != old.colour(col):
                item.setData(self._brush(new.colour(col)), _FOREGROUND)
            if new.background != old.background:
                item.setData(background, _BACKGROUND)
            if new.tip(col) != old.tip(col):
                item.setData(new.tip(col) or None, _TOOLTIP)
            if new.italic != old.italic:
                item.setData(self._fonts[new.italic, is_plain(new.display[col])], _FONT)

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """Items set without a signal each: the caller announces them together."""
        was = self.blockSignals(True)
        try:
            yield
        finally:
            self.blockSignals(was)

    # ---- sorting ----------------------------------------------------------------------------
    def keep_sorted_by(self, column: int) -> None:
        """From now on keep only `column`'s sort values current (-1: none): the proxy sorts by
        it. Its values as of the rows shown are written first, unannounced: the proxy asking
        is about to sort on them."""
        if column == self._sorted_by:
            return
        self._sorted_by = column if 0 <= column < len(self._headers) else _NONE
        if self._sorted_by != _NONE:
            with self._quiet():
                for row, items in zip(self._rows, self._items, strict=True):
                    items[column].setData(_sort_value(row.sort[column]), SORT_ROLE)

    def _kept_sorted(self) -> range | tuple[int, ...]:
        """The columns whose sort values an update writes."""
        if self._sorted_by == _ALL:
            return range(len(self._headers))
        return () if self._sorted_by == _NONE else (self._sorted_by,)

    def _value_roles(self, column: int) -> list[Any]:
        """The roles a new text in `column` is announced with."""
        kept = self._sorted_by in (_ALL, column)
        return _VALUE_ROLES if kept else _TEXT_ROLES

    # ---- updates --------------------------------------------------------------------------
    def row(self, i: int) -> RenderedRow:
        return self._rows[i]

    def keys(self) -> list[Hashable]:
        return [r.key for r in self._rows]

    def replace_all(self, rows: Sequence[RenderedRow]) -> None:
        """The whole dataset changed (another account): the one case for a reset."""
        self.beginResetModel()
        with self._quiet():
            self.removeRows(0, self.rowCount())
            self._rows = list(rows)
            self._items = [self._cells(r) for r in self._rows]
            for items in self._items:
                self.appendRow(items)
        self.endResetModel()

    def update_rows(
        self, rows: Sequence[RenderedRow], known: Mapping[Hashable, KnownChanges] | None = None
    ) -> int:
        """Bring the model to `rows` (order of existing rows kept); returns rows changed.
        `known`: rows' changes worked out where they were rendered (prerender.py), by key,
        used for a row only if they were taken against the very row shown."""
        wanted = {r.key: r for r in rows}
        self._remove_missing(wanted)
        changed = self._update_existing(wanted, known)
        present = {r.key for r in self._rows}
        new = [r for r in rows if r.key not in present]
        if new:
            # One insertion announced for all the new rows, their cells already filled in
            # (a view fits its columns to them when told).
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            with self._quiet():
                for r in new:
                    items = self._cells(r)
                    self.appendRow(items)
                    self._rows.append(r)
                    self._items.append(items)
            self.endInsertRows()
        return changed + len(new)

    def _remove_missing(self, wanted: dict[Hashable, RenderedRow]) -> None:
        rows = self._rows  # a local: an attribute of a Qt object is slower to read
        i = len(rows) - 1
        while i >= 0:  # bottom-up, one call per contiguous block
            if rows[i].key in wanted:
                i -= 1
                continue
            last = i
            while i >= 0 and rows[i].key not in wanted:
                i -= 1
            self.removeRows(i + 1, last - i)
            del rows[i + 1 : last + 1]
            del self._items[i + 1 : last + 1]

    def _update_existing(
        self, wanted: dict[Hashable, RenderedRow], known: Mapping[Hashable, KnownChanges] | None
    ) -> int:
        """Announce only the cells that changed: a view repaints what is announced, and on
        a refresh most columns (symbol, side, size, entry) stay as they were. A cell whose
        text stayed and only its sort value moved (a figure below its last shown digit) is
        announced with the sort role alone: the sort proxy re-sorts on
        it, and a view has nothing to repaint (see SortAwareView)."""
        width = len(self._headers)
        cells: dict[int, Sequence[int]] = {}  # by row (ascending), its columns shown anew
        sorts: list[list[int]] = [[] for _ in range(width)]  # per column, rows re-valued only
        restyled: list[int] = []  # rows whose look changed: announced whole
        changed = 0
        fonts = self._fonts
        kept = self._kept_sorted()
        rows, all_items = self._rows, self._items
        with self._quiet():
            for i, old in enumerate(rows):
                new = wanted[old.key]
                if new is old:  # the row shown (an account no tick moved): nothing changed
                    continue
                told = known.get(old.key) if known is not None else None
                if told is not None and told[0] is old:  # worked out where it was rendered
                    moved, look, resorted = told[1], told[2], told[3]
                else:
                    moved, look, resorted = changes(old, new)
                if not moved and not look and not resorted:
                    continue
                rows[i] = new
                changed += 1
                items = all_items[i]
                was_shown, shown = old.display, new.display
                if look:
                    self._restyle(items, old, new)
                    restyled.append(i)
                same_italic = new.italic == old.italic  # else restyled: fonts set there
                for c in moved:
                    text = shown[c]
                    item = items[c]
                    item.setData(text, _DISPLAY)
                    if same_italic:
                        plain = is_plain(text)
                        if plain != is_plain(was_shown[c]):
                            item.setData(fonts[new.italic, plain], _FONT)
                if moved and not look:
                    cells[i] = moved
                if resorted:
                    was_sorted, sorted_by = old.sort, new.sort
                    for c in kept:
                        value = sorted_by[c]
                        if value != was_sorted[c]:
                            items[c].setData(_sort_value(value), SORT_ROLE)
                            if not look and shown[c] == was_shown[c]:
                                sorts[c].append(i)
        for first, last in blocks(restyled):
            self.dataChanged.emit(self.index(first, 0), self.index(last, width - 1), _ROLES)
        announce(self, cells, self._value_roles)
        # Sort values alone: one rectangle around them all. Nothing is repainted for them, and
        # the proxy re-sorts the rows a rectangle spans in its sort column (no more cheaply
        # than these rows one by one): a signal per scattered cell would cost more than that.
        re_valued = [c for c in range(width) if sorts[c]]
        if re_valued:
            top = min(rows[0] for rows in sorts if rows)
            bottom = max(rows[-1] for rows in sorts if rows)
            self.dataChanged.emit(
                self.index(top, re_valued[0]), self.index(bottom, re_valued[-1]), _SORT_ROLES
            )
        return changed
