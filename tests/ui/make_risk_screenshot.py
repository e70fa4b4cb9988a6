"""The README's risk screenshot (run by hand, not a test):

    xvfb-run -a -s '-screen 0 1920x1080x24' .venv/bin/python -m tests.ui.make_risk_screenshot OUT

The demo on a real session with the background risk job (10,000 paths on the simulated venue's
week of candles): once its figures arrive, the header's odds of liquidation and funding, and the
stress chart's 24 h move band.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from monitor.service.session import MonitorSession
from monitor.ui.app import MainWindow


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "risk.sqlite").unlink(missing_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    session = MonitorSession(f"sqlite:///{out / 'risk.sqlite'}", demo=True, risk=True)
    service = session.start()
    theme = "light" if "--light" in sys.argv else "dark"
    window = MainWindow(service, settings_path=out / "risk.ini", theme=theme)
    window.resize(1280, 800)
    window.show()
    try:
        started = time.time()
        while not window.header.risk.isVisible():
            if time.time() - started > 240:
                raise TimeoutError("no risk figures within 4 minutes")
            pump(500)
        print(f"risk figures after {time.time() - started:.1f} s: {window.header.risk.full_text()}")
        window.tabs.setCurrentWidget(window.stress_chart)
        pump(1500)
        window.grab().save(str(out / "risk.png"))
    finally:
        window.close()
        session.stop()
        app.quit()


if __name__ == "__main__":
    main(Path(next((a for a in sys.argv[1:] if not a.startswith("--")), "screenshots")))
