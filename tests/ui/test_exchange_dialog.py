"""The exchange dialog against the real service and the simulated Binance venue on loopback.

"Test connection" says what failed in words, beside the field to fix; adding an account keeps
the dialog open (everything typed kept) until the service has stored it; with no OS keyring
the dialog offers the environment variables or a credentials file there and then.
"""

from __future__ import annotations

import json
import socket
import stat
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from monitor.sources.sim.venue import DEMO_CREDENTIALS
from monitor.ui.app import MainWindow
from monitor.ui.exchange_dialog import ExchangeDialog
from tests.keyring_memory import MemoryKeyring
from tests.ui.conftest import KEY, Rig

SECRET = DEMO_CREDENTIALS.secret


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def open_dialog(qtbot: Any, window: MainWindow) -> ExchangeDialog:
    dialog = window.commands.add_exchange_account()
    qtbot.waitUntil(lambda: dialog.list.count() == 3)
    dialog.list.setCurrentRow(0)  # binanceusdm
    return dialog


def fill(dialog: ExchangeDialog, url: str, key: str = KEY, secret: str = SECRET) -> None:
    dialog.name.setText("binance-main")
    dialog.inputs["apiKey"].setText(key)
    dialog.inputs["secret"].setText(secret)
    dialog.api_url.setText(url)


def test_outcome(qtbot: Any, dialog: ExchangeDialog) -> str:
    """Click "Test connection" and wait for the answer; the report line's text."""
    qtbot.mouseClick(dialog.test, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report.text()[:1] in ("✔", "✖"), timeout=10_000)
    return dialog.report.text()


test_outcome.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def errors(dialog: ExchangeDialog) -> dict[str, str]:
    """Every error the dialog shows now, by where it shows it."""
    shown = {k: row.error.text() for k, row in dialog.rows.items() if not row.error.isHidden()}
    if not dialog.venue_error.isHidden():
        shown["exchange"] = dialog.venue_error.text()
    return shown


def no_library_text(text: str) -> None:
    for raw in ("ExchangeNotAvailable", "AuthenticationError", "InvalidNonce", "GET ", "/fapi"):
        assert raw not in text
    assert SECRET not in text


# What failed, the field it is shown beside, and words the sentence must hold: each
# failure's sentence as the trader should read it, stated here independently of the code.
FAILURES = [
    ("unreachable", "api_url", ("Cannot reach the venue", "refused the connection")),
    ("wrong key", "apiKey", ("Wrong API key", "-2015")),
    ("wrong secret", "secret", ("Wrong secret", "signature", "-1022")),
    ("no permission", "apiKey", ("No permission", "-1002")),
    ("maintenance", "exchange", ("under maintenance",)),
]


@pytest.mark.parametrize(("failure", "field", "words"), FAILURES)
def test_each_failure_is_said_in_words_beside_its_field(
    qtbot: Any, window: MainWindow, rig: Rig, failure: str, field: str, words: tuple[str, ...]
) -> None:
    dialog = open_dialog(qtbot, window)
    url = rig.venue.url
    if failure == "unreachable":
        fill(dialog, f"http://127.0.0.1:{closed_port()}")
    elif failure == "wrong key":
        fill(dialog, url, key="not-a-key-of-this-venue")
    elif failure == "wrong secret":
        fill(dialog, url, secret="not-the-secret")
    elif failure == "no permission":
        rig.venue.faults.set("permission", api_key=KEY)
        fill(dialog, url)
    else:
        rig.venue.faults.set("maintenance")
        fill(dialog, url)
    report = test_outcome(qtbot, dialog)
    assert report.startswith("✖")
    shown = errors(dialog)
    assert list(shown) == [field], shown
    for word in words:
        assert word in shown[field]
    no_library_text(shown[field] + report)
    if field in dialog.rows:  # the window grows: the field keeps its height, the sentence
        row = dialog.rows[field]  # all its lines
        qtbot.waitUntil(
            lambda: (
                row.field.height() >= row.field.sizeHint().height()
                and row.error.height() >= row.error.heightForWidth(row.error.width())
            )
        )
    # Nothing typed is lost, and typing in the field answers its complaint.
    assert dialog.name.text() == "binance-main"
    if field in dialog.rows:
        qtbot.keyClick(dialog.rows[field].field, Qt.Key.Key_End)
        qtbot.keyClicks(dialog.rows[field].field, "x")
        assert field not in errors(dialog)


def test_clock_skew_is_said_under_test_connection(qtbot: Any, window: MainWindow, rig: Rig) -> None:
    """The venue's clock 30 s ahead of this computer's: outside Binance's 5 s recvWindow."""
    rig.venue.faults.set("clock_skew", 30.0)
    dialog = open_dialog(qtbot, window)
    fill(dialog, rig.venue.url)
    report = test_outcome(qtbot, dialog)
    assert report.startswith("✖ Clock skew") and "-1021" in report
    assert "clock" in report.split("Clock skew", 1)[1]
    assert errors(dialog) == {}
    no_library_text(report)
    rig.venue.faults.clear("clock_skew")
    assert test_outcome(qtbot, dialog).startswith("✔")  # the same fields, now in time


def click_ok(qtbot: Any, dialog: ExchangeDialog) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def save_refused(qtbot: Any, dialog: ExchangeDialog) -> None:
    """OK, and the service's refusal back in the dialog (the buttons free again)."""
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled() and "saving" not in dialog.report.text())
    assert dialog.isVisible()


