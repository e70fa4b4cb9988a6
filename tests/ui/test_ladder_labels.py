"""The liquidation ladder's row labels never run into each other: a row names its liquidation
price on a second line only where the row is tall enough for two lines (issue 13: at 1280×800
with a what-if on, the two-line labels of seven rows overlapped)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QFontMetricsF

from monitor.domain.model import Maintenance, Position, Side
from monitor.service.monitor_service import MonitorService
from monitor.ui.app import MainWindow
from tests.ui.conftest import selected


@pytest.mark.parametrize(("size", "two_lines"), [((1920, 1080), True), ((1280, 600), False)])
def test_row_labels_take_two_lines_only_where_a_row_has_room(
    qtbot: Any,
    window: MainWindow,
    service: MonitorService,
    size: tuple[int, int],
    two_lines: bool,
) -> None:
    held = selected(window)
    for i in range(3):  # seven rows: three what-ifs beside the held four
        whatif = Position(
            "BTC/USDT:USDT", Side.LONG, 0.1 + i, 61_000, 61_000, Maintenance.flat(0.004),
            hypothetical=True,
        )  # fmt: skip
        service.save_position(held.account_id, whatif).result(5)
    window.resize(*size)
    window.tabs.setCurrentWidget(window.ladder_chart)
    chart = window.ladder_chart.chart()
    axis = chart.getPlotItem().getAxis("left")
    qtbot.waitUntil(lambda: window.width() == size[0] and window.positions_model.rowCount() >= 6)
    rows = window.positions_model.rowCount()
    view = chart.getPlotItem().getViewBox()
    line = QFontMetricsF(axis.font()).lineSpacing()

    def settled() -> bool:
        ticks = axis._tickLevels
        return bool(ticks) and len(ticks[0]) == rows and chart.isVisible()

    qtbot.waitUntil(settled)
    # Redrawn at this size on the next refresh: wait for the labels of the size.
    row_height = view.height() / (rows + 0.4)
    qtbot.waitUntil(
        lambda: all(("\n" in t) == two_lines for _, t in axis._tickLevels[0]), timeout=10_000
    )
    for _, text in axis._tickLevels[0]:
        assert (text.count("\n") + 1) * line <= row_height  # never into the next row
    assert (row_height >= 2 * line) == two_lines  # the sizes chosen do test both cases
