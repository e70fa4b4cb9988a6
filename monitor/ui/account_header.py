"""The selected account's headline: health large and colour-banded, and the pool's figures."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from monitor.service.snapshot import AccountSnapshot, SourceState
from monitor.ui import formatting as fmt
from monitor.ui.rows import has_active_whatif


def _figure(grid: QGridLayout, row: int, col: int, title: str) -> QLabel:
    caption = QLabel(title)
    caption.setObjectName("figureCaption")
    value = QLabel(fmt.UNKNOWN)
    value.setObjectName("figureValue")
    grid.addWidget(caption, row * 2, col)
    grid.addWidget(value, row * 2 + 1, col)
    return value


def _moves(snap: AccountSnapshot) -> tuple[str, str]:
    """The uniform moves down and up that liquidate the pool, in words."""
    h = snap.health
    if h is None:
        return fmt.UNKNOWN, fmt.UNKNOWN
    if h.health_ratio is not None and h.health_ratio <= snap.thresholds.liquidation:
        return "at liquidation now", "at liquidation now"
    if h.health_ratio is None:
        return "no cross maintenance", "no cross maintenance"
    down = (
        fmt.percent(-h.liquidation_move_down, signed=True)
        if h.liquidation_move_down is not None
        else "none within −100 %"
    )
    up = (
        fmt.percent(h.liquidation_move_up, signed=True)
        if h.liquidation_move_up is not None
        else "none within +1000 %"
    )
    return down, up


class AccountHeader(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountHeader")
        self.health = QLabel(fmt.UNKNOWN)
        self.health.setObjectName("healthValue")
        self.health_caption = QLabel("health")
        self.health_caption.setObjectName("healthCaption")
        self.title = QLabel("no account")
        self.title.setObjectName("accountTitle")
        self.state = QLabel()
        self.state.setObjectName("accountState")
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.PlainText)  # venue messages are never markup
        self.note.setObjectName("accountNote")
        self.note.setWordWrap(True)

        band = QVBoxLayout()
        band.addWidget(self.health)
        band.addWidget(self.health_caption)
        self.band = QFrame()
        self.band.setObjectName("healthBand")
        self.band.setLayout(band)

        grid = QGridLayout()
        self.margin_balance = _figure(grid, 0, 0, "Margin balance")
        self.maintenance = _figure(grid, 0, 1, "Maintenance margin")
        self.free_margin = _figure(grid, 0, 2, "Free margin")
        self.move_down = _figure(grid, 1, 0, "Move down to liquidation")
        self.move_up = _figure(grid, 1, 1, "Move up to liquidation")
        self.exchange = _figure(grid, 1, 2, "Exchange's health")

        right = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.state)
        right.addLayout(top)
        right.addLayout(grid)
        right.addWidget(self.note)
        layout = QHBoxLayout(self)
        layout.addWidget(self.band)
        layout.addLayout(right, 1)

    def health_text(self) -> str:
        return self.health.text()

    def show_account(self, snap: AccountSnapshot | None, now: float) -> None:
        if snap is None:
            self.title.setText("no account")
            self._band(fmt.UNKNOWN, fmt.STALE_COLOUR, "")
            return
        self.title.setText(f"{snap.name}  ·  {snap.venue or 'manual'}")
        self.state.setText(fmt.status_text(snap, now))
        h = snap.health
        currency = snap.account.collateral if snap.account else None
        state = snap.status.state
        failing = state in (SourceState.ERROR, SourceState.AUTH_FAILED)
        if h is None or failing:
            # A failing source never shows a figure that could be read as its health now.
            self._band(
                fmt.UNKNOWN,
                fmt.ERROR_COLOUR if failing else fmt.STALE_COLOUR,
                "error" if failing else "unknown",
            )
        elif not snap.known:
            self._band(
                fmt.health(h.health_ratio),
                fmt.STALE_COLOUR,
                f"last known · stale {fmt.age(snap.status.age(now))}",
            )
        else:
            text = fmt.health(h.health_ratio)
            caption = f"health · {h.status.label}"
            if has_active_whatif(snap) and snap.baseline is not None:
                caption = f"with what-ifs · was {fmt.health(snap.baseline.health_ratio)}"
            self._band(text, fmt.LEVEL_COLOURS[h.status], caption)
        down, up = _moves(snap)
        current = snap.known
        for label, value in (
            (self.margin_balance, fmt.money(h.margin_balance, currency) if h else fmt.UNKNOWN),
            (self.maintenance, fmt.money(h.maintenance_margin, currency) if h else fmt.UNKNOWN),
            (self.free_margin, fmt.money(h.free_margin, currency) if h else fmt.UNKNOWN),
            (self.move_down, down),
            (self.move_up, up),
        ):
            label.setText(value)
            # Figures that are not current are greyed and italic (style sheet: [stale="true"]).
            stale = "false" if current else "true"
            if label.property("stale") != stale:
                label.setProperty("stale", stale)
                label.style().unpolish(label)
                label.style().polish(label)
        exch = snap.account.exchange_health_ratio if snap.account else None
        self.exchange.setText(fmt.health(exch) if exch is not None else "not given")
        notes = []
        if failing:
            notes.append(f"✖ {snap.status.last_error or 'the venue is not answering'}")
        elif not snap.known and h is not None:
            notes.append("⚠ figures are the last known, not current")
        if snap.exchange_disagreement:
            notes.append(f"exchange differs: {snap.exchange_disagreement}")
        self.note.setText("   ".join(notes))

    def _band(self, text: str, colour: str, caption: str) -> None:
        self.health.setText(text)
        self.health_caption.setText(caption)
        self.band.setStyleSheet(
            f"#healthBand {{ background-color: {colour}; border-radius: 6px; }}"
        )
