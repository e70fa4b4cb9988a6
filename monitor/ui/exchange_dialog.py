"""Add an exchange account: searchable exchange list, its credential fields, testnet, and a
"test connection" that runs on the service's thread and reports what it found.

The dialog stays open until the service has stored the account: a refusal (a taken name, no
keyring, an unwritable credentials file) or a failed test is shown beside the field at fault,
and everything typed stays where it is.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from monitor.service.api import (
    ConnectionReport,
    Credentials,
    ExchangeInfo,
    ExchangeSettings,
    KeyStorage,
    KeyStorageOptions,
)
from monitor.ui.exchange_form import ADVICE, KEYED, LABELS, ShortList
from monitor.ui.field_error import ERROR_STYLE, FieldWithError, error_label, show_error
from monitor.ui.key_storage_box import KeyStorageBox

WhenDone = Callable[[Future[Any], Callable[[Future[Any]], None]], None]
# (account name, settings, keys, where to keep them) -> the service's Future
SaveAccount = Callable[[str, ExchangeSettings, Credentials, KeyStorage | None], Future[Any]]


class ExchangeDialog(QDialog):
    def __init__(
        self,
        catalog: Future[list[ExchangeInfo]],
        when_done: WhenDone,
        test_connection: Callable[[ExchangeSettings, Credentials], Future[ConnectionReport]],
        parent: QWidget | None = None,
        *,
        save: SaveAccount | None = None,
        key_options: Future[KeyStorageOptions] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add exchange account")
        self.setMinimumWidth(540)  # sentences beside the fields read in two or three lines
        self._when_done = when_done
        self._test_connection = test_connection
        self._save = save
        self._keyring = True  # until the service says otherwise
        self._storage_asked = False  # the service refused the keyring: offer the others
        self._editing = False  # an account's keys stay where they are unless that fails
        self._infos: dict[str, ExchangeInfo] = {}
        self._wanted: str | None = None  # the exchange to select once the list has loaded
        self.saved: Any = None  # the service's answer once stored (the new account's id)
        self.search = QLineEdit(placeholderText="search exchanges…")
        self.list = ShortList()
        self.venue_error = error_label()  # the venue itself: maintenance, down, refusing
        self.name = QLineEdit(placeholderText="account name")
        self.inputs = {k: QLineEdit() for k in LABELS}
        for key in ("secret", "password"):
            self.inputs[key].setEchoMode(QLineEdit.EchoMode.Password)
        self.testnet = QCheckBox("testnet / sandbox")
        self.api_url = QLineEdit(placeholderText="optional: e.g. a proxy or the simulated venue")
        self.rows = {
            "name": FieldWithError(self.name),
            **{k: FieldWithError(field) for k, field in self.inputs.items()},
            "api_url": FieldWithError(self.api_url),
        }
        self.storage = KeyStorageBox()
        self.storage.hide()  # offered when there is no keyring (or the keyring refused)
        self.test = QPushButton("Test connection")
        self.report = QLabel("loading the exchange list…")
        self.report.setTextFormat(Qt.TextFormat.PlainText)  # a venue's answer, never markup
        self.report.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.advice = QLabel(ADVICE)
        self.advice.setWordWrap(True)
        self.form = QFormLayout()
        self.form.addRow("Name", self.rows["name"])
        for key, label in LABELS.items():
            self.form.addRow(label, self.rows[key])
        self.form.addRow("", self.testnet)
        self.form.addRow("API URL", self.rows["api_url"])
        layout = self._layout = QVBoxLayout(self)
        above: tuple[QWidget, ...] = (self.search, self.list, self.venue_error, self.advice)
        for widget in above:
            layout.addWidget(widget, 1 if widget is self.list else 0)
        layout.addLayout(self.form)
        for below in (self.storage, self.test, self.report, self.buttons):
            layout.addWidget(below)
        self.search.textChanged.connect(self._filter)
        self.list.currentTextChanged.connect(self._chosen)
        self.test.clicked.connect(self.run_test)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for key, row in self.rows.items():
            field = row.field
            if isinstance(field, QLineEdit):  # typing there answers that field's complaint
                field.textEdited.connect(lambda _, r=row, k=key: self._edited(k, r))
        self._chosen("")
        when_done(catalog, self._catalog_loaded)
        if key_options is not None:
            when_done(key_options, self._options_loaded)

    # ---- the exchange list ---------------------------------------------------------------
    def _catalog_loaded(self, future: Future[Any]) -> None:
        exc = future.exception()
        if exc is not None:
            self.report.setText(f"could not list exchanges: {exc}")
            return
        self._infos = {i.exchange_id: i for i in future.result()}
        self.list.addItems(sorted(self._infos))
        self.report.setText(f"{len(self._infos)} exchanges")
        self._filter(self.search.text())
        self._select_wanted()

    def _options_loaded(self, future: Future[Any]) -> None:
        if future.exception() is not None:
            return  # asked again, in effect, by the save: its refusal says what is missing
        options: KeyStorageOptions = future.result()
        self.storage.set_options(options)
        self._keyring = options.keyring
        self._chosen(self.list.currentItem().text() if self.list.currentItem() else "")

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.list.count()):
            item = self.list.item(i)
            info = self._infos.get(item.text())
            hay = f"{item.text()} {info.name if info else ''}".lower()
            item.setHidden(bool(needle) and needle not in hay)

    def _chosen(self, exchange_id: str) -> None:
        info = self._infos.get(exchange_id)
        wanted = info.credentials if info else ()
        for key in self.inputs:
            visible = key in wanted
            self.rows[key].setVisible(visible)
            label = self.form.labelForField(self.rows[key])
            if label is not None:
                label.setVisible(visible)
        self.storage.setVisible(self._offer_storage(wanted))
        self.testnet.setEnabled(bool(info and info.has_sandbox))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(info is not None)
        self.test.setEnabled(info is not None)
        QTimer.singleShot(0, self._fit)  # the key-storage choices may have appeared

    def _offer_storage(self, wanted: tuple[str, ...]) -> bool:
        keyed = any(k in wanted for k in KEYED)
        return keyed and (self._storage_asked or not (self._keyring or self._editing))

    def edit(self, name: str, settings: ExchangeSettings) -> None:
        """Edit an existing account: its settings shown, its name fixed; empty key fields keep
        the stored keys (they are never read back out of the keyring)."""
        self.setWindowTitle(f"Edit {name}")
        self._editing = True
        self.name.setText(name)
        self.name.setEnabled(False)
        self.search.setText(settings.exchange_id)
        self._wanted = settings.exchange_id
        self.testnet.setChecked(settings.sandbox)
        self.api_url.setText(settings.api_url or "")
        self.inputs["walletAddress"].setText(settings.wallet_address or "")
        for key in KEYED:
            self.inputs[key].setPlaceholderText("unchanged")
        self._select_wanted()

    def _select_wanted(self) -> None:
        if not self._wanted:
            return
        for i in range(self.list.count()):
            if self.list.item(i).text() == self._wanted:
                self.list.setCurrentRow(i)

    # ---- what was typed --------------------------------------------------------------------
    def settings(self) -> ExchangeSettings:
        return ExchangeSettings(
            exchange_id=self.list.currentItem().text() if self.list.currentItem() else "",
            sandbox=self.testnet.isChecked(),
            api_url=self.api_url.text().strip() or None,
            wallet_address=self.inputs["walletAddress"].text().strip() or None,
        )

    def credentials(self) -> Credentials:
        return Credentials(
            api_key=self.inputs["apiKey"].text().strip(),
            secret=self.inputs["secret"].text().strip(),
            password=self.inputs["password"].text(),
        )

    def key_storage(self) -> KeyStorage | None:
        """The trader's choice where one is offered; None: the keyring (a new account) or
        wherever the account keeps its keys now (an edit)."""
        return None if self.storage.isHidden() else self.storage.storage()

    def account_name(self) -> str:
        return self.name.text().strip() or self.settings().exchange_id

    # ---- errors beside their fields ----------------------------------------------------------
    def show_problem(self, field: str | None, message: str) -> None:
        """`message` beside `field` (see ConnectionReport.field, FieldProblem.field); the
        report line under "Test connection" for this computer's clock or no field at all."""
        if field in self.rows:
            self.rows[field].set_error(message)
            self.rows[field].field.setFocus()
        elif field == "exchange":
            show_error(self.venue_error, message)
        elif field in ("storage", "credentials_file"):
            self._storage_asked = True
            self.storage.set_error(field, message)
            self.storage.show()
        else:
            self._say(f"✖ {message}", failed=True)
            return
        where = {"exchange": "the exchange list", "storage": "where to keep the keys"}
        label = self.form.labelForField(self.rows[field]) if field in self.rows else None
        place = label.text() if isinstance(label, QLabel) else where.get(field, "the file path")
        self._say(f"✖ see {place} above", failed=True)

    def _say(self, text: str, failed: bool = False) -> None:
        """The line under "Test connection": red when something failed."""
        self.report.setText(text)
        self.report.setStyleSheet(ERROR_STYLE if failed else "")
        QTimer.singleShot(0, self._fit)  # once the new sentences are laid out

    def _fit(self) -> None:
        """Grow to hold sentences that just appeared: a window's minimum does not count
        wrapped lines, so without this a field would be squeezed and a sentence cut."""
        width = self.width()
        need = max(self._layout.totalHeightForWidth(width), self.heightForWidth(width))
        if need > self.height():
            self.resize(width, need)

    def clear_problems(self) -> None:
        for row in self.rows.values():
            row.set_error("")
        show_error(self.venue_error, "")
        self.storage.clear_errors()

    def _edited(self, key: str, row: FieldWithError) -> None:
        row.set_error("")
        if key in KEYED:  # a new key or secret may answer the venue's complaint
            show_error(self.venue_error, "")

    # ---- test and save, on the service's thread ------------------------------------------------
    def run_test(self) -> None:
        self.test.setEnabled(False)
        self.clear_problems()
        self._say("testing… (on the service's thread)")
        future = self._test_connection(self.settings(), self.credentials())
        self._when_done(future, self._tested)

    def _tested(self, future: Future[Any]) -> None:
        self.test.setEnabled(True)
        exc = future.exception()
        if exc is not None:
            self.show_problem(None, str(exc) or type(exc).__name__)
            return
        report: ConnectionReport = future.result()
        if report.ok:
            self._say("✔ " + report.message)
        else:
            self.show_problem(report.field, report.message)

    def accept(self) -> None:
        """Store the account first; close only once the service has it."""
        if self._save is None:
            super().accept()
            return
        self.clear_problems()
        self.buttons.setEnabled(False)
        self._say("saving…")
        future = self._save(
            self.account_name(), self.settings(), self.credentials(), self.key_storage()
        )
        self._when_done(future, self._saved)

    def _saved(self, future: Future[Any]) -> None:
        self.buttons.setEnabled(True)
        exc = future.exception()
        if exc is None:
            self.saved = future.result()
            super().accept()
            return
        self.show_problem(getattr(exc, "field", None), str(exc) or type(exc).__name__)
