"""The health axis (log scale) on a laptop's short chart: its labels never run into each other,
and 1 (liquidation) is among them (pyqtgraph labelled every tenth of a decade: "0.8" on "0.7",
"1" on "0.9", as the README's main screenshot showed)."""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

import pytest
from PySide6.QtGui import QImage, QPainter

from monitor.ui.charts import StressChart


@pytest.mark.parametrize("height", [170, 260, 600])
def test_labels_fit_and_name_liquidation(qtbot: Any, height: int) -> None:
    chart = StressChart()
    qtbot.addWidget(chart)
    chart.resize(780, height)
    with qtbot.waitExposed(chart):
        chart.show()
    item = chart.getPlotItem()
    item.setYRange(math.log10(0.5), math.log10(60.0), padding=0)  # health 0.5 ... 60
    axis = item.getAxis("left")
    qtbot.waitUntil(lambda: axis.geometry().height() > 0)
    image = QImage(axis.geometry().size().toSize(), QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        _, _, texts = axis.draw_specs(painter)
    finally:
        painter.end()
    labels = sorted((rect.top(), rect.bottom(), text) for rect, _, text in texts)
    assert "1" in [text for *_, text in labels]
    assert len(labels) >= 3  # room for more than liquidation alone
    for (_, bottom, upper), (top, _, lower) in pairwise(labels):
        assert bottom <= top, (upper, lower, labels)  # no label runs into the next
