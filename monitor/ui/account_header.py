"""The selected account's headline: the worst pool's health large and colour-banded with its
figures beside the venue's own, then every pool of the account in a compact list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from monitor.domain.alert_text import pace_text
from monitor.domain.report import AccountHealth
from monitor.service.snapshot import AccountSnapshot, PoolSnapshot, SourceState
from monitor.ui import formatting as fmt
from monitor.ui import trader_figures as tf
from monitor.ui.boxed_label import BoxedLabel
from monitor.ui.pools import collateral_text, has_whatif, headline
from monitor.ui.pools import name as pool_name

# The compact pool list, one row per pool, worst first; amounts in the pool's own currency.
POOL_COLUMNS = (
    "Pool", "Health", "Exch. health", "Margin balance", "Maintenance", "Exch. maint.",
    "Liquidating move", "Collateral",
)  # fmt: skip
_POOL_TIPS = {
    "Exch. health": "the venue's own health of the pool (not given: the venue reports none)",
    "Exch. maint.": "the venue's own maintenance margin of the pool",
    "Liquidating move": "uniform move of every mark, down / up, that liquidates the pool",
    "Collateral": "assets counted at their price × the share that counts (1 − haircut)",
}
NOT_GIVEN = "not given"
UNVERIFIED_COLOUR = "#d9a404"
# Local rules (the theme's style sheet has none for these): greyed figures that are not current.
_LOCAL_STYLE = (
    'QLabel#poolValue[stale="true"], QLabel#collateralValue[stale="true"] '
    "{ color: #7f8791; font-style: italic; }"
    f" QLabel#unverifiedVenue {{ background-color: {UNVERIFIED_COLOUR}; color: #0d1117;"
    " border-radius: 4px; padding: 1px 8px; font-weight: bold; }"
)


AVAILABLE_TIP = (
    "margin balance − initial margin (each cross position's notional at the mark ÷ its "
    "leverage), as the venues show available; orders' margin not counted"
)


def _figure(grid: QGridLayout, row: int, col: int, title: str, tip: str = "") -> QLabel:
    caption = QLabel(title)
    caption.setObjectName("figureCaption")
    value = QLabel(fmt.UNKNOWN)
    value.setObjectName("figureValue")
    if tip:
        caption.setToolTip(tip)
        value.setToolTip(tip)
    grid.addWidget(caption, row * 2, col)
    grid.addWidget(BoxedLabel(value), row * 2 + 1, col)
    return value


def _moves(snap: AccountSnapshot, h: AccountHealth | None) -> tuple[str, str]:
    """The uniform moves down and up that liquidate the pool, in words."""
    if h is None or h.unknown is not None:
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


def _compact_moves(snap: AccountSnapshot, h: AccountHealth) -> str:
    if h.unknown is not None:
        return fmt.UNKNOWN
    if h.health_ratio is not None and h.health_ratio <= snap.thresholds.liquidation:
        return "at liquidation"
    if h.health_ratio is None:
        return "no cross maintenance"
    down = fmt.move(-h.liquidation_move_down if h.liquidation_move_down is not None else None)
    return f"{down} / {fmt.move(h.liquidation_move_up)}"


def _pace(snap: AccountSnapshot, pool: PoolSnapshot | None, failing: bool) -> str:
    """The pool's time to liquidation at its pace while its move shrinks ("" otherwise, and for
    figures that are not current)."""
    if pool is None or failing or not snap.known:
        return ""
    return pace_text(pool.eta_seconds)


def _set_stale(label: QLabel, stale: bool) -> None:
    # Figures that are not current are greyed and italic (style sheets: [stale="true"]).
    value = "true" if stale else "false"
    if label.property("stale") != value:
        label.setProperty("stale", value)
        label.style().unpolish(label)
        label.style().polish(label)


class AccountHeader(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountHeader")
        self.setStyleSheet(_LOCAL_STYLE)
        self.health = QLabel(fmt.UNKNOWN)
        self.health.setObjectName("healthValue")
        self.health_caption = QLabel("health")
        self.health_caption.setObjectName("healthCaption")
        self.title = QLabel("no account")
        self.title.setObjectName("accountTitle")
        self.unverified = QLabel("unverified venue")
        self.unverified.setObjectName("unverifiedVenue")
        self.unverified.hide()
        self.state = QLabel()
        self.state.setObjectName("accountState")
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.PlainText)  # venue messages are never markup
        self.note.setObjectName("accountNote")
        self.note.setWordWrap(True)

        # The worst pool's health large, the venue's own just beneath it.
        self.exchange_caption = QLabel("Exchange's health")
        self.exchange_caption.setObjectName("healthCaption")
        self.exchange = QLabel(NOT_GIVEN)
        self.exchange.setObjectName("healthCaption")
        self.exchange.setStyleSheet("font-weight: bold;")
        for label in (self.exchange_caption, self.exchange):
            label.setToolTip("the venue's own health of this pool")
        band = QVBoxLayout()
        band.setContentsMargins(10, 6, 10, 6)
        band.setSpacing(0)
        band.addWidget(self.health)
        band.addWidget(self.health_caption)
        band.addSpacing(6)
        band.addWidget(self.exchange_caption)
        band.addWidget(self.exchange)
        self.band = QFrame()
        self.band.setObjectName("healthBand")
        self.band.setLayout(band)

        # The worst pool's figures; our maintenance and the venue's side by side.
        grid = QGridLayout()
        grid.setVerticalSpacing(0)
        self.margin_balance = _figure(grid, 0, 0, "Margin balance")
        self.maintenance = _figure(grid, 0, 1, "Maintenance margin")
        self.exchange_maintenance = _figure(
            grid, 0, 2, "Exchange's maintenance", "the venue's own maintenance margin of this pool"
        )
        self.move_down = _figure(grid, 1, 0, "Move down to liquidation")
        self.move_up = _figure(grid, 1, 1, "Move up to liquidation")
        # Available as the venues define it (balance − initial margin), shown only where the
        # book carries every cross position's leverage: balance − maintenance is no venue's.
        self.available = _figure(grid, 1, 2, "Available", AVAILABLE_TIP)
        self._available_cells: list[QWidget] = []  # its caption and its boxed value
        for r in (2, 3):
            item = grid.itemAtPosition(r, 2)
            cell = item.widget() if item is not None else None
            if isinstance(cell, QWidget):
                self._available_cells.append(cell)
        for col in range(3):
            grid.setColumnStretch(col, 1)
        # Time to liquidation at the pace of the last minute, only while the move shrinks.
        self.pace = QLabel()
        self.pace.setObjectName("paceValue")
        self.pace.setStyleSheet("font-weight: bold;")
        self.pace.setToolTip(
            "how long until the move that liquidates the pool is used up, if the market keeps "
            "the pace of the last minute"
        )
        self.pace.hide()
        self.collateral = QLabel()  # a single multi-asset pool's collateral
        self.collateral.setObjectName("collateralValue")
        self.collateral.setTextFormat(Qt.TextFormat.PlainText)
        self.collateral.setWordWrap(True)
        self.collateral.hide()

        # Every pool, compact, across the whole header (shown when there are several).
        self.pools_box = QFrame()
        self.pools_box.setObjectName("poolsBox")
        self._pools_grid = QGridLayout(self.pools_box)
        self._pools_grid.setContentsMargins(0, 2, 0, 0)
        self._pools_grid.setHorizontalSpacing(14)
        self._pools_grid.setVerticalSpacing(1)
        self._pool_captions = []
        for col, name in enumerate(POOL_COLUMNS):
            caption = QLabel(name)
            caption.setObjectName("figureCaption")
            caption.setToolTip(_POOL_TIPS.get(name, ""))
            self._pools_grid.addWidget(caption, 0, col)
            self._pool_captions.append(caption)
        self._pools_grid.setColumnStretch(len(POOL_COLUMNS) - 1, 1)
        self._pool_labels: list[list[QLabel]] = []
        self.pools_box.hide()

        right = QVBoxLayout()
        right.setSpacing(2)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(8)
        top.addWidget(self.unverified)
        top.addStretch(1)
        top.addWidget(BoxedLabel(self.state))  # its age moves on every second
        right.addLayout(top)
        right.addLayout(grid)
        right.addWidget(self.pace)
        right.addStretch(1)
        headline = QHBoxLayout()
        headline.addWidget(self.band, 0, Qt.AlignmentFlag.AlignTop)
        headline.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setSpacing(4)
        layout.addLayout(headline)
        layout.addWidget(self.collateral)
        layout.addWidget(self.pools_box)
        layout.addWidget(self.note)
        layout.addStretch(1)

    def health_text(self) -> str:
        return self.health.text()

    def pool_rows(self) -> list[list[str]]:
        """The compact pool list as shown, one row of POOL_COLUMNS texts per pool."""
        if self.pools_box.isHidden():
            return []
        return [[label.text() for label in row] for row in self._pool_labels]

    def show_account(self, snap: AccountSnapshot | None, now: float) -> None:
        if snap is None:
            self.title.setText("no account")
            self.unverified.hide()
            self.pace.hide()
            self.pools_box.hide()
            self.collateral.hide()
            self._band(fmt.UNKNOWN, fmt.STALE_COLOUR, "")
            return
        several = len(snap.pools) > 1
        title = f"{snap.name}  ·  {snap.venue or 'manual'}"
        self.title.setText(f"{title}  ·  {len(snap.pools)} pools" if several else title)
        self.unverified.setVisible(not snap.verified)
        if not snap.verified:
            self.unverified.setToolTip(
                f"The app has not verified its reading of {snap.venue}'s margin rules against "
                "the venue: its figures are a best-effort mapping. Compare with the exchange's."
            )
        self.state.setText(fmt.status_text(snap, now))
        pool = headline(snap)
        h = pool.health if pool else None
        currency = pool.account.collateral if pool else None
        state = snap.status.state
        failing = state in (SourceState.ERROR, SourceState.AUTH_FAILED)
        # With several pools the band names its pool.
        prefix = f"{pool_name(pool)} pool · " if several and pool else ""
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
        elif h.unknown is not None:
            # The engine could not compute it (see the note): never a figure, never a level.
            self._band(fmt.UNKNOWN, fmt.UNKNOWN_COLOUR, f"{prefix}cannot be judged")
        else:
            caption = f"{prefix or 'health · '}{h.status.label}"
            if pool is not None and has_whatif(pool):
                caption = f"{prefix}with what-ifs · was {fmt.health(pool.baseline.health_ratio)}"
            self._band(fmt.health(h.health_ratio), fmt.LEVEL_COLOURS[h.status], caption)
        down, up = _moves(snap, h)
        current = snap.known
        available = tf.available(h, pool.account.positions) if pool and not failing else None
        for cell in self._available_cells:
            cell.setVisible(available is not None)
        pace = _pace(snap, pool, failing)
        self.pace.setText(f"liquidation {pace}" if pace else "")
        self.pace.setVisible(bool(pace))
        # With what-ifs on, each figure reads real → with what-ifs (never the what-if alone).
        real = pool.baseline if pool is not None and has_whatif(pool) and h else None
        was_down, was_up = _moves(snap, real) if real else (down, up)
        was_available = (
            tf.available(real, tuple(p for p in pool.account.positions if not p.hypothetical))
            if real and pool and not failing
            else None
        )
        for value_label, value, was in (
            (self.margin_balance, fmt.money(h.margin_balance, currency) if h else fmt.UNKNOWN,
             fmt.money(real.margin_balance, currency) if real else ""),
            (self.maintenance, fmt.money(h.maintenance_margin, currency) if h else fmt.UNKNOWN,
             fmt.money(real.maintenance_margin, currency) if real else ""),
            (self.available, fmt.money(available, currency),
             fmt.money(was_available, currency) if real else ""),
            (self.move_down, down, was_down),
            (self.move_up, up, was_up),
        ):  # fmt: skip
            value_label.setText(f"{was} → {value}" if real and was != value else value)
            _set_stale(value_label, not current)
        account = pool.account if pool else None
        exch = account.exchange_health_ratio if account else None
        exch_maint = account.exchange_maintenance_margin if account else None
        if failing or account is None:  # like ours: no figure that could be read as current
            self.exchange.setText(fmt.UNKNOWN)
        else:
            self.exchange.setText(fmt.health(exch) if exch is not None else NOT_GIVEN)
        self.exchange_caption.setText(_exchange_caption(snap, now))
        if account is None:
            self.exchange_maintenance.setText(fmt.UNKNOWN)
        else:
            self.exchange_maintenance.setText(
                fmt.money(exch_maint, currency) if exch_maint is not None else NOT_GIVEN
            )
        _set_stale(self.exchange_maintenance, not current)
        collateral = collateral_text(account) if account and not several else ""
        self.collateral.setText(f"Collateral:  {collateral}" if collateral else "")
        self.collateral.setVisible(bool(collateral))
        _set_stale(self.collateral, not current)
        self._show_pools(snap if several else None, failing)
        notes = []
        if failing:
            notes.append(f"✖ {snap.status.last_error or 'the venue is not answering'}")
        elif not snap.known and h is not None:
            notes.append("⚠ figures are the last known, not current")
        if snap.known and not failing:
            notes.extend(f"? cannot be judged: {reason}" for reason in snap.unknowns)
        if snap.exchange_disagreement:
            notes.append(f"exchange differs: {snap.exchange_disagreement}")
        self.note.setText("   ".join(notes))

    def _show_pools(self, snap: AccountSnapshot | None, failing: bool) -> None:
        if snap is None:
            self.pools_box.hide()
            return
        self._ensure_pool_rows(len(snap.pools))
        for labels, pool in zip(self._pool_labels, snap.pools, strict=True):
            texts, colour = self._pool_texts(snap, pool, failing)
            for label, text in zip(labels, texts, strict=True):
                label.setText(text)
                _set_stale(label, not snap.known)
            health = labels[POOL_COLUMNS.index("Health")]
            style = f"color: {colour}; font-weight: bold;" if colour else ""
            if health.styleSheet() != style:
                health.setStyleSheet(style)
        # The Collateral column only when a pool holds some.
        any_collateral = any(p.account.collaterals for p in snap.pools)
        column = POOL_COLUMNS.index("Collateral")
        for label in (self._pool_captions[column], *(row[column] for row in self._pool_labels)):
            label.setVisible(any_collateral)
        self.pools_box.show()

    @staticmethod
    def _pool_texts(
        snap: AccountSnapshot, pool: PoolSnapshot, failing: bool
    ) -> tuple[list[str], str]:
        h, account, currency = pool.health, pool.account, pool.account.collateral
        exch, exch_maint = account.exchange_health_ratio, account.exchange_maintenance_margin
        health = fmt.UNKNOWN if failing or h.unknown else fmt.health(h.health_ratio)
        if has_whatif(pool) and not failing and not h.unknown:  # was → with the what-ifs
            health = f"{fmt.health(pool.baseline.health_ratio)} → {health}"
        pace = _pace(snap, pool, failing)
        texts = [
            pool_name(pool),
            health,
            fmt.health(exch) if exch is not None else NOT_GIVEN,
            fmt.money(h.margin_balance, unit=currency),
            fmt.money(h.maintenance_margin, unit=currency),
            fmt.money(exch_maint, unit=currency) if exch_maint is not None else NOT_GIVEN,
            _compact_moves(snap, h) + (f" · {pace}" if pace else ""),
            collateral_text(account),
        ]
        colour = fmt.LEVEL_COLOURS[h.status] if snap.known and not failing else ""
        if snap.known and not failing and h.unknown is not None:
            colour = fmt.UNKNOWN_COLOUR
        return texts, colour

    def _ensure_pool_rows(self, count: int) -> None:
        grid = self._pools_grid
        while len(self._pool_labels) < count:
            row = len(self._pool_labels) + 1
            labels = []
            for col in range(len(POOL_COLUMNS)):
                label = QLabel()
                label.setObjectName("poolValue")
                label.setTextFormat(Qt.TextFormat.PlainText)
                grid.addWidget(label, row, col)
                labels.append(label)
            self._pool_labels.append(labels)
        while len(self._pool_labels) > count:
            for label in self._pool_labels.pop():
                grid.removeWidget(label)
                label.deleteLater()

    def _band(self, text: str, colour: str, caption: str) -> None:
        self.health.setText(text)
        self.health_caption.setText(caption)
        style = f"#healthBand {{ background-color: {colour}; border-radius: 6px; }}"
        if self.band.styleSheet() != style:  # a new style sheet restyles the band: only on change
            self.band.setStyleSheet(style)


def _exchange_caption(snap: AccountSnapshot, now: float) -> str:
    """The venue's figures come with each REST read; streamed marks move ours in between. When
    they are more than a couple of seconds apart, the caption says how old the venue's are."""
    fetched = snap.status.last_success
    if snap.marks_at is None or fetched is None or snap.marks_at - fetched <= 2.0:
        return "Exchange's health"
    return f"Exchange's health · {fmt.age(now - fetched)} ago"
