"""Check and radio markers stand out from the dark theme's background: the style's own were
drawn dark on dark, so a trader could not see which key storage was chosen (issue 13)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QCheckBox, QRadioButton, QStyle, QStyleOptionButton

from monitor.ui.theme import apply_theme

BACKGROUND = QColor("#15191e")  # the dark theme's window background


def _contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours."""

    def lum(c: QColor) -> float:
        def ch(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("kind", [QRadioButton, QCheckBox])
@pytest.mark.parametrize("checked", [False, True])
def test_markers_stand_out_in_the_dark_theme(qtbot: Any, kind: type, checked: bool) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "dark")
    try:
        button = kind("a choice")
        qtbot.addWidget(button)
        button.setChecked(checked)
        button.show()
        qtbot.waitExposed(button)
        option = QStyleOptionButton()
        button.initStyleOption(option)
        element = (
            QStyle.SubElement.SE_RadioButtonIndicator
            if kind is QRadioButton
            else QStyle.SubElement.SE_CheckBoxIndicator
        )
        rect = button.style().subElementRect(element, option, button)
        image = button.grab().toImage()
        best = max(
            _contrast(QColor(image.pixel(x, y)), BACKGROUND)
            for x in range(rect.left(), rect.right() + 1)
            for y in range(rect.top(), rect.bottom() + 1)
        )
        assert best >= 3.0  # WCAG's minimum for a control's boundary against its background
    finally:
        app.setStyleSheet("")
