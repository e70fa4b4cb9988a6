"""`margin-monitor` with no command: the window. With `--demo` it opens on the simulated venue's
demo account, so it shows something at once; an empty database opens on the window's first-run
choice (the demo, an exchange account or a manual one), never on a demo made silently."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Taken when the command line is first imported: start-up time is measured from here.
PROCESS_START = time.monotonic()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demo", action="store_true", help="add the simulated venue's demo account and watch it"
    )
    parser.add_argument("--theme", choices=("dark", "light"), default=None, help="colour theme")
    parser.add_argument(
        "--viewer",
        action="store_true",
        help="window: show what the collectors on a shared PostgreSQL database write, polling "
        "nothing (the default there whenever a collector is running)",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the window on the demo, wait for the first paint and data, print the "
        "times and exit (for packaging checks)",
    )


def run(args: argparse.Namespace) -> int:
    """Paint the window first; open the database and start the service behind it."""
    from monitor.commands.stored_book_read import StoredBookRead
    from monitor.service.deferred import DeferredService
    from monitor.ui.switch_interval import hand_over_sooner

    hand_over_sooner()  # before the threads start: see switch_interval.py
    if args.smoke_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    service = DeferredService()
    # The stored book is read now, beside the window's own imports, so that it is there for
    # the window's first frames (read after them, it came half a second after the paint).
    stored_book = StoredBookRead(service, args.db)
    from PySide6.QtWidgets import QApplication

    from monitor.commands.start_gate import StartGate

    app = QApplication.instance() or QApplication(sys.argv)
    starter = Starter(
        service,
        args.db,
        demo=args.demo or args.smoke_test,
        viewer=getattr(args, "viewer", False),
        risk=not args.smoke_test,  # the smoke test times the start, not the paths
        stored_book=stored_book.thread,
    )
    # The service (ccxt, SQLAlchemy's ORM, the venues) starts once the window has painted
    # the stored book: its imports would otherwise compete with that paint (start_gate.py).
    gate = StartGate(app, starter.start)
    stored_book.when_done(gate.book_read.emit)
    try:
        if args.smoke_test:
            return _smoke(service, args.theme)
        from monitor.ui.app import run_app

        return run_app(service, theme=args.theme)
    finally:
        stored_book.forget()  # a read still under way tells no one: its gate goes now
        starter.stop()


class Starter:
    """Opens the database and starts the service off the GUI thread. A database that cannot be
    used (corrupt, newer, locked, unreachable) brings a dialog naming it that offers another;
    the failed one is left as it is."""

    def __init__(
        self,
        service: Any,
        db: str | None,
        *,
        demo: bool,
        ask: Callable[[str, str], str | None] | None = None,
        viewer: bool = False,
        risk: bool = False,
        stored_book: threading.Thread | None = None,
    ) -> None:
        """`risk`: run the background probability-of-liquidation and funding job.
        `stored_book`: the thread already showing the stored book (else the start shows it)."""
        from PySide6.QtCore import QObject, Qt, Signal, Slot

        class Bridge(QObject):
            """Lives on the GUI thread: the start thread's news reaches the dialog through a
            queued signal, never by touching widgets from another thread."""

            trouble = Signal(str, str)  # where (no password), reason

            def __init__(self, handle: Callable[[str, str], None]) -> None:
                super().__init__()
                self._handle = handle
                self.trouble.connect(self.relay, Qt.ConnectionType.QueuedConnection)

            @Slot(str, str)
            def relay(self, where: str, reason: str) -> None:
                self._handle(where, reason)

        self.service = service
        self.db = db
        self.demo = demo
        self.viewer = viewer  # else a viewer anyway when a collector is live on the database
        self.risk = risk
        self._stored_book = stored_book
        self.sessions: list[Any] = []
        self._threads: list[threading.Thread] = []
        self._ask = ask or _ask_in_a_dialog
        self._bridge = Bridge(self._on_trouble)

    def start(self) -> None:
        thread = threading.Thread(target=self._open, name="monitor-start", daemon=True)
        self._threads.append(thread)
        thread.start()

    def stop(self) -> None:
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout=30)
        for session in self.sessions:
            session.stop()

    def _open(self) -> None:
        from monitor.store.errors import StoreError

        if self._stored_book is None:
            self._show_stored_book()
        else:  # its reads before the service's imports (ccxt: a second), not beside them
            self._stored_book.join()
        try:
            from monitor.service.session import MonitorSession

            session = MonitorSession(
                self.db, demo=self.demo, viewer=self.viewer or None, risk=self.risk
            )
            self.sessions.append(session)
            self.service.bind(session.start())
            from monitor.service.heap import settle_heap

            settle_heap()  # the window and the service are built: see heap.py
        except StoreError as exc:
            from monitor.redact import without_password
            from monitor.store.location import resolve_url

            self.service.fail(exc, time.time())
            self._bridge.trouble.emit(without_password(resolve_url(self.db)), str(exc))
        except Exception as exc:  # shown in the window; the window stays usable
            self.service.fail(exc, time.time())

    def _show_stored_book(self) -> None:
        from monitor.commands.stored_book_read import show_stored_book

        show_stored_book(self.service, self.db)

    def _on_trouble(self, where: str, reason: str) -> None:
        """On the GUI thread: ask for another database, or quit."""
        chosen = self._ask(where, reason)
        if chosen is None:
            from PySide6.QtWidgets import QApplication

            app = QApplication.instance()
            if app is not None:
                app.quit()
            return
        self.db = chosen
        self.service.retry()
        self.start()


def _ask_in_a_dialog(where: str, reason: str) -> str | None:
    from PySide6.QtWidgets import QApplication

    from monitor.ui.database_dialog import ask_for_database

    return ask_for_database(where, reason, QApplication.activeWindow())


def _smoke(service: object, theme: str | None) -> int:
    """Open the window, wait (by events, with a deadline) for a painted frame and for known
    figures in the header, then close."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from monitor.ui.app import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    # A check must not change the trader's saved window layout.
    scratch = tempfile.TemporaryDirectory(prefix="margin-monitor-smoke-")
    window = MainWindow(service, theme=theme, settings_path=Path(scratch.name) / "window.ini")  # type: ignore[arg-type]
    times: dict[str, float] = {}
    # An exception in any slot (a chart that fails to build, say) fails the smoke test.
    errors: list[str] = []
    previous_hook = sys.excepthook

    def record(kind: type[BaseException], exc: BaseException, tb: object) -> None:
        errors.append(f"{kind.__name__}: {exc}")
        previous_hook(kind, exc, tb)  # type: ignore[arg-type]

    sys.excepthook = record

    class PaintWatch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if "paint" in times:  # off, widget by widget, once seen: every event of every
                obj.removeEventFilter(self)  # widget through Python slowed the start it times
            elif event.type() == QEvent.Type.Paint:
                times["paint"] = time.monotonic() - PROCESS_START
            return False

    watch = PaintWatch()
    window.installEventFilter(watch)
    for child in window.findChildren(QObject):
        child.installEventFilter(watch)

    def known_figures() -> bool:
        latest = getattr(window.presenter, "latest", None)
        shown = window.header.health_text()
        return bool(latest and any(a.known for a in latest.accounts) and shown not in ("", "—"))

    def seen() -> None:
        if "stored" not in times and window.header.health_text() not in ("", "—"):
            times["stored"] = time.monotonic() - PROCESS_START  # the last book, or fresh
        if "data" not in times and known_figures():
            times["data"] = time.monotonic() - PROCESS_START

    def check() -> None:
        seen()
        if "paint" in times and "data" in times:
            window.close()
            app.quit()

    window.presenter.rendered.connect(seen)  # as they are drawn; the poll below ends the test
    poll = QTimer()
    poll.timeout.connect(check)
    poll.start(20)
    QTimer.singleShot(30_000, app.quit)  # the deadline: a bundle that never shows data fails
    window.show()
    service.refresh(None)  # type: ignore[attr-defined]
    app.exec()
    poll.stop()
    sys.excepthook = previous_hook
    if "paint" not in times or "data" not in times or errors:
        print(f"smoke test failed: {times} {errors}", file=sys.stderr)
        return 1
    # Also as epoch seconds, so a caller can measure from before the process started.
    offset = time.time() - time.monotonic()
    print(
        f"first paint {times['paint']:.2f} s, first figures {times['stored']:.2f} s, "
        f"first data {times['data']:.2f} s "
        f"(painted at {PROCESS_START + offset + times['paint']:.3f}, "
        f"data at {PROCESS_START + offset + times['data']:.3f}, "
        f"figures at {PROCESS_START + offset + times['stored']:.3f}); "
        f"window {window.width()}x{window.height()}"
    )
    return 0
