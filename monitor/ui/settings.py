"""Window settings (theme, geometry, splitters) in an ini file whose path the caller chooses."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_config_dir
from PySide6.QtCore import QByteArray, QSettings


def default_settings_path() -> Path:
    return Path(user_config_dir("margin-monitor")) / "window.ini"


class WindowSettings:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_settings_path()
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    def theme(self, default: str) -> str:
        value = self._qs.value("theme", default)
        return value if value in ("dark", "light") else default

    def set_theme(self, theme: str) -> None:
        self._qs.setValue("theme", theme)

    def muted(self) -> bool:
        return str(self._qs.value("muted", "false")).lower() == "true"

    def set_muted(self, muted: bool) -> None:
        self._qs.setValue("muted", "true" if muted else "false")

    def blob(self, key: str) -> QByteArray | None:
        value = self._qs.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_blob(self, key: str, value: QByteArray) -> None:
        self._qs.setValue(key, value)

    def sync(self) -> None:
        self._qs.sync()
