"""The main window and `run_app`: layout and settings; rendering lives in presenter.py,
commands in commands.py, the menu bar in main_menu.py, so this file only wires them together."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from monitor.service.api import ExchangeInfo, ServiceApi
from monitor.ui.account_columns import AccountColumns
from monitor.ui.account_header import AccountHeader
from monitor.ui.accounts_model import AccountsModel
from monitor.ui.after_paint import after_next_paint
from monitor.ui.alert_banner import AlertBanner
from monitor.ui.alert_channels import AlertSounds, TrayNotifier, app_icon
from monitor.ui.alerts_panel import AlertsPanel
from monitor.ui.boxed_label import BoxedLabel
from monitor.ui.chart_slot import ChartSlot
from monitor.ui.column_fit import ColumnFit
from monitor.ui.commands import Commands
from monitor.ui.demo import DemoControls
from monitor.ui.first_size import DESIGNED, first_size
from monitor.ui.hub import ServiceHub
from monitor.ui.keyed_table import KEY_ROLE
from monitor.ui.main_menu import MainMenu
from monitor.ui.positions_model import (
    DISTANCE_COLUMN,
    DROP_ORDER,
    KEY_COLUMNS,
    POOL_COLUMN,
    PositionsModel,
)
from monitor.ui.presenter import SnapshotPresenter, Views
from monitor.ui.settings import WindowSettings
from monitor.ui.status_bar import ElidingStatusBar
from monitor.ui.table_view import SortProxy, sortable_view
from monitor.ui.theme import apply_theme
from monitor.ui.totals import TotalsBar, with_totals
from monitor.ui.whatif_panel import WhatIfPanel

_SPLITTERS = ("main", "right")


def _chart(name: str) -> QWidget:
    from monitor.ui import charts  # pyqtgraph: imported after the first paint, see chart_slot

    widget: QWidget = getattr(charts, name)()
    return widget


class MainWindow(QMainWindow):
    def __init__(
        self,
        service: ServiceApi,
        *,
        theme: str | None = None,
        settings_path: str | Path | None = None,
        exchange_catalog: Callable[[], list[ExchangeInfo]] | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("Margin Monitor")
        self.settings = WindowSettings(settings_path)
        # An explicit theme wins; otherwise the one saved last time, else dark.
        self.theme = theme or self.settings.theme("dark")
        self.accounts_model = AccountsModel(self)
        self.positions_model = PositionsModel(self)
        self.accounts_view = sortable_view(SortProxy(self.accounts_model))
        self.positions_view = sortable_view(SortProxy(self.positions_model))
        self.header = AccountHeader()
        self.header.window_title.connect(self.setWindowTitle)  # "[SIMULATED] demo" shows there too
        self.totals = TotalsBar()
        self.whatif = WhatIfPanel()
        self.history_chart = ChartSlot(partial(_chart, "HealthHistoryChart"))
        self.stress_chart = ChartSlot(partial(_chart, "StressChart"))
        self.ladder_chart = ChartSlot(partial(_chart, "LadderChart"))
        self.alerts = AlertsPanel()
        self.banner = AlertBanner()
        self.sounds = AlertSounds(self, muted=self.settings.muted())
        self.tray = TrayNotifier(self, app_icon())
        self.status_label = QLabel("waiting for the service…")
        # Permanent: a transient message (an alert) must not hide the service's state.
        # Boxed: its text changes at every refresh, and a status bar label re-lays out the
        # whole window (see BoxedLabel).
        self.setStatusBar(ElidingStatusBar())  # a long message ends in "…" before it
        self.statusBar().addPermanentWidget(BoxedLabel(self.status_label))

        self.presenter = SnapshotPresenter(
            Views(
                accounts=self.accounts_model,
                positions=self.positions_model,
                header=self.header,
                whatif=self.whatif,
                history=self.history_chart,
                stress=self.stress_chart,
                ladder=self.ladder_chart,
                status=self.status_label.setText,
            )
        )
        self.hub = ServiceHub(service, self)
        self.commands = Commands(self.hub, self.presenter, self, exchange_catalog)
        self._build_layout()
        self.menu = MainMenu(self)
        self.demo = DemoControls(self)  # first-run chooser, Account ▸ Remove demo
        self._splitters_restored = False
        self._charts_asked = False
        self._lent = {1: 0, 2: 0}  # height the header's pane took from the table and the tabs
        self._fitting = False
        self._accounts_widest = self.accounts_model.widest
        self._connect()
        self._default_sorts()
        self._restore()
        self.set_theme(self.theme)

    # ---- construction ------------------------------------------------------------------
    def _build_layout(self) -> None:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.accounts_view, 1)
        buttons = QHBoxLayout()
        for text, slot in (
            ("+ Manual", self.commands.new_manual_account),
            ("+ Exchange", self.commands.add_exchange_account),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        left_layout.addLayout(buttons)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.whatif, "What-if")
        self.tabs.addTab(self.stress_chart, "Stress curve")
        self.tabs.addTab(self.ladder_chart, "Liquidation ladder")
        self.tabs.addTab(self.history_chart, "Health history")
        self.tabs.addTab(self.alerts, "Alerts")

        self.splitters = {name: QSplitter() for name in _SPLITTERS}
        right = self.splitters["right"]
        right.setOrientation(Qt.Orientation.Vertical)
        top = self.header_pane = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.banner)
        top_layout.addWidget(self.header, 1)
        right.addWidget(top)
        right.addWidget(with_totals(self.positions_view, self.totals))
        right.addWidget(self.tabs)
        right.setSizes([150, 380, 330])  # the table first: ten rows at 1280×800
        main = self.splitters["main"]
        main.addWidget(left)
        main.addWidget(right)
        main.setStretchFactor(1, 1)
        main.setSizes([320, 1240])
        # Every column of the account list inside its pane, Health and Data never hidden.
        self.account_columns = AccountColumns(self.accounts_view, main, 0)
        self.setCentralWidget(main)
        self.resize(DESIGNED)

    def _default_sorts(self) -> None:
        # Accounts by name; positions nearest to liquidation first.
        self.accounts_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.positions_view.sortByColumn(DISTANCE_COLUMN, Qt.SortOrder.AscendingOrder)
        # Survival columns always on screen; the Pool column only for an account with pools.
        self.column_fit = ColumnFit(self.positions_view, KEY_COLUMNS, DROP_ORDER)
        self.column_fit.set_off(POOL_COLUMN, True)
        # Fit columns when rows arrive, not on every tick (ResizeToContents would re-measure
        # every cell on each dataChanged). The account list's: see AccountColumns.
        view = self.positions_view
        view.model().rowsInserted.connect(lambda *_: view.resizeColumnsToContents())
        view.model().modelReset.connect(lambda: view.resizeColumnsToContents())

    def _connect(self) -> None:
        self.hub.snapshot_received.connect(self.presenter.on_snapshot)
        # Rows rendered and drawn off this thread; the tables copy the drawn ones.
        self.hub.prepare_with(self.presenter.ahead.publish)
        self.positions_view.row_images = self.presenter.ahead.positions
        self.accounts_view.row_images = self.presenter.ahead.accounts
        self.hub.event_received.connect(self.alerts.add)
        self.hub.event_received.connect(self.banner.on_event)
        self.hub.event_received.connect(self.sounds.on_event)
        self.hub.event_received.connect(self.tray.on_event)
        self.banner.acknowledge.connect(self.commands.acknowledge)
        self.banner.snooze.connect(self.commands.snooze)
        self.hub.event_received.connect(lambda e: self.statusBar().showMessage(e.message, 8000))
        self.accounts_view.selectionModel().selectionChanged.connect(self._account_selected)
        self.splitters["right"].splitterMoved.connect(self._splitter_moved)
        self.positions_view.doubleClicked.connect(lambda _: self.edit_selected_position())
        self.whatif.toggled.connect(self.commands.set_hypothetical)
        self.whatif.add_requested.connect(lambda: self.commands.edit_position(True))
        self.whatif.edit_requested.connect(lambda pid: self.commands.edit_position(True, pid))
        self.whatif.delete_requested.connect(self.commands.delete_position)
        self.alerts.acknowledge.connect(self.commands.acknowledge)
        self.presenter.rendered.connect(self._after_render)
        self.positions_model.totals_changed.connect(self.totals.show_totals)
        self.presenter.history_wanted.connect(self.commands.load_history)
        self.tabs.currentChanged.connect(lambda _: self.presenter.render_charts())

    def _account_selected(self, selected: QItemSelection, _: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self.presenter.select(indexes[0].data(KEY_ROLE))

    def _after_render(self) -> None:
        if not self._charts_asked and self._live_figures():
            self._charts_asked = True  # pyqtgraph, once live figures are on screen
            after_next_paint(self.header, self._build_charts)
        self.column_fit.set_off(POOL_COLUMN, not self.positions_model.several_pools)
        self._fit_header()
        widest = self.accounts_model.widest
        if any(now > before for now, before in zip(widest, self._accounts_widest, strict=True)):
            self.account_columns.fit()  # a badge grew ("· 2 pools"), an age got a digit more
        self._accounts_widest = widest
        if self.presenter.latest is not None:
            names = {a.account_id: a.label for a in self.presenter.latest.accounts}
            self.alerts.model.set_account_names(names)
        if not self.accounts_view.selectionModel().hasSelection():
            self._select_row_of(self.presenter.selected_id)

    def _live_figures(self) -> bool:
        """Figures the service read (or typed ones): the charts' build (a third of a second on
        this thread) would hold back the stored book's paint and the start of the service
        behind it. A chart's tab shown before then builds its own."""
        latest = self.presenter.latest
        return latest is not None and any(a.known for a in latest.accounts)

    def _fit_header(self) -> None:
        """Fit the header's pane to its content (several pools, a banner): a splitter keeps
        its sizes, and would squeeze the figures over each other. The room is taken from the
        tabs, then the table, never below their own minimums, and given back when the header
        needs less again (another account); a splitter the trader moves is theirs."""
        splitter = self.splitters["right"]
        top = self.header_pane
        if not self.isVisible():
            return
        need = top.minimumSizeHint().height()
        if top.hasHeightForWidth():  # the banner's wrapped message: its height at this width
            need = max(need, top.heightForWidth(top.width()))
        sizes = splitter.sizes()
        short = need - sizes[0]
        if short > 0:
            for i, pane in ((2, self.tabs), (1, self.positions_view)):
                take = min(max(0, sizes[i] - pane.minimumSizeHint().height()), short)
                sizes[i] -= take
                sizes[0] += take
                self._lent[i] += take
                short -= take
        elif short < 0 and any(self._lent.values()):
            for i in (2, 1):
                back = min(self._lent[i], -short)
                sizes[i] += back
                sizes[0] -= back
                self._lent[i] -= back
                short += back
        else:
            return
        self._fitting = True
        splitter.setSizes(sizes)
        self._fitting = False

    def _splitter_moved(self) -> None:
        if not self._fitting:
            self._lent = {1: 0, 2: 0}  # the trader's own sizes: nothing to give back

    def _select_row_of(self, account_id: int | None) -> None:
        proxy = self.accounts_view.model()
        for row in range(proxy.rowCount()):
            if proxy.index(row, 0).data(KEY_ROLE) == account_id:
                self.accounts_view.selectRow(row)
                return

    # ---- position actions on the table selection ------------------------------------
    def selected_position_id(self) -> tuple[int | None, bool]:
        index = self.positions_view.currentIndex()
        if not index.isValid():
            return None, False
        source = self.positions_view.model().mapToSource(index)  # type: ignore[attr-defined]
        row = self.positions_model.position_row(source.row())
        if row is None:
            return None, False
        return row.ref.position_id, row.hypothetical

    def edit_selected_position(self) -> None:
        position_id, hypothetical = self.selected_position_id()
        if position_id is not None:  # live exchange rows are not editable
            self.commands.edit_position(hypothetical, position_id)

    def delete_selected_position(self) -> None:
        position_id, _ = self.selected_position_id()
        if position_id is not None:
            self.commands.delete_position(position_id)

    # ---- theme and settings ------------------------------------------------------------
    def set_muted(self, muted: bool) -> None:
        self.sounds.muted = muted
        self.settings.set_muted(muted)

    def set_theme(self, name: str) -> None:
        self.theme = name if name in ("dark", "light") else "dark"
        app = QApplication.instance()
        if isinstance(app, QApplication):
            palette = apply_theme(app, self.theme)
            for chart in (self.history_chart, self.stress_chart, self.ladder_chart):
                chart.set_background(palette.background)
        self.menu.theme_actions[self.theme].setChecked(True)
        self.settings.set_theme(self.theme)

    def _restore(self) -> None:
        geometry = self.settings.blob("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        elif (screen := self.screen()) is not None:
            self.resize(first_size(screen.availableGeometry()))

    def showEvent(self, event: QShowEvent) -> None:
        # Splitters are restored once the restored geometry has taken effect; before that
        # their sizes would be rescaled from the default window size.
        if not self._splitters_restored:
            self._splitters_restored = True
            for name, splitter in self.splitters.items():
                state = self.settings.blob(f"splitter/{name}")
                if state is not None:
                    splitter.restoreState(state)
        super().showEvent(event)

    def _build_charts(self) -> None:
        for slot in (self.stress_chart, self.ladder_chart, self.history_chart):
            slot.chart()
        self.presenter.render_charts()

    def save_settings(self) -> None:
        self.settings.set_blob("geometry", self.saveGeometry())
        for name, splitter in self.splitters.items():
            self.settings.set_blob(f"splitter/{name}", splitter.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.presenter.timer.stop()
        self.hub.close()
        self.save_settings()
        super().closeEvent(event)


def run_app(
    service: ServiceApi, *, theme: str | None = None, settings_path: str | Path | None = None
) -> int:
    """Open the window on `service` and run Qt's event loop until it closes."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Margin Monitor")
    window = MainWindow(service, theme=theme, settings_path=settings_path)
    window.show()
    service.refresh(None)
    return int(app.exec())