def save_accepted(qtbot: Any, dialog: ExchangeDialog) -> None:
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        click_ok(qtbot, dialog)


def test_a_refused_save_keeps_the_dialog_and_says_why_by_the_name(
    qtbot: Any, window: MainWindow, rig: Rig, _memory_keyring: MemoryKeyring
) -> None:
    dialog = open_dialog(qtbot, window)
    fill(dialog, rig.venue.url)
    dialog.name.setText("demo")  # the simulated account's name: taken
    save_refused(qtbot, dialog)
    assert list(errors(dialog)) == ["name"] and "already exists" in errors(dialog)["name"]
    assert dialog.inputs["apiKey"].text() == KEY and dialog.inputs["secret"].text() == SECRET
    assert _memory_keyring.items == {}  # refused before any key was kept

    dialog.name.setText("binance-main")
    save_accepted(qtbot, dialog)
    stored = rig.db.accounts.by_name("binance-main")
    assert stored is not None and stored.credentials_ref == "binance-main"
    assert ("margin-monitor", "binance-main") in _memory_keyring.items


@pytest.fixture
def no_keyring() -> None:
    """This machine as it is: no OS keyring (the suite's in-memory one is put back after)."""
    keyring.set_keyring(fail.Keyring())


def test_without_a_keyring_a_credentials_file_is_offered_and_used(
    qtbot: Any, window: MainWindow, rig: Rig, tmp_path: Path, no_keyring: None
) -> None:
    dialog = open_dialog(qtbot, window)
    qtbot.waitUntil(lambda: dialog.storage.isVisible())  # offered at once, before any save
    box = dialog.storage
    assert not box.keyring.isEnabled() and "no OS keyring" in box.intro.text()
    assert "MARGIN_MONITOR_API_KEY" in box.env_note.text()
    assert "MARGIN_MONITOR_API_SECRET" in box.env_note.text()
    assert box.file.isChecked()  # the environment holds no keys in this run
    fill(dialog, rig.venue.url)

    save_refused(qtbot, dialog)  # no file chosen yet: said beside the path, nothing lost
    assert "Choose the credentials file" in box.path_row.error.text()
    assert dialog.inputs["secret"].text() == SECRET and dialog.name.text() == "binance-main"

    path = tmp_path / "keys.json"
    box.path.setText(str(path))
    save_accepted(qtbot, dialog)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SECRET in path.read_text()
    stored = rig.db.accounts.by_name("binance-main")
    assert stored is not None and stored.settings["credentials_file"] == str(path)
    assert SECRET not in json.dumps(stored.settings)  # the path only, never a key
    if rig.db.url.startswith("sqlite:///"):
        assert SECRET.encode() not in Path(rig.db.url.removeprefix("sqlite:///")).read_bytes()
    qtbot.waitUntil(  # the account reads the venue with the keys from the file
        lambda: any(
            a.name == "binance-main" and a.known for a in (window.presenter.latest.accounts)
        ),
        timeout=10_000,
    )


def test_without_a_keyring_the_environment_can_hold_the_keys(
    qtbot: Any, window: MainWindow, rig: Rig, no_keyring: None, monkeypatch: Any
) -> None:
    dialog = open_dialog(qtbot, window)
    qtbot.waitUntil(lambda: dialog.storage.isVisible())
    fill(dialog, rig.venue.url)
    dialog.storage.environment.setChecked(True)
    save_refused(qtbot, dialog)  # not set in this run: refused under the choices, nothing lost
    assert "MARGIN_MONITOR_API_KEY" in dialog.storage.error.text()
    assert dialog.inputs["apiKey"].text() == KEY

    monkeypatch.setenv("MARGIN_MONITOR_API_KEY", KEY)
    monkeypatch.setenv("MARGIN_MONITOR_API_SECRET", SECRET)
    save_accepted(qtbot, dialog)
    stored = rig.db.accounts.by_name("binance-main")
    assert stored is not None and stored.settings["credentials_from"] == "environment"
    assert stored.credentials_ref is None


def test_editing_keeps_new_keys_where_the_account_keeps_them(
    qtbot: Any, window: MainWindow, rig: Rig, tmp_path: Path, no_keyring: None
) -> None:
    """No keyring, keys in a file: new keys typed in the edit go to that file, no question."""
    from monitor.service.api import Credentials, ExchangeSettings, KeyStorage

    path = tmp_path / "keys.json"
    settings = ExchangeSettings("binanceusdm", api_url=rig.venue.url)
    first = Credentials(KEY, "an-old-secret")
    rig.service.add_exchange_account(
        "binance-main", settings, first, KeyStorage("file", str(path))
    ).result(10)
    account_id = rig.db.accounts.by_name("binance-main").account_id
    window.commands._edit_with(account_id, "binance-main", _done(settings))
    dialog = next(d for d in window.findChildren(ExchangeDialog) if d.isVisible())
    qtbot.waitUntil(lambda: dialog.list.currentItem() is not None)
    qtbot.waitUntil(lambda: bool(dialog.storage.env_note.text()))  # the service's answer in
    assert dialog.storage.isHidden()  # the account's file is used, nothing asked
    dialog.inputs["secret"].setText(SECRET)
    save_accepted(qtbot, dialog)
    assert SECRET in path.read_text() and "an-old-secret" not in path.read_text()
    stored = rig.db.accounts.by_name("binance-main")
    assert stored is not None and stored.settings["credentials_file"] == str(path)


def _done(value: Any) -> Any:
    from concurrent.futures import Future

    future: Future[Any] = Future()
    future.set_result(value)
    return future
