"""The selected account's headline: a badge with the move that liquidates large, health beside
it smaller and the venue's own ratio, coloured by the worse of their levels; the worst pool's
figures beside the venue's own; then every pool of the account in a compact list."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from monitor.domain.report import Level
from monitor.service.snapshot import AccountSnapshot
from monitor.ui import formatting as fmt
from monitor.ui.boxed_label import Boxed, BoxedLabel
from monitor.ui.demo import FirstRunChooser
from monitor.ui.elided_label import ElidedLabel
from monitor.ui.filled_widget import FilledLabel, FilledWidget
from monitor.ui.header_pools import POOL_COLUMNS, PoolList, set_stale, set_tip
from monitor.ui.header_render import NOT_GIVEN, HeaderFigures, render_header
from monitor.ui.headline_figures import (
    EXPLANATION,
    EXPLANATION_TIP,
    Headline,
    headline,
)
from monitor.ui.risk_line import RISK_TIP

__all__ = ["NOT_GIVEN", "POOL_COLUMNS", "AccountHeader"]

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
    value = FilledLabel(fmt.UNKNOWN)  # in the header's colour (the themes): it ticks
    value.setObjectName("figureValue")
    # A figure too wide for its column is cut, never the badge beside it: squeezed below
    # their minimum, a layout's widgets clip in no set order (at 1280 px with what-ifs on
    # the badge's own figures were cut).
    value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    if tip:
        caption.setToolTip(tip)
        value.setToolTip(tip)
    grid.addWidget(caption, row * 2, col)
    grid.addWidget(BoxedLabel(value), row * 2 + 1, col)
    return value


def _band_label(name: str, text: str = "") -> QLabel:
    label = FilledLabel(text)  # in the badge's colour (AccountHeader._band): they tick
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setToolTip(EXPLANATION_TIP)
    return label


APP_TITLE = "Margin Monitor"


def _none(_snap: AccountSnapshot, _now: float) -> None:
    return None


class AccountHeader(QFrame):
    # The main window's title for the account shown (a simulated one says so there too).
    window_title = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountHeader")
        self.setStyleSheet(_LOCAL_STYLE)
        self._window_title = ""
        self._current: bool | None = None  # the figures greyed as not current (None: not yet)
        # The header's figures of a published snapshot, rendered on the service thread
        # (prerender.py), if they still read as at `now`; None: rendered here.
        self.prerendered: Callable[[AccountSnapshot, float], HeaderFigures | None] = _none
        self.title = QLabel("no account")
        self.title.setObjectName("accountTitle")
        # A long name is cut, never the badge (see _figure); whole on hover. A QLabel's own
        # minimum is its whole text: 60 px lets it give way.
        self.title.setMinimumWidth(60)
        self.unverified = QLabel("unverified venue")
        self.unverified.setObjectName("unverifiedVenue")
        self.unverified.hide()
        self.state = QLabel()
        self.state.setObjectName("accountState")
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.PlainText)  # venue messages are never markup
        self.note.setObjectName("accountNote")
        self.note.setWordWrap(True)
        # One line that never widens the header nor, wrapped, makes it taller on a small
        # screen (the splitter would give it the table's rows): "…" there, whole on hover.
        self.explanation = ElidedLabel(EXPLANATION_TIP)
        self.explanation.setObjectName("figureCaption")
        self.explanation.set_full_text(EXPLANATION)

        # The badge: the move that liquidates large (and its time at the current pace), health
        # beside it smaller, the venue's own ratio and the venue's reported health under it.
        self.move_figure = _band_label("healthValue", fmt.UNKNOWN)
        self.band_caption = _band_label("healthCaption")
        # Time to liquidation at the pace of the last minute, only while the move shrinks.
        self.pace = _band_label("healthCaption")
        self.pace.setObjectName("paceValue")
        self.pace.hide()
        self.health = _band_label("healthSmall", fmt.UNKNOWN)
        health_caption = _band_label("healthCaption", "health")
        self.venue_ratio = _band_label("healthCaption")
        self.venue_ratio.hide()
        self.exchange_caption = _band_label("healthCaption", "Exchange's health")
        self.exchange = _band_label("healthCaption", NOT_GIVEN)
        self.exchange.setStyleSheet("font-weight: bold;")
        for label in (self.exchange_caption, self.exchange):
            label.setToolTip("the venue's own health of this pool, as it reports it")
        exchange = QHBoxLayout()
        exchange.setSpacing(6)
        exchange.addStretch(1)
        exchange.addWidget(self.exchange_caption)
        exchange.addWidget(self.exchange)
        exchange.addStretch(1)
        band = QGridLayout()
        band.setContentsMargins(10, 6, 10, 6)
        band.setHorizontalSpacing(14)
        band.setVerticalSpacing(0)
        # The two figures that tick, each in a box of its own: a new text re-lays out the
        # badge only when it wants another size (boxed_label.py).
        band.addWidget(BoxedLabel(self.move_figure), 0, 0)
        band.addWidget(BoxedLabel(self.health), 0, 1, Qt.AlignmentFlag.AlignBottom)
        band.addWidget(self.band_caption, 1, 0)
        band.addWidget(health_caption, 1, 1)
        band.addWidget(self.pace, 2, 0, 1, 2)
        band.addWidget(self.venue_ratio, 3, 0, 1, 2)
        band.addLayout(exchange, 4, 0, 1, 2)
        self.band = QFrame()
        self.band.setObjectName("healthBand")
        self.band.setToolTip(EXPLANATION_TIP)
        self.band.setLayout(band)
        # Never narrower than its figures (the theme's min-width alone would let them clip).
        self.band.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.band_level: Level | None = None  # the level the badge is coloured by (None: none)

        # The worst pool's figures; our maintenance and the venue's side by side.
        grid = QGridLayout()
        grid.setVerticalSpacing(0)
        self.margin_balance = _figure(grid, 0, 0, "Margin balance")
        self.maintenance = _figure(grid, 0, 1, "Maintenance margin")
        self.exchange_maintenance = _figure(
            grid, 0, 2, "Exchange's maintenance", "the venue's own maintenance margin of this pool"
        )
        self.move_down = _figure(
            grid,
            1,
            0,
            "Move down to liquidation",
            "the fall of every mark at once that brings the pool to health 1.0; "
            "none: no fall, down to −100 %, does",
        )
        self.move_up = _figure(
            grid, 1, 1, "Move up to liquidation",
            "the rise of every mark at once that brings the pool to health 1.0; "
            "none: no rise, up to +1000 %, does",
        )  # fmt: skip
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
        self.collateral = QLabel()  # a single multi-asset pool's collateral
        self.collateral.setObjectName("collateralValue")
        self.collateral.setTextFormat(Qt.TextFormat.PlainText)
        self.collateral.setWordWrap(True)
        self.collateral.hide()
        self.pools_box = PoolList()  # every pool, shown when there are several

        right = QVBoxLayout()
        right.setSpacing(2)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(8)
        top.addWidget(self.unverified)
        top.addStretch(1)
        top.addWidget(BoxedLabel(self.state))  # its age moves on every second
        right.addLayout(top)
        right.addWidget(self.explanation)
        # Odds of liquidation and funding, once the risk job has them: two lines, each ending
        # in "…" where the header is too narrow for it.
        self.risk = ElidedLabel(RISK_TIP)
        self.risk.setObjectName("figureCaption")
        self.risk.hide()
        right.addWidget(self.risk)
        right.addLayout(grid)
        right.addStretch(1)
        # The badge and the figures, hidden while there is no account; drawn in the header's
        # colour (the themes' #headerFigures) and opaque, so a figure's tick repaints no more.
        self.figures = FilledWidget()
        self.figures.setObjectName("headerFigures")
        row = QHBoxLayout(self.figures)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(Boxed(self.band), 0, Qt.AlignmentFlag.AlignTop)  # its figures tick
        row.addLayout(right, 1)
        # An empty database: what to watch first, chosen by the trader (never a silent demo).
        self.first_run = FirstRunChooser()
        self.first_run.hide()
        layout = QVBoxLayout(self)
        layout.setSpacing(4)
        layout.addWidget(self.first_run)
        layout.addWidget(self.figures)
        layout.addWidget(self.collateral)
        layout.addWidget(self.pools_box)
        layout.addWidget(self.note)
        layout.addStretch(1)

    def health_text(self) -> str:
        return self.health.text()

    def move_text(self) -> str:
        """The large figure: the move that liquidates."""
        return self.move_figure.text()

    def pool_rows(self) -> list[list[str]]:
        """The compact pool list as shown, one row of POOL_COLUMNS texts per pool."""
        return self.pools_box.rows()

    def show_account(self, snap: AccountSnapshot | None, now: float) -> None:
        self._set_window_title(APP_TITLE if snap is None else f"{APP_TITLE} — {snap.label}")
        # Only a published snapshot without accounts says "None" here: before the service
        # answers, the header keeps its figures (unknown) and offers nothing.
        self.first_run.setVisible(snap is None)
        self.figures.setVisible(snap is not None)
        if snap is None:
            self.title.setText("no account")
            self.unverified.hide()
            self.pools_box.hide()
            self.collateral.hide()
            self._band(headline(None, None, now))
            return
        # Rendered on the service thread when published (header_render.py); here otherwise.
        shown = self.prerendered(snap, now) or render_header(snap, now)
        self.title.setText(shown.title)
        set_tip(self.title, shown.title)
        self.unverified.setVisible(not shown.verified)
        if not shown.verified:
            self.unverified.setToolTip(shown.unverified_tip)
        state, caption, line = shown.clocked
        self.state.setText(state)
        self.risk.setVisible(line is not None)
        if line is not None:
            self.risk.set_full_text(line)
        self._band(shown.band)
        for cell in self._available_cells:
            cell.setVisible(shown.available_shown)
        labels = (self.margin_balance, self.maintenance, self.available, self.move_down,
                  self.move_up)  # fmt: skip
        for label, text in zip(labels, shown.values, strict=True):
            label.setText(text)
        self.exchange.setText(shown.exchange)
        self.exchange_caption.setText(caption)
        self.exchange_maintenance.setText(shown.exchange_maintenance)
        self.collateral.setText(shown.collateral)
        self.collateral.setVisible(bool(shown.collateral))
        # Greyed as a whole, told only when that changes (asking each label whether it is
        # greyed at every tick was 1 % of the UI thread's instructions a refresh).
        if shown.current != self._current:
            self._current = shown.current
            for label in (*labels, self.exchange_maintenance, self.collateral):
                set_stale(label, not shown.current)
        self.pools_box.show_pools(snap if shown.several else None, shown.failing)
        self.note.setText(shown.note)
        set_tip(self.note, shown.note_tip)

    def _set_window_title(self, title: str) -> None:
        if title != self._window_title:
            self._window_title = title
            self.window_title.emit(title)

    def _band(self, shown: Headline) -> None:
        self.move_figure.setText(shown.move)
        self.band_caption.setText(shown.move_caption)
        self.health.setText(shown.health)
        self.pace.setText(shown.pace)
        self.pace.setVisible(bool(shown.pace))
        self.venue_ratio.setText(shown.venue)
        set_tip(self.venue_ratio, shown.venue_tip)
        self.venue_ratio.setVisible(bool(shown.venue))
        self.band_level = shown.level
        style = (
            f"#healthBand {{ background-color: {shown.colour}; border-radius: 6px; }}"
            f" #healthBand QLabel {{ background-color: {shown.colour}; }}"  # FilledLabel
        )
        if self.band.styleSheet() != style:  # a new style sheet restyles the band: only on change
            self.band.setStyleSheet(style)

    def band_colour(self) -> str:
        """The badge's background colour as set (for checks)."""
        style = self.band.styleSheet()
        return style.split("background-color: ", 1)[1].split(";", 1)[0] if style else ""
