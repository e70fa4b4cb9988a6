"""The UI bench's refresh loop, run under valgrind's callgrind by test_ui_instructions_bench.py:

    valgrind --tool=callgrind --instr-atstart=no --separate-threads=yes \\
        python -m tests.bench.ui_refresh_loop TAB REFRESHES

The window, its service and the snapshots as test_ui_bench builds them (20 accounts × 25
positions, every mark moving each refresh, rows rendered on another thread, untimed). Counting
is switched on (callgrind_control) for the refreshes only, and the counts dumped ("refresh"),
then for as many repaints of a bare main window of the same size ("floor"), dumped again.
Exits without tearing down (the interpreter's teardown is not counted either way).
The window's clock reads each snapshot's time as it comes (pin_clock): under valgrind a
refresh takes a few seconds, and on the wall clock every refresh would move the ages shown
(each row rendered again on this thread) where at full speed one in several does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault(
    "QT_QPA_PLATFORM",
    f"offscreen:configfile={Path(__file__).parents[1] / 'ui/screens/desktop-1920x1080.json'}",
)

from PySide6.QtWidgets import QApplication, QMainWindow

from monitor.service.heap import settle_heap
from monitor.service.monitor_service import MonitorService
from monitor.store.database import open_database
from monitor.ui.app import MainWindow
from tests.bench.test_ui_bench import _published, _snapshots, pin_clock

WARM_UP = 5


def _callgrind(*args: str) -> None:
    subprocess.run(["callgrind_control", *args, str(os.getpid())], check=True, capture_output=True)


def main(tab: str, refreshes: int) -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    tmp = Path(tempfile.mkdtemp(prefix="ui-instructions-"))
    snapshots = _snapshots(tmp, refreshes + WARM_UP)
    db = open_database(f"sqlite:///{tmp / 'window.sqlite'}")
    service = MonitorService(db)
    service.start()
    window = MainWindow(service, settings_path=tmp / "w.ini")
    window.show()
    while not (window.windowHandle() and window.windowHandle().isExposed()):
        app.processEvents()
    window.tabs.setCurrentWidget(getattr(window, tab))
    bare = QMainWindow()
    bare.resize(window.size())
    bare.show()
    presenter = window.presenter
    presenter.timer.stop()  # render by hand
    clock = pin_clock(presenter)
    window.activateWindow()  # before counting: its activation changes how rows are drawn
    for _ in range(500):
        if window.isActiveWindow():
            break
        app.processEvents()
    for snap in snapshots[:WARM_UP]:
        clock.now = snap.taken_at
        _published(presenter.ahead.publish, snap)
        presenter.on_snapshot(snap)
        presenter.render()
        app.processEvents()
    settle_heap()
    _callgrind("--instr=on")
    for snap in snapshots[WARM_UP:]:
        clock.now = snap.taken_at
        _published(presenter.ahead.publish, snap)  # on another thread, counted apart
        presenter.on_snapshot(snap)
        presenter.render()
        app.processEvents()
    _callgrind("--dump=refresh")
    for _ in range(refreshes):
        bare.repaint()
    _callgrind("--dump=floor")
    _callgrind("--instr=off")
    print(f"done {window.width()}x{window.height()}", flush=True)
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
