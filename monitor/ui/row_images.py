"""Table rows drawn into images on the service thread; the view copies them to the screen.

At a tick every figure of the book moves, and QTableView draws each changed cell through its
delegate on the UI thread: the role reads through the sort proxy, a text layout, clipping,
the glyphs — most of a redraw's UI-thread time (issue 11). Here the rows of a published
snapshot, already rendered to plain values on the service thread (prerender.py), are drawn
there too, each into one image, as QItemDelegate draws a cell not framed as current: the
cell's background brush, its text in its colour and font, elided to the cell, one text margin
in from its left edge, centred in its height (a row the view shows selected: drawn selected
too). The view (SortAwareView, row_copies.py) copies the rows it repaints from their images,
and leaves to QTableView what an image cannot know: the framed current cell, a row selected
in part or under a see-through highlight, a row rendered on the UI thread (a what-if's), and
every row while the view's look has changed since the images were drawn (a column resized or
moved, a theme, a font) until the next snapshot's images come.

QImage, QPainter and fonts may be used off the UI thread; nothing here touches a widget or
the style (the view takes its look, RowLook, on the UI thread). Images are found by what a
row shows (its texts, colours, font), not by the row object: a row unchanged since an earlier
snapshot is still the model's older object. Swapped in whole, one assignment, read without a
lock (the GIL orders the two).
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QTextLayout,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import QStyle

from monitor.service.snapshot import Snapshot
from monitor.ui.keyed_table import is_plain
from monitor.ui.prerender import RowPrerenderer
from monitor.ui.rendered_row import RenderedRow

log = logging.getLogger(__name__)

_ALIGN = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class RowLook:
    """How a view draws a row, in plain values taken on the UI thread (SortAwareView)."""

    columns: tuple[tuple[int, int, int], ...]  # shown columns in order: (column, x, width)
    width: int  # the table's, every column's
    height: int  # a row's
    gap: int  # the grid's: a cell is this much narrower and shorter than its section
    grid: int  # the grid's colour, ARGB: its pixels in a row's band are drawn in its image
    base: int  # the viewport's background, ARGB
    text: int  # the text's colour when a row sets none, ARGB
    highlight: int  # a selected row's background, ARGB
    highlighted_text: int  # and its text's colour
    margin: int  # the text's margin from the cell's left and right edges
    elide: Qt.TextElideMode
    dots_per_metre: tuple[int, int]  # the screen's: fonts take their pixel size from it
    font_keys: tuple[str, ...]  # the four fonts' keys: looks compare by these
    # By (italic row, text without letters): the fonts the model's cells resolve to.
    fonts: dict[tuple[bool, bool], QFont] = field(compare=False, hash=False)


def content(row: RenderedRow, selected: bool = False) -> Hashable:
    """What a row's image shows: two rows alike in this draw the same pixels."""
    return (row.display, row.foreground, row.background, row.italic, row.cell_foreground, selected)


class RowImages:
    """One table's row images: drawn with `draw` on the service thread, found with `image` on
    the UI thread for the look the view draws with (`look`, set by the view)."""

    def __init__(self) -> None:
        self.look: RowLook | None = None
        # (look drawn for, the newest snapshot's images, the one's before): the UI thread
        # may still be about to show the snapshot before.
        self._drawn: tuple[RowLook | None, dict[Hashable, QImage], dict[Hashable, QImage]] = (
            None,
            {},
            {},
        )
        # The newest images by row key, with the row drawn: a row's next image redraws only
        # the cells that changed (at a tick, the figures) over a copy of it.
        self._by_key: dict[tuple[Hashable, bool], tuple[RenderedRow, QImage]] = {}
        self._pen: CellPen | None = None
        # The keys of the rows the view shows selected (set by the view): drawn selected too.
        self.selected: frozenset[Hashable] = frozenset()

    def draw(self, rows: Iterable[RenderedRow]) -> None:
        """On the service thread: the rows' images for the view's look (none yet: none).
        Never raises: a row not drawn here is drawn by the view."""
        look = self.look
        if look is None:
            return
        try:
            drawn_for, newest, before = self._drawn
            pen = self._pen
            if drawn_for is not look or pen is None or pen.look is not look:
                newest, before, self._by_key = {}, {}, {}
                pen = self._pen = CellPen(look)
            images: dict[Hashable, QImage] = {}
            by_key: dict[tuple[Hashable, bool], tuple[RenderedRow, QImage]] = {}
            selected = self.selected
            for row in rows:
                for chosen in (False, True) if row.key in selected else (False,):
                    key = content(row, chosen)
                    image = images.get(key) or newest.get(key) or before.get(key)
                    if image is None:
                        earlier = self._by_key.get((row.key, chosen))
                        image = pen.redrawn(*earlier, row, chosen) if earlier else None
                        if image is None:
                            image = pen.row(row, chosen)
                    images[key] = image
                    by_key[row.key, chosen] = (row, image)
            self._drawn = (look, images, newest)
            self._by_key = by_key
        except Exception:
            log.exception("rows not drawn ahead; the view draws them")

    def image(self, row: RenderedRow, look: RowLook, selected: bool = False) -> QImage | None:
        """On the UI thread: the row's image drawn with `look`, if there is one."""
        drawn_for, newest, before = self._drawn
        if drawn_for is not look:
            return None
        key = content(row, selected)
        image = newest.get(key)
        return image if image is not None else before.get(key)


