"""The window's size on a first start, before the trader has a saved layout.

Its designed size is 1560×960; on a smaller screen it takes the screen's room instead (less a
window manager's title bar), so a 1280×800 laptop shows the whole window — the header's right
half and the table's last columns were off the screen. Qt does not fit a window to its screen
by itself. A saved layout is restored as it was saved (Qt's restoreGeometry keeps it on a
screen)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize

DESIGNED = QSize(1560, 960)
TITLE_BAR = 40  # px a window manager adds above the window, outside its geometry


def first_size(available: QRect) -> QSize:
    """The designed size, within the screen's `available` area (without panels and docks)."""
    return QSize(
        min(DESIGNED.width(), available.width()),
        min(DESIGNED.height(), available.height() - TITLE_BAR),
    )
