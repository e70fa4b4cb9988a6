"""A dialog closed before the service answers: the late answer finds it gone and is dropped.

The exchange dialog asks the service for the exchange list and the key-storage options and
fills itself in when they come. A trader who cancels at once closes it first; the window
deletes it (deleteLater), and the answers arrive after. They used to write to deleted labels:
"Internal C++ object (QLabel) already deleted" raised in the event loop."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

import shiboken6
from PySide6.QtWidgets import QApplication

from monitor.service.api import ExchangeInfo, KeyStorageOptions
from monitor.ui.app import MainWindow
from monitor.ui.exchange_dialog import ExchangeDialog


def test_answers_after_the_dialog_is_deleted_are_dropped(qtbot: Any, window: MainWindow) -> None:
    catalog: Future[list[ExchangeInfo]] = Future()
    options: Future[KeyStorageOptions] = Future()
    dialog = ExchangeDialog(
        catalog, window.hub.when_done, lambda *_: Future(), window, key_options=options
    )
    dialog.finished.connect(dialog.deleteLater)  # as the window's commands do
    dialog.open()
    dialog.reject()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog))

    # pytest-qt fails the test on an exception raised in a slot of the event loop.
    options.set_result(KeyStorageOptions(keyring=False, environment=(), environment_set=False))
    catalog.set_exception(OSError("no list"))
    for _ in range(3):
        QApplication.processEvents()
