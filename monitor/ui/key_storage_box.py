"""Where a new exchange account's keys are kept, offered when this machine has no OS keyring:
the environment variables (named), or a credentials file the trader chooses (chmod 600; the
database keeps its path, never a secret)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from monitor.service.api import KeyStorage, KeyStorageOptions
from monitor.ui.field_error import FieldWithError, error_label, show_error


class KeyStorageBox(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Where to keep the keys", parent)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.keyring = QRadioButton("System keyring")
        self.environment = QRadioButton("Environment variables")
        self.env_note = QLabel()
        self.env_note.setWordWrap(True)
        self.env_note.setIndent(20)  # under its choice, as the file's path is
        self.file = QRadioButton("A credentials file (readable by you only, chmod 600)")
        self.path = QLineEdit(placeholderText="full path, e.g. ~/.config/margin-monitor/keys.json")
        self.choose = QPushButton("Choose…")
        self.path_row = FieldWithError(self._path_line())
        self.error = error_label()
        self.group = QButtonGroup(self)
        for button in (self.keyring, self.environment, self.file):
            self.group.addButton(button)
        layout = QVBoxLayout(self)
        for widget in (self.intro, self.keyring, self.environment, self.env_note, self.file):
            layout.addWidget(widget)
        layout.addWidget(self.path_row)
        layout.addWidget(self.error)
        self.choose.clicked.connect(self._choose_file)
        self.path.textEdited.connect(lambda _: self.path_row.set_error(""))
        self.group.buttonToggled.connect(lambda *_: self._follow_choice())
        self.keyring.setChecked(True)
        self._follow_choice()

    def _path_line(self) -> QWidget:
        line = QWidget()
        row = QHBoxLayout(line)
        row.setContentsMargins(20, 0, 0, 0)
        row.addWidget(self.path, 1)
        row.addWidget(self.choose)
        return line

    def set_options(self, options: KeyStorageOptions) -> None:
        names = " / ".join(options.environment)
        state = "set for this run" if options.environment_set else "not set for this run"
        self.env_note.setText(
            f"{names} — read at every start ({state}); the keys typed above are not stored."
        )
        self.keyring.setEnabled(options.keyring)
        if options.keyring:
            self.intro.setText("The keys go to the system keyring unless you choose otherwise.")
        else:
            self.keyring.setText("System keyring — none on this machine")
            self.intro.setText(
                "This machine has no OS keyring to keep the API keys in. Choose one of these:"
            )
            if self.keyring.isChecked():
                (self.environment if options.environment_set else self.file).setChecked(True)
        self._follow_choice()

    def _follow_choice(self) -> None:
        self.path.setEnabled(self.file.isChecked())
        self.choose.setEnabled(self.file.isChecked())
        self.env_note.setEnabled(self.environment.isChecked())

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Keep the API keys in", self.path.text(), "Credentials (*.json)"
        )
        if path:
            self.path.setText(path)
            self.file.setChecked(True)
            self.path_row.set_error("")

    def storage(self) -> KeyStorage:
        if self.environment.isChecked():
            return KeyStorage("environment")
        if self.file.isChecked():
            return KeyStorage("file", self.path.text().strip() or None)
        return KeyStorage()

    def set_error(self, field: str, message: str) -> None:
        """`field`: "credentials_file" (under the path) or "storage" (under the choices)."""
        if field == "credentials_file":
            self.path_row.set_error(message)
        else:
            show_error(self.error, message)

    def clear_errors(self) -> None:
        self.path_row.set_error("")
        show_error(self.error, "")
