"""The exchange dialog's fixed parts: its credential fields, its advice, its short list."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QListWidget

LABELS = {
    "apiKey": "API key",
    "secret": "Secret",
    "password": "Passphrase",
    "walletAddress": "Wallet address",
}
KEYED = ("apiKey", "secret", "password")  # what the keyring (or its alternatives) keeps

ADVICE = (
    "Use a <b>read-only</b> API key (no trading, no withdrawals). Margin Monitor only "
    "reads balances and positions and refuses every order, transfer and withdrawal "
    "itself — a read-only key makes sure nothing else can either, should this "
    "computer or the key ever leak. Hyperliquid and dYdX need only a wallet address: "
    "never enter a private key."
)


class ShortList(QListWidget):
    """Asks for a few rows' height and gives it up (to 60 px) to sentences that appear, so
    the form fits a 1280×800 screen with the key-storage choices open."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumHeight(60)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), 110)
