"""`margin-monitor` with no command: the window. On a first run (an empty database) or with
`--demo` it opens on the simulated venue's demo account, so it shows something at once."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

# Taken when the command line is first imported: start-up time is measured from here.
PROCESS_START = time.monotonic()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demo", action="store_true", help="add the simulated venue's demo account and watch it"
    )
    parser.add_argument("--theme", choices=("dark", "light"), default=None, help="colour theme")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the window on the demo, wait for the first paint and data, print the "
        "times and exit (for packaging checks)",
    )


def run(args: argparse.Namespace) -> int:
    """Paint the window first; open the database and start the service behind it."""
    from monitor.service.deferred import DeferredService

    if args.smoke_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    service = DeferredService()
    sessions: list[object] = []

    def start() -> None:
        try:
            from monitor.service.session import MonitorSession

            session = MonitorSession(
                args.db, demo=args.demo or args.smoke_test, demo_on_first_run=True
            )
            sessions.append(session)
            service.bind(session.start())
        except Exception as exc:  # shown in the window; the window stays usable
            service.fail(exc, time.time())

    starter = threading.Thread(target=start, name="monitor-start", daemon=True)
    # Start the service once the window has had its first frame: the imports behind it
    # (ccxt, SQLAlchemy) would otherwise compete with the window for the interpreter.
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    QTimer.singleShot(50, app, starter.start)
    try:
        if args.smoke_test:
            return _smoke(service, args.theme)
        from monitor.ui.app import run_app

        return run_app(service, theme=args.theme)
    finally:
        if starter.is_alive():
            starter.join(timeout=30)
        for session in sessions:
            session.stop()  # type: ignore[attr-defined]


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
            if event.type() == QEvent.Type.Paint and "paint" not in times:
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

    def check() -> None:
        if "data" not in times and known_figures():
            times["data"] = time.monotonic() - PROCESS_START
        if "paint" in times and "data" in times:
            window.close()
            app.quit()

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
        f"first paint {times['paint']:.2f} s, first data {times['data']:.2f} s "
        f"(painted at {PROCESS_START + offset + times['paint']:.3f}, "
        f"data at {PROCESS_START + offset + times['data']:.3f})"
    )
    return 0
