"""What the trader asks for (dialogs, switches, files), turned into ServiceApi calls.

Every call returns a Future at once; its outcome comes back on the GUI thread through the
hub, and a failure is reported in the status bar and the alerts panel — never swallowed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMainWindow, QMessageBox, QWidget

from monitor.contracts import MAX_INTERVAL, MIN_INTERVAL
from monitor.formats.portfolio import PortfolioError
from monitor.service.api import ExchangeInfo, ServiceEvent
from monitor.ui.account_dialog import ManualAccountDialog
from monitor.ui.exchange_dialog import ExchangeDialog
from monitor.ui.hub import ServiceHub, failure
from monitor.ui.portfolio_io import import_portfolio, write_export
from monitor.ui.position_dialog import PositionDialog
from monitor.ui.presenter import SnapshotPresenter
from monitor.ui.thresholds_dialog import ThresholdsDialog
from monitor.ui.whatif_panel import hypotheticals


class Commands(QObject):
    def __init__(
        self,
        hub: ServiceHub,
        presenter: SnapshotPresenter,
        window: QWidget,
        catalog: Callable[[], list[ExchangeInfo]] | None = None,
    ) -> None:
        super().__init__(window)
        self.hub = hub
        self.service = hub.service
        self.presenter = presenter
        self.window = window
        self._catalog_loader = catalog
        self._catalog: Future[list[ExchangeInfo]] | None = None
        self._market_marks: dict[int, dict[str, float]] = {}

    # ---- plumbing ----------------------------------------------------------------------
    def _report(self, message: str) -> None:
        self.hub.event_received.emit(
            ServiceEvent("command_error", self.presenter.selected_id, message, time.time())
        )

    def _check(self, what: str) -> Callable[[Future[Any]], None]:
        def done(future: Future[Any]) -> None:
            reason = failure(future)
            if reason is not None:
                self._report(f"{what} failed: {reason}")

        return done

    def _call(self, what: str, future: Future[Any]) -> Future[Any]:
        self.hub.when_done(future, self._check(what))
        return future

    # ---- positions ---------------------------------------------------------------------
    def position_dialog(self, hypothetical: bool, position_id: int | None = None) -> PositionDialog:
        snap = self.presenter.selected()
        existing = None
        if snap is not None and position_id is not None:
            rows = [p for pid, p, _ in hypotheticals(snap) if pid == position_id]
            rows += [
                p
                for pool in snap.pools
                for p, r in zip(pool.account.positions, pool.refs, strict=False)
                if r.position_id == position_id
            ]
            existing = rows[0] if rows else None
        dialog = PositionDialog(
            snap.account if snap else None,
            pools=tuple(p.account for p in snap.pools) if snap else (),
            hypothetical=hypothetical,
            existing=existing,
            warning_health=snap.thresholds.warning if snap else 2.0,
            warning_move=snap.thresholds.move_warning if snap else 0.03,
            market_marks=self._market_marks.get(snap.account_id, {}) if snap else {},
            venue=(snap.marks_venue or snap.venue) if snap else None,
            parent=self.window,
        )
        if snap is not None:  # fresh marks for the venue's markets, into the open dialog
            self.load_markets(snap.account_id, dialog)
        return dialog

    def load_markets(self, account_id: int, dialog: PositionDialog | None = None) -> None:
        """The account's venue's perpetuals and marks, kept for the position dialog."""

        # Into the dialog unless it was closed: the list may arrive before the dialog is shown
        # (then isVisible() is still False, and the list must not be dropped).
        closed: list[bool] = []
        if dialog is not None:
            dialog.finished.connect(lambda _result: closed.append(True))

        def done(future: Future[Any]) -> None:
            if future.exception() is not None:
                return  # the dialog still offers the account's own markets
            self._market_marks[account_id] = future.result()
            if dialog is not None and not closed and shiboken6.isValid(dialog):
                dialog.set_market_marks(future.result())

        self.hub.when_done(self.service.market_marks(account_id), done)

    def refresh_marks(self) -> None:
        """A manual account's typed marks replaced by its venue's public marks (read on the
        service thread); the outcome in the status bar."""
        snap = self.presenter.selected()
        if snap is None or snap.marks_venue is None:
            self._report("select a manual account with a venue to refresh its marks from")
            return
        venue = snap.marks_venue
        future = self._call(
            f"refreshing {snap.name}'s marks from {venue}",
            self.service.refresh_marks(snap.account_id),
        )

        def done(f: Future[Any]) -> None:
            if failure(f) is None and isinstance(self.window, QMainWindow):
                self.window.statusBar().showMessage(
                    f"{snap.name}: {len(f.result())} marks read from {venue}", 15_000
                )

        self.hub.when_done(future, done)

    def edit_position(self, hypothetical: bool, position_id: int | None = None) -> None:
        snap = self.presenter.selected()
        if snap is None:
            return
        dialog = self.position_dialog(hypothetical, position_id)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_position is not None:
            self.save_position(snap.account_id, dialog.result_position, position_id)

    def save_position(self, account_id: int, position: Any, position_id: int | None) -> None:
        self._call(
            "saving the position", self.service.save_position(account_id, position, position_id)
        )

    def delete_position(self, position_id: int) -> None:
        snap = self.presenter.selected()
        if snap is not None:
            self._call(
                "deleting the position", self.service.delete_position(snap.account_id, position_id)
            )

    def set_hypothetical(self, position_id: int, enabled: bool) -> None:
        snap = self.presenter.selected()
        if snap is not None:
            self._call(
                "switching the what-if",
                self.service.set_hypothetical_enabled(snap.account_id, position_id, enabled),
            )

    # ---- accounts ----------------------------------------------------------------------
    def new_manual_account(self) -> None:
        dialog = ManualAccountDialog(self.window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._call(
                "creating the account",
                self.service.create_manual_account(
                    dialog.name.text().strip(),
                    dialog.wallet_balance() or 0.0,
                    dialog.collateral.text().strip() or None,
                    dialog.venue.text().strip() or None,
                ),
            )

    def catalog(self) -> Future[list[ExchangeInfo]]:
        """The exchanges the service can read: asked once, answered off the UI thread."""
        if self._catalog is None:
            if self._catalog_loader is None:
                self._catalog = self.service.exchange_catalog()
            else:
                pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="exchange-catalog")
                self._catalog = pool.submit(self._catalog_loader)
                pool.shutdown(wait=False)
        return self._catalog

    def add_exchange_account(self) -> ExchangeDialog:
        """The dialog stores the account itself (through the service) and stays open, with
        the reason beside the field, until that succeeds or the trader cancels."""
        dialog = ExchangeDialog(
            self.catalog(),
            self.hub.when_done,
            self.service.test_connection,
            self.window,
            save=lambda name, settings, keys, storage: self.service.add_exchange_account(
                name, settings, keys, storage
            ),
            key_options=self.service.key_storage_options(),
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def edit_exchange_account(self) -> None:
        snap = self.presenter.selected()
        if snap is None or snap.kind != "exchange":
            self._report("select an exchange account to edit")
            return
        self.hub.when_done(
            self.service.exchange_settings(snap.account_id),
            lambda f: self._edit_with(snap.account_id, snap.name, f),
        )

    def _edit_with(self, account_id: int, name: str, future: Future[Any]) -> None:
        if future.exception() is not None:
            self._report(f"editing {name}: {future.exception()}")
            return

        def save(_name: str, settings: Any, keys: Any, storage: Any) -> Future[Any]:
            keep = not (keys.api_key or keys.secret or keys.password)  # the stored keys stay
            return self.service.update_exchange_account(
                account_id, settings, None if keep else keys, storage
            )

        dialog = ExchangeDialog(
            self.catalog(),
            self.hub.when_done,
            self.service.test_connection,
            self.window,
            save=save,
            key_options=self.service.key_storage_options(),
        )
        dialog.edit(name, future.result())
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def edit_thresholds(self) -> None:
        snap = self.presenter.selected()
        if snap is None:
            return
        dialog = ThresholdsDialog(snap.name, snap.thresholds, self.window)
        limits = dialog.thresholds() if dialog.exec() == QDialog.DialogCode.Accepted else None
        if limits is not None:
            self._call(
                f"setting {snap.name}'s thresholds",
                self.service.set_thresholds(snap.account_id, limits),
            )

    def edit_interval(self) -> None:
        snap = self.presenter.selected()
        if snap is None:
            return
        seconds, ok = QInputDialog.getDouble(
            self.window,
            f"Refresh interval — {snap.name}",
            f"Read the venue every (seconds, {MIN_INTERVAL:g}–{MAX_INTERVAL:g}; live marks "
            "stream in between where the venue streams them):",
            snap.interval,
            MIN_INTERVAL,
            MAX_INTERVAL,
            1,
        )
        if ok:
            self._call(
                f"setting {snap.name}'s refresh interval",
                self.service.set_interval(snap.account_id, seconds),
            )

    def play_crash(self) -> None:
        """The simulated venue plays a crash through the selected (simulated) account."""
        snap = self.presenter.selected()
        if snap is None:
            return
        future = self._call("playing a crash", self.service.play_crash(snap.account_id))

        def started(f: Future[Any]) -> None:
            if failure(f) is None and isinstance(self.window, QMainWindow):
                self.window.statusBar().showMessage(
                    f"Crash playing on {snap.name}: warning, critical and liquidation within a "
                    f"minute; the marks recover after {f.result():.0f} s",
                    15_000,
                )

        self.hub.when_done(future, started)

    def remove_account(self) -> None:
        snap = self.presenter.selected()
        if snap is None:
            return
        answer = QMessageBox.question(
            self.window, "Remove account", f"Remove {snap.name} and its positions?"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._call("removing the account", self.service.remove_account(snap.account_id))

    def refresh(self) -> None:
        self.service.refresh(None)

    # ---- files -------------------------------------------------------------------------
    def import_file(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self.window, "Import portfolio", "", "Portfolio (*.json)"
            )
        if not path:
            return
        try:
            import_portfolio(path, self.service, self.hub.when_done, self._report)
        except PortfolioError as exc:
            QMessageBox.warning(self.window, "Import failed", str(exc))

    def export_file(self, path: str | None = None) -> None:
        snap = self.presenter.selected()
        if snap is None:
            return
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self.window, "Export portfolio", f"{snap.name}.json", "Portfolio (*.json)"
            )
        if not path:
            return
        try:
            write_export(path, [snap])
        except (OSError, ValueError) as exc:
            self._report(f"export failed: {exc}")

    def acknowledge(self, alert_id: int) -> None:
        self._call("acknowledging the alert", self.service.acknowledge_alert(alert_id))

    def snooze(self, account_id: int, position_key: str | None, seconds: float) -> None:
        self._call("snoozing the alert", self.service.snooze(account_id, position_key, seconds))

    def load_history(self, account_id: int, hours: float = 24.0) -> None:
        """The account's stored health history, into the chart when it arrives."""
        future = self.service.health_history(account_id, time.time() - hours * 3600)

        def done(f: Future[Any]) -> None:
            if f.exception() is None:
                t, h = f.result()
                self.presenter.seed_history(account_id, t, h)

        self.hub.when_done(future, done)