class CellPen:
    """Draws rows and cells with one look, as QItemDelegate draws a cell that is not framed
    as current over the viewport's background (the same pixels: tests/ui/test_row_images.py);
    the grid is the view's to fill. A selected cell: the highlight over it (the style's row
    panel, the delegate's background and its text's box each fill it: one fill, opaque) and
    its text in the highlighted text's colour, whatever colour the row gives it."""

    def __init__(self, look: RowLook) -> None:
        self.look = look

    def row(self, row: RenderedRow, selected: bool = False) -> QImage:
        look = self.look
        image = QImage(look.width, look.height, QImage.Format.Format_RGB32)
        image.setDotsPerMeterX(look.dots_per_metre[0])
        image.setDotsPerMeterY(look.dots_per_metre[1])
        image.fill(QColor.fromRgba(look.base))
        painter = QPainter(image)
        if look.gap:
            # The grid's pixels in the row's band, as the view fills them (SortAwareView):
            # its last pixel row across the table, each shown column's last pixel column.
            # Copied with the row, the view fills the grid only where no image is copied.
            grid = QColor.fromRgba(look.grid)
            painter.fillRect(0, look.height - 1, look.width, 1, grid)
            for _, x, width in look.columns:
                painter.fillRect(x + width - 1, 0, 1, look.height, grid)
        background = self._background(row, selected)
        for column, x, width in look.columns:
            self._cell(painter, row, column, x, width, background, selected, clear=False)
        painter.end()
        return image

    def redrawn(
        self, old: RenderedRow, image: QImage, row: RenderedRow, selected: bool = False
    ) -> QImage | None:
        """`row` drawn over a copy of `old`'s image, only its changed cells (None: its row
        look changed: drawn whole instead)."""
        if old.background != row.background or old.italic != row.italic:
            return None
        copy = image.copy()
        painter = QPainter(copy)
        background = self._background(row, selected)
        was, now = old.display, row.display
        for column, x, width in self.look.columns:
            if was[column] != now[column] or old.colour(column) != row.colour(column):
                self._cell(painter, row, column, x, width, background, selected, clear=True)
        painter.end()
        return copy

    def _background(self, row: RenderedRow, selected: bool) -> QColor | None:
        if selected:
            return QColor.fromRgba(self.look.highlight)
        return QColor(row.background) if row.background else None

    def _cell(
        self,
        painter: QPainter,
        row: RenderedRow,
        column: int,
        x: int,
        width: int,
        background: QColor | None,
        selected: bool,
        clear: bool,
    ) -> None:
        look = self.look
        cell = QRect(x, 0, width - look.gap, look.height - look.gap)
        painter.setClipRect(cell)
        if clear:
            painter.fillRect(cell, QColor.fromRgba(look.base))
        if background is not None:
            painter.fillRect(cell, background)
        text = row.display[column]
        if not text:
            return
        colour = row.colour(column)
        if selected:
            painter.setPen(QColor.fromRgba(look.highlighted_text))
        else:
            painter.setPen(QColor(colour) if colour else QColor.fromRgba(look.text))
        font = look.fonts[row.italic, is_plain(text)]
        painter.setFont(font)
        _draw_text(painter, text, font, cell.adjusted(look.margin, 0, -look.margin, 0), look)


def _layout(text: str, font: QFont, width: int) -> tuple[QTextLayout, QTextLine]:
    """The text laid out on one line, as QItemDelegate lays a cell's text out (its size)."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.ManualWrap)
    option.setTextDirection(Qt.LayoutDirection.LeftToRight)
    option.setAlignment(_ALIGN)
    layout.setTextOption(option)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(width)
    line.setPosition(QPointF(0, 0))
    layout.endLayout()
    return layout, line


def _draw_text(painter: QPainter, text: str, font: QFont, box: QRect, look: RowLook) -> None:
    """QItemDelegate.drawDisplay's steps: laid out, elided if it does not fit, laid out
    again, centred in the cell's height."""
    layout, line = _layout(text, font, box.width())
    if box.width() < line.naturalTextWidth() or box.height() < line.height():
        elided = QFontMetrics(font).elidedText(text, look.elide, box.width())
        layout, line = _layout(elided, font, box.width())
    shown = QStyle.alignedRect(
        Qt.LayoutDirection.LeftToRight, _ALIGN, QSize(box.width(), int(line.height())), box
    )
    layout.draw(painter, QPointF(shown.topLeft()), [], QRectF(shown))


class RowsAhead:
    """What the window's hub does with each published snapshot on the service thread: its
    rows rendered (prerender.py), then drawn, the positions' and the list's."""

    def __init__(self, prerender: RowPrerenderer) -> None:
        self.prerender = prerender
        self.positions = RowImages()
        self.accounts = RowImages()

    def publish(self, snap: Snapshot) -> None:
        """Never raises (neither part does)."""
        prerender = self.prerender
        prerender.publish(snap)
        shown, listed = prerender.shown, []
        for account in snap.accounts:
            done = prerender.account(account)
            if done is not None:
                listed.append(done[2])
            if account.account_id == shown:
                rendered = prerender.positions(account)
                if rendered is not None:
                    self.positions.draw(rendered[1])
        self.accounts.draw(listed)
