"""The crash replay's chart: each pool's health through the window (hours from its start), on
the log health axis the other charts use, with the warning, critical and 1.0 lines and a marker
where each pool first reached each of them. Health at or below FLOOR is drawn at FLOOR: past 1.0
the book would have been liquidated, and a log axis has no room for 0 or less."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from monitor.domain.model import Thresholds
from monitor.domain.report import Level
from monitor.service.replay_commands import ReplayResult
from monitor.ui import formatting as fmt

FLOOR = 0.5
LEVELS = (
    ("warning", Level.WARNING),
    ("critical", Level.CRITICAL),
    ("liquidation", Level.LIQUIDATION),
)
POOL_COLOURS = ("#4c9be8", "#b07cf0", "#3fc1c9", "#e88fc7", "#9fd36b")


class PlainLogAxis(pg.AxisItem):  # type: ignore[misc]
    """Health ticks as plain numbers (2, 5, 10), not pyqtgraph's 10^x."""

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"{10**v:.3g}" for v in values]


class CrashReplayChart(pg.PlotWidget):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__(axisItems={"left": PlainLogAxis("left")})
        self.setMinimumSize(560, 300)
        item = self.getPlotItem()
        item.setLogMode(x=False, y=True)
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setLabel("left", f"health (1.0 liquidates; below {FLOOR:g} drawn at {FLOOR:g})")
        item.setLabel("bottom", "hours into the window")
        item.setMenuEnabled(False)
        self.legend = item.addLegend(
            offset=(-10, 130), brush=pg.mkBrush(20, 22, 26, 220)
        )  # mid right
        self.curves: list[pg.PlotDataItem] = []  # one per pool (a test waits for them)
        self.markers: list[tuple[str, str, float, float]] = []  # (pool, level, hours, health)
        self._lines: list[pg.InfiniteLine] = []

    def show_result(self, result: ReplayResult) -> None:
        item = self.getPlotItem()
        item.clear()
        self.legend.clear()
        self.curves, self.markers = [], []
        self._threshold_lines(result.thresholds)
        top = 2.0 * result.thresholds.warning
        for n, (name, r) in enumerate(result.pools):
            if r.reason is not None or not r.health.size:
                continue
            hours = np.arange(r.health.size) / 60.0
            shown = np.maximum(np.nan_to_num(r.health, nan=np.inf), FLOOR)
            top = max(top, float(np.max(shown[np.isfinite(shown)], initial=top)))
            colour = POOL_COLOURS[n % len(POOL_COLOURS)]
            curve = item.plot(hours, shown, pen=pg.mkPen(colour, width=2), name=name)
            self.curves.append(curve)
            for level, lvl in LEVELS:
                minute = r.minutes.get(level)
                if minute is None:
                    continue
                at = float(getattr(result.thresholds, level))  # on the line it crossed
                self.markers.append((name, level, minute / 60.0, at))
                item.addItem(
                    pg.ScatterPlotItem(
                        [minute / 60.0],
                        [math.log10(at)],
                        symbol="o",
                        size=11,
                        brush=pg.mkBrush(fmt.LEVEL_COLOURS[lvl]),
                        pen=pg.mkPen("#ffffff", width=1),
                    )
                )
        item.setYRange(math.log10(FLOOR), math.log10(min(top, 100.0)) + 0.05, padding=0.02)
        item.enableAutoRange(axis="x")

    def _threshold_lines(self, t: Thresholds) -> None:
        for level, lvl in LEVELS:
            value = getattr(t, level)
            text = "1.0 liquidation" if level == "liquidation" else f"{level} {value:g}"
            line = pg.InfiniteLine(
                pos=math.log10(value),
                angle=0,
                pen=pg.mkPen(fmt.LEVEL_COLOURS[lvl], width=1, style=Qt.PenStyle.DashLine),
                label=text,
                labelOpts={
                    "position": 0.02,
                    "color": fmt.LEVEL_COLOURS[lvl],
                    "anchors": [(0, 1), (0, 1)],
                },
            )
            self.getPlotItem().addItem(line)
