"""UI-thread cost of one refresh (20 accounts × 25 positions) and time to a painted window.

Targets: a refresh, with the paint it causes, costs the UI thread at most 4 ms on every tab
(issue 11; p95 within a frame, 16 ms); first paint under a second (issue 5). Refresh: the
window runs on the real MonitorService and the timed snapshots are built the service's way
(recompute.build_snapshot) from real SQLite store records, every mark moving each refresh;
each is published as the window's hub does, its rows rendered on another thread (untimed: the
service thread's) before the UI thread gets it. The history tab twice: with the refreshes'
points alone, and with a day of points behind them (a window left open that long); the what-if
tab twice: alone, and beside a thread running Python all the while (switch_interval.py; run
with BENCH_DEFAULT_SWITCH_INTERVAL=1 for Python's default interval instead of the app's).
The window is exposed before timing: an unexposed window paints nothing. Printed
with each tab's figures (run with -s), to read them against the machine: the floor, a repaint
of a bare main window of the same size in the same run.
"""

from __future__ import annotations

import os
import re

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import contextlib
import json
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication, QMainWindow

from monitor.domain.model import Maintenance, Position, Side
from monitor.service.heap import settle_heap
from monitor.service.monitor_service import MonitorService
from monitor.service.recompute import build_snapshot
from monitor.service.snapshot import Snapshot, SourceState, SourceStatus
from monitor.store.database import open_database
from monitor.ui.app import MainWindow
from monitor.ui.switch_interval import hand_over_sooner

ACCOUNTS, POSITIONS, REFRESHES = 20, 25, 60
FRAME_MS = 16.0
REDRAW_MS = 4.0  # issue 11: UI-thread time per redraw, mean, on every tab
INTERVAL = 2.0
DAY = 86_400  # points: a day at one a second


def _positions(rng: np.random.Generator) -> list[Position]:
    return [
        Position(
            f"C{p:02d}/USDT:USDT", Side.LONG if p % 2 else Side.SHORT, 1 + p,
            float(rng.uniform(10, 1000)), float(rng.uniform(10, 1000)),
            Maintenance.flat(0.005), exchange_liquidation_price=None,
        )
        for p in range(POSITIONS)
    ]  # fmt: skip


def _snapshots(tmp_path: Path, count: int) -> list[Snapshot]:
    """Snapshots as the service builds them: its store records (20 simulated accounts, their
    live positions stored as a refresh stores them) through recompute.build_snapshot, with
    every mark moving a little each refresh."""
    db = open_database(f"sqlite:///{tmp_path / 'bench.sqlite'}")
    try:
        rng = np.random.default_rng(7)
        now = time.time()
        for a in range(ACCOUNTS):
            account_id = db.accounts.add(
                f"acct-{a:02d}", "simulated", venue="simulated", collateral="USDT",
                settings={"interval": INTERVAL},
            )  # fmt: skip
            db.positions.replace_live(account_id, 200_000, _positions(rng), now)
        stored = [(r, db.positions.list(r.account_id)) for r in db.accounts.list()]
    finally:
        db.close()
    moves = np.random.default_rng(1)
    out = []
    for i in range(count):
        at = now + i * INTERVAL
        accounts = []
        for record, positions in stored:
            factors = 1 + moves.normal(0, 0.002, len(positions))
            marks = {
                s.position.symbol: s.position.mark_price * float(f)
                for s, f in zip(positions, factors, strict=True)
            }
            status = SourceStatus(SourceState.OK, at)
            accounts.append(build_snapshot(record, positions, status, marks, INTERVAL))
        out.append(Snapshot(taken_at=at, accounts=tuple(accounts)))
    return out


