"""Render resources/icons/margin-monitor.svg to the PNG sizes desktops ask for.

Run after editing the SVG: `.venv/bin/python packaging/render_icons.py`. Qt's SVG renderer is
used because it ships with the app (ImageMagick's built-in one fills some stroked arcs).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 32, 48, 64, 128, 256, 512)
ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv)  # QPainter needs one
    renderer = QSvgRenderer(str(ICONS / "margin-monitor.svg"))
    if not renderer.isValid():
        print("margin-monitor.svg is not a valid SVG", file=sys.stderr)
        return 1
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = ICONS / f"margin-monitor-{size}.png"
        if not image.save(str(target)):
            print(f"could not write {target}", file=sys.stderr)
            return 1
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
