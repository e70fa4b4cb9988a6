"""Add an exchange account: searchable exchange list, its credential fields, testnet, and a
"test connection" that runs on the service's thread and reports what it found."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from monitor.service.api import ConnectionReport, Credentials, ExchangeInfo, ExchangeSettings

_LABELS = {
    "apiKey": "API key",
    "secret": "Secret",
    "password": "Passphrase",
    "walletAddress": "Wallet address",
}


class ExchangeDialog(QDialog):
    def __init__(
        self,
        catalog: Future[list[ExchangeInfo]],
        when_done: Callable[[Future[object], Callable[[Future[object]], None]], None],
        test_connection: Callable[[ExchangeSettings, Credentials], Future[ConnectionReport]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add exchange account")
        self._when_done = when_done
        self._test_connection = test_connection
        self._infos: dict[str, ExchangeInfo] = {}
        self._wanted: str | None = None  # the exchange to select once the list has loaded
        self.search = QLineEdit(placeholderText="search exchanges…")
        self.list = QListWidget()
        self.name = QLineEdit(placeholderText="account name")
        self.inputs = {k: QLineEdit() for k in _LABELS}
        for key in ("secret", "password"):
            self.inputs[key].setEchoMode(QLineEdit.EchoMode.Password)
        self.testnet = QCheckBox("testnet / sandbox")
        self.api_url = QLineEdit(placeholderText="optional: e.g. a proxy or the simulated venue")
        self.test = QPushButton("Test connection")
        self.report = QLabel("loading the exchange list…")
        self.report.setTextFormat(Qt.TextFormat.PlainText)  # a venue's answer, never markup
        self.report.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.advice = QLabel(
            "Use a <b>read-only</b> API key (no trading, no withdrawals). Margin Monitor only "
            "reads balances and positions and refuses every order, transfer and withdrawal "
            "itself — a read-only key makes sure nothing else can either, should this "
            "computer or the key ever leak. Hyperliquid and dYdX need only a wallet address: "
            "never enter a private key. Keys are kept in the system keyring."
        )
        self.advice.setWordWrap(True)
        self.form = QFormLayout()
        self.form.addRow("Name", self.name)
        for key, label in _LABELS.items():
            self.form.addRow(label, self.inputs[key])
        self.form.addRow("", self.testnet)
        self.form.addRow("API URL", self.api_url)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.advice)
        layout.addLayout(self.form)
        layout.addWidget(self.test)
        layout.addWidget(self.report)
        layout.addWidget(self.buttons)
        self.search.textChanged.connect(self._filter)
        self.list.currentTextChanged.connect(self._chosen)
        self.test.clicked.connect(self.run_test)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._chosen("")
        when_done(catalog, self._catalog_loaded)  # type: ignore[arg-type]

    def _catalog_loaded(self, future: Future[list[ExchangeInfo]]) -> None:
        exc = future.exception()
        if exc is not None:
            self.report.setText(f"could not list exchanges: {exc}")
            return
        self._infos = {i.exchange_id: i for i in future.result()}
        self.list.addItems(sorted(self._infos))
        self.report.setText(f"{len(self._infos)} exchanges")
        self._filter(self.search.text())
        self._select_wanted()

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
        for key, field in self.inputs.items():
            visible = key in wanted
            field.setVisible(visible)
            label = self.form.labelForField(field)
            if label is not None:
                label.setVisible(visible)
        self.testnet.setEnabled(bool(info and info.has_sandbox))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(info is not None)
        self.test.setEnabled(info is not None)

    def edit(self, name: str, settings: ExchangeSettings) -> None:
        """Edit an existing account: its settings shown, its name fixed; empty key fields keep
        the stored keys (they are never read back out of the keyring)."""
        self.setWindowTitle(f"Edit {name}")
        self.name.setText(name)
        self.name.setEnabled(False)
        self.search.setText(settings.exchange_id)
        self._wanted = settings.exchange_id
        self.testnet.setChecked(settings.sandbox)
        self.api_url.setText(settings.api_url or "")
        self.inputs["walletAddress"].setText(settings.wallet_address or "")
        for key in ("apiKey", "secret", "password"):
            self.inputs[key].setPlaceholderText("unchanged")
        self._select_wanted()

    def _select_wanted(self) -> None:
        if not self._wanted:
            return
        for i in range(self.list.count()):
            if self.list.item(i).text() == self._wanted:
                self.list.setCurrentRow(i)

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

    def run_test(self) -> None:
        self.test.setEnabled(False)
        self.report.setText("testing… (on the service's thread)")
        future = self._test_connection(self.settings(), self.credentials())
        self._when_done(future, self._tested)  # type: ignore[arg-type]

    def _tested(self, future: Future[ConnectionReport]) -> None:
        self.test.setEnabled(True)
        exc = future.exception()
        if exc is not None:
            self.report.setText(f"✖ {exc}")
            return
        report = future.result()
        self.report.setText(("✔ " if report.ok else "✖ ") + report.message)

    def account_name(self) -> str:
        return self.name.text().strip() or self.settings().exchange_id