class PinnedClock:
    """The window's clock, set to each snapshot's time as the bench hands it over: a refresh
    is drawn as its snapshot arrives (ages 0 s), however long the bench itself takes (the
    snapshots are 2 s apart, the refreshes milliseconds: on the wall clock the ages shown
    went negative and moved at every refresh)."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def pin_clock(presenter: Any) -> PinnedClock:
    clock = PinnedClock()
    presenter.clock = clock
    presenter.prerender.clock = clock
    return clock


def _figures(timings: list[float]) -> tuple[float, float, float]:
    """Mean, p95 and max of the timings, in ms."""
    return statistics.mean(timings), statistics.quantiles(timings, n=20)[-1], max(timings)


def _published(prepare: Callable[[Snapshot], None], snap: Snapshot) -> None:
    """What the window's hub does with a published snapshot on the service thread, before the
    UI thread gets it: its rows rendered and drawn (prerender.py, row_images.py)."""
    service = threading.Thread(target=prepare, args=(snap,))
    service.start()
    service.join()


def seed_a_day(presenter: Any, snap: Snapshot) -> None:
    """A day of the selected account's health at a point a second, as a window left open
    that long holds it (history.py keeps up to two days): the history tab's refresh must not
    slow as the series grows."""
    account = snap.accounts[0]
    t = snap.taken_at - DAY + np.arange(DAY, dtype=np.float64)
    h = 5.0 + np.sin(np.arange(DAY) / 600.0) + np.random.default_rng(3).normal(0, 0.01, DAY)
    presenter.seed_history(account.account_id, t.tolist(), h.tolist())


@pytest.fixture
def app_switch_interval() -> Iterator[None]:
    """The interpreter's switch interval as the app sets it from its start (switch_interval.py),
    restored after."""
    before = sys.getswitchinterval()
    if not os.environ.get("BENCH_DEFAULT_SWITCH_INTERVAL"):  # the default's, for comparison
        hand_over_sooner()
    yield
    sys.setswitchinterval(before)


FIXTURES = Path(__file__).resolve().parents[1] / "data" / "ccxt-fixtures" / "binance"


class BusyThread:
    """Another thread running Python all the while, as the service's does at full load (README:
    a core reads some 30-45 accounts a second): here the real ccxt parsing a venue's recorded
    reply (Binance's positions, 25 of them), over and over."""

    def __init__(self) -> None:
        import ccxt

        self._venue = ccxt.binanceusdm()
        self._venue.set_markets(json.loads((FIXTURES / "markets.json").read_text()))
        (recorded, *_) = json.loads((FIXTURES / "fetchPositions.json").read_text())["methods"][
            "fetchPositions"
        ]
        self._reply = json.dumps(recorded["httpResponse"] * POSITIONS)
        self._stop = threading.Event()
        self.replies = 0
        self._thread = threading.Thread(target=self._run, name="busy", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for position in json.loads(self._reply):
                self._venue.parse_position_risk(position)
            self.replies += 1

    def __enter__(self) -> BusyThread:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.mark.parametrize(
    ("tab", "history", "busy"),
    [("whatif", 0, False), ("stress_chart", 0, False), ("ladder_chart", 0, False),
     ("history_chart", 0, False), ("history_chart", DAY, False), ("whatif", 0, True)],
    ids=["whatif", "stress_chart", "ladder_chart", "history_chart", "history_chart-a-day",
         "whatif-beside-a-busy-thread"],
)  # fmt: skip
def test_refresh_costs_the_ui_thread_well_under_a_frame(
    qtbot: Any,
    tmp_path: Path,
    tab: str,
    history: int,
    busy: bool,
    idle_service: MonitorService,
    app_switch_interval: None,
) -> None:
    """Per tab, since only the chart on screen is drawn; the history tab also with a day of
    history behind the refreshes; the what-if tab also beside another thread running Python
    all the while (the window's thread waits for the interpreter then: switch_interval.py)."""
    snapshots = _snapshots(tmp_path, REFRESHES + 5)
    window = MainWindow(idle_service, settings_path=tmp_path / "w.ini")
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):  # a context manager: it waits on leaving the block
        window.show()
    window.tabs.setCurrentWidget(getattr(window, tab))
    # The floor: a bare main window of the same size and style sheet, repainted alongside.
    bare = QMainWindow()
    qtbot.addWidget(bare)
    bare.resize(window.size())
    with qtbot.waitExposed(bare):
        bare.show()
    presenter = window.presenter
    presenter.timer.stop()  # render by hand, timing each
    clock = pin_clock(presenter)
    if history:
        seed_a_day(presenter, snapshots[0])
    for snap in snapshots[:5]:  # warm-up: first layout, column sizing, first paints
        clock.now = snap.taken_at
        _published(presenter.ahead.publish, snap)
        presenter.on_snapshot(snap)
        presenter.render()
        QApplication.processEvents()
    assert window.positions_model.rowCount() == POSITIONS
    assert window.windowHandle().isExposed()  # else nothing is painted
    settle_heap()  # as the app does once its window and service are built (heap.py)
    timings, refresh, paint, floor, cpu = [], [], [], [], []
    beside = BusyThread() if busy else contextlib.nullcontext()
    with beside:
        for snap in snapshots[5:]:
            clock.now = snap.taken_at
            _published(presenter.ahead.publish, snap)  # on the service thread, untimed
            cpu_start = time.thread_time()
            start = time.perf_counter()
            presenter.on_snapshot(snap)
            presenter.render()
            rendered = time.perf_counter()
            # The paint the refresh causes is UI-thread time too: Qt repaints what the refresh
            # invalidated (the cells that changed, the charts), as it does in the app.
            QApplication.processEvents()
            end = time.perf_counter()
            cpu.append((time.thread_time() - cpu_start) * 1000)
            timings.append((end - start) * 1000)
            refresh.append((rendered - start) * 1000)
            paint.append((end - rendered) * 1000)
            start = time.perf_counter()
            bare.repaint()
            floor.append((time.perf_counter() - start) * 1000)
    if isinstance(beside, BusyThread):
        assert beside.replies > REFRESHES  # it was busy all the while
    mean, p95, worst = _figures(timings)
    floor_mean, floor_p95, _ = _figures(floor)
    screen = window.screen().geometry()
    behind = f", {history:,} points of history behind" if history else ""
    behind += ", beside a thread busy with Python" if busy else ""
    print(f"\nUI-thread time per refresh ({ACCOUNTS}x{POSITIONS}, {tab} tab{behind}, a "
          f"{window.width()}x{window.height()} window on a {screen.width()}x{screen.height()} "
          f"screen): mean {mean:.2f} ms, "
          f"p95 {p95:.2f} ms, max {worst:.2f} ms (render {statistics.mean(refresh):.2f} + "
          f"paint {statistics.mean(paint):.2f}); floor, repainting a bare "
          f"{window.width()}x{window.height()} window: mean {floor_mean:.2f} ms, "
          f"p95 {floor_p95:.2f} ms")  # fmt: skip
    # The UI thread's own CPU time: on a loaded machine, wall time counts other processes' too.
    print(
        f"UI-thread CPU time per refresh: mean {statistics.mean(cpu):.2f} ms, median "
        f"{statistics.median(cpu):.2f} ms; load average {os.getloadavg()[0]:.1f}"
    )
    # Machines differ several-fold in these (the floor went from 0.3 to 1.8 ms between two of
    # ours): the ratio to the floor is what compares one machine's run with another's.
    print(f"mean / floor: {mean / floor_mean:.1f}x")
    # A benchmark reports against its target; it never fails on a time (issue 12: a timed
    # assertion makes a loaded machine's run flaky).
    verdict = "met" if mean <= REDRAW_MS else "MISSED"
    print(f"target mean <= {REDRAW_MS:g} ms: {verdict}; p95 within a frame ({FRAME_MS:g} ms): "
          f"{'yes' if p95 < FRAME_MS else 'NO'}")  # fmt: skip


def test_start_to_first_paint_of_the_real_app(tmp_path: Path) -> None:
    """From process start (interpreter, imports, window) to the first painted frame, and to the
    first known figures, of the real `margin-monitor --smoke-test` (the window is painted
    before the service and the simulated venue start behind it)."""
    paint, data = [], []
    for run in range(3):
        started = time.time()
        out = subprocess.run(
            [sys.executable, "-m", "monitor.cli", "--db", f"sqlite:///{tmp_path / f'{run}.db'}",
             "--smoke-test"],
            capture_output=True, text=True, timeout=120, check=True,
            env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")},
        )  # fmt: skip
        line = out.stdout.strip().splitlines()[-1]
        match = re.search(r"painted at ([\d.]+), data at ([\d.]+)", line)
        assert match, line
        paint.append(float(match.group(1)) - started)
        data.append(float(match.group(2)) - started)
    print(
        f"\nstart → first paint: median {statistics.median(paint) * 1000:.0f} ms "
        f"(best {min(paint) * 1000:.0f}); → first data: median {statistics.median(data):.2f} s"
    )
    assert all(p < d for p, d in zip(paint, data, strict=True))  # painted before data came
