"""The demo crash as a new user plays it (run by hand, not a test):

    xvfb-run -a -s '-screen 0 1280x800x24' .venv/bin/python -m tests.ui.make_crash_screenshot OUT

The app as `margin-monitor --demo` starts it (MonitorSession: a throw-away SQLite file, the
simulated venue in this process with its marks streaming), the window, then Account > Play
crash. Screenshots when the critical alert is up (crash-critical.png) and after the venue
liquidates (crash-liquidation.png); the alert times, from the venue's liquidation, printed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from monitor.service.api import ServiceEvent
from monitor.service.session import MonitorSession
from monitor.sources.sim.venue import DEMO_CREDENTIALS
from monitor.ui.app import MainWindow
from tests.ui.make_screenshots import pump, pump_until


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    session = MonitorSession(f"sqlite:///{out / 'crash.sqlite'}", demo=True, webhooks=[])
    service = session.start()
    arrived: list[tuple[float, ServiceEvent]] = []
    service.subscribe(lambda _s: None, lambda e: arrived.append((time.monotonic(), e)))
    window = MainWindow(service, settings_path=out / "window.ini")
    window.resize(1280, 800)
    window.show()
    try:
        pump_until(lambda: (s := window.presenter.selected()) is not None and s.known, 30_000)
        pump(3000)  # the live marks stream connects
        window.commands.play_crash()

        def first(level: str) -> float | None:
            for at, e in list(arrived):
                alert = e.payload
                ringing = e.kind == "alert" and getattr(alert, "notify", False)
                if ringing and alert.level.name.lower() == level and alert.subject.isdigit():
                    return at
            return None

        pump_until(lambda: first("critical"), 90_000)
        pump(1500)
        app.processEvents()
        window.grab().save(str(out / "crash-critical.png"))
        pump_until(lambda: first("liquidation"), 60_000)
        pump(1500)
        window.grab().save(str(out / "crash-liquidation.png"))
        assert session.venue is not None
        liquidated = session.venue.venue.liquidated_at(DEMO_CREDENTIALS.api_key, "USDT")
        print(f"venue liquidated the demo's USDT pool: {liquidated is not None}")
        for at, e in arrived:
            if e.kind == "alert" and getattr(e.payload, "notify", False):
                since = f"{at - liquidated:+6.1f} s" if liquidated else "   ?"
                print(f"{since}  {e.message}")
    finally:
        window.close()
        session.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
