"""When the database cannot be used (corrupt, made by a newer version, locked, unreachable):
say so naming it, and offer another — the one that failed is never touched, never replaced."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

OPEN_ANOTHER = "Open another database…"
QUIT = "Quit"


def _choose_file(parent: QWidget | None) -> str:
    path, _ = QFileDialog.getSaveFileName(
        parent,
        "Open or create a database",
        str(Path.home()),
        "Margin Monitor database (*.sqlite *.db);;All files (*)",
        options=QFileDialog.Option.DontConfirmOverwrite,  # an existing file is opened, not wiped
    )
    return path


class DatabaseDialog(QMessageBox):
    """The reason in words and two ways on: another database, or quit."""

    def __init__(self, where: str, reason: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle("Margin Monitor — database")
        self.setText(f"The database cannot be used:\n{where}")
        self.setInformativeText(
            f"{reason}\n\nIt has not been changed. Open another database (an existing file, "
            "or a new one), or quit and fix this one."
        )
        self.open_another = self.addButton(OPEN_ANOTHER, QMessageBox.ButtonRole.AcceptRole)
        self.quit = self.addButton(QUIT, QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.open_another)


def ask_for_database(
    where: str,
    reason: str,
    parent: QWidget | None = None,
    choose: Callable[[QWidget | None], str] = _choose_file,
) -> str | None:
    """The SQLite URL of the database the trader picks instead, or None to quit."""
    while True:
        dialog = DatabaseDialog(where, reason, parent)
        dialog.exec()
        if dialog.clickedButton() is not dialog.open_another:
            return None
        path = choose(parent)
        if path:
            return f"sqlite:///{Path(path).resolve()}"
