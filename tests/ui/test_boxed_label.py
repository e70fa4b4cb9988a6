"""Redraw cost (issue 11): a boxed figure's tick (its digits new, its size the same) asks the
label for no size and sends the box no event; a text, font or style that changes its size
reaches the layout above as before."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QFont, QFontInfo
from PySide6.QtWidgets import QApplication, QGridLayout, QLabel, QWidget

import monitor.ui.boxed_label as boxed_label
from monitor.ui.boxed_label import BoxedLabel
from tests.ui.event_counter import EventCounter


class CountingLabel(QLabel):
    """A label that counts the times it is asked for its size (its text laid out anew)."""

    asked = 0

    def sizeHint(self) -> QSize:
        self.asked += 1
        return super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        self.asked += 1
        return super().minimumSizeHint()


def _settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


@pytest.fixture
def boxed(qtbot: Any) -> Iterator[tuple[QWidget, CountingLabel, BoxedLabel]]:
    """A figure boxed in a grid beside a caption that takes the rest of the row, with no
    application style sheet (a theme's font for labels would stand before the one handed
    down: a window's test may leave one set)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    sheet = app.styleSheet()
    app.setStyleSheet("")
    panel = QWidget()
    qtbot.addWidget(panel)
    grid = QGridLayout(panel)
    label = CountingLabel("10,150.00 USDT")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setObjectName("figure")
    box = BoxedLabel(label)
    grid.addWidget(box, 0, 0)
    grid.addWidget(QLabel("caption"), 0, 1)
    grid.setColumnStretch(1, 1)
    panel.resize(600, 80)
    with qtbot.waitExposed(panel):
        panel.show()
    _settle()
    yield panel, label, box
    app.setStyleSheet(sheet)


def test_a_tick_of_digits_asks_no_size_and_sends_the_box_no_event(
    boxed: tuple[QWidget, CountingLabel, BoxedLabel],
) -> None:
    _, label, box = boxed
    width = box.width()
    requests = EventCounter(QEvent.Type.LayoutRequest)
    box.installEventFilter(requests)
    label.asked = 0
    for text in ("10,163.25 USDT", "19,876.54 USDT", "10,150.07 USDT"):
        label.setText(text)
        _settle()
        assert label.text() == text
    # Before: the box was sent a layout request at each, and asked the label its two sizes.
    assert requests.count == 0
    assert label.asked == 0
    assert box.width() == width
    # The premise, checked on this machine's font: these texts want the same room.
    sizes = {QLabel(t).sizeHint().width() for t in ("10,150.00 USDT", "19,876.54 USDT")}
    assert len(sizes) == 1


def test_a_digit_more_takes_the_room_it_wants(
    boxed: tuple[QWidget, CountingLabel, BoxedLabel],
) -> None:
    _, label, box = boxed
    before = box.width()
    label.setText("110,150.00 USDT")
    _settle()
    assert box.sizeHint() == label.sizeHint()
    assert box.width() == label.sizeHint().width() > before  # the grid gave it the room
    assert label.geometry() == box.rect()


def test_a_font_handed_down_is_measured(
    boxed: tuple[QWidget, CountingLabel, BoxedLabel],
) -> None:
    panel, label, box = boxed
    before = box.width()
    bigger = QFont(panel.font())
    bigger.setPointSizeF(QFontInfo(panel.font()).pointSizeF() * 2)  # set in pixels, maybe
    panel.setFont(bigger)
    _settle()
    assert box.width() == label.sizeHint().width() > before
    assert box.height() >= label.sizeHint().height()


def test_a_stale_figure_s_style_is_measured(
    boxed: tuple[QWidget, CountingLabel, BoxedLabel],
) -> None:
    """A figure greyed and made bold italic by a style sheet rule on a property (as stale
    figures are): the same text, a wider font."""
    panel, label, box = boxed
    panel.setStyleSheet(
        'QLabel#figure[stale="true"] { font-size: 20pt; font-weight: bold; font-style: italic; }'
    )
    _settle()
    before = box.width()
    label.setProperty("stale", "true")
    label.style().unpolish(label)
    label.style().polish(label)
    _settle()
    assert box.width() == label.sizeHint().width() > before


def test_a_padding_of_its_own_is_measured(
    boxed: tuple[QWidget, CountingLabel, BoxedLabel],
) -> None:
    """A style that changes the label's room, not its text or font, and that re-lays out
    nothing else (the label's own style sheet): the layout above is told all the same."""
    _, label, box = boxed
    before = box.width()
    label.setStyleSheet("padding: 0 40px;")
    _settle()
    assert box.width() == label.sizeHint().width() >= before + 80


def test_in_a_font_whose_digits_differ_every_new_text_is_measured(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(boxed_label, "_tabular", lambda metrics: False)
    panel = QWidget()
    qtbot.addWidget(panel)
    grid = QGridLayout(panel)
    label = CountingLabel("10,150.00")
    grid.addWidget(BoxedLabel(label), 0, 0)
    with qtbot.waitExposed(panel):
        panel.show()
    _settle()
    label.asked = 0
    label.setText("10,163.25")
    _settle()
    assert label.asked > 0
