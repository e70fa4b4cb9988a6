"""Dark (default) and light themes: a style sheet from resources/styles, matching plot colours."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QApplication

from monitor.resources import resource


@dataclass(frozen=True)
class Palette:
    background: str
    foreground: str
    grid_alpha: float


PALETTES = {
    "dark": Palette(background="#15191e", foreground="#c9d1d9", grid_alpha=0.15),
    "light": Palette(background="#ffffff", foreground="#24292f", grid_alpha=0.2),
}


def apply_theme(app: QApplication, name: str) -> Palette:
    name = name if name in PALETTES else "dark"
    path = resource("styles", f"{name}.qss")
    try:
        app.setStyleSheet(path.read_text(encoding="utf-8"))
    except OSError:
        app.setStyleSheet("")  # a missing style sheet leaves Qt's default look, not a crash
    return PALETTES[name]
