"""Pool health against a uniform move of every cross mark, −50 % … +50 %: the curves with and
without the what-ifs, the health now and the moves that liquidate."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray

from monitor.domain.model import Thresholds
from monitor.ui import formatting as fmt
from monitor.ui.charts.axes import Axis, HealthAxis
from monitor.ui.charts.base import Chart, ThresholdLines, fit_health, log_health_axis
from monitor.ui.charts.drawn import Drawn, place, symbol_style

BAND_COLOUR = (74, 163, 255, 45)
BAND_LEGEND = "market move within 24 h (90 % of paths)"


class StressChart(Chart):
    """Pool health against a uniform move of every cross mark, −50 % … +50 %."""

    def __init__(self) -> None:
        super().__init__({"left": HealthAxis("left"), "bottom": Axis("bottom")})
        item = self.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setLabel("bottom", "uniform move of all marks", units="%")
        log_health_axis(item, "pool health")
        item.setMouseEnabled(x=False, y=False)
        self.legend = item.addLegend(offset=(10, 10))
        self.before = item.plot(
            pen=pg.mkPen("#8b949e", width=1, style=pg.QtCore.Qt.PenStyle.DashLine),
            name="without what-ifs",
            connect="finite",
        )
        self.after = item.plot(
            pen=pg.mkPen("#4aa3ff", width=2), name="pool health", connect="finite"
        )
        # The "now" dot is plotted at health 1 (log 0) and moved to the health by its position
        # (see place): re-plotting a scatter re-creates its symbol.
        self.current = item.plot(
            pen=None, symbol="o", symbolSize=10, name="now", **symbol_style(brush="#4aa3ff")
        )
        self.crossings = item.plot(
            pen=None,
            symbol="x",
            symbolSize=14,
            **symbol_style(pen=pg.mkPen(fmt.ERROR_COLOUR, width=3)),
            name="liquidation",
        )
        self.thresholds = ThresholdLines(item)
        # The range of the pool's market move within 24 h on 90 % of the risk job's simulated
        # paths (5 % ... 95 % quantiles): how far the market is likely to go, beside how far
        # it must go to liquidate. Shown once the job has figures for the pool.
        self.band = pg.LinearRegionItem(
            values=(0.0, 0.0), movable=False, brush=pg.mkBrush(BAND_COLOUR), pen=pg.mkPen(None)
        )
        self.band.setZValue(-10)
        self.band.hide()
        item.addItem(self.band, ignoreBounds=True)
        self._band_entry = pg.PlotDataItem([], [], pen=pg.mkPen(BAND_COLOUR, width=10))
        self._band_shown: tuple[float, float] | None = None
        item.setXRange(-50, 50, padding=0.02)
        self.pool = ""  # the pool drawn, named when the account has several
        self._drawn = Drawn()
        self._with_before = True  # the "without what-ifs" line is in the legend

    def show_curves(
        self,
        moves: NDArray[np.float64],
        after: NDArray[np.float64],
        before: NDArray[np.float64] | None,
        health_now: float | None,
        crossings: tuple[float | None, float | None],
        thresholds: Thresholds,
        pool: str = "",
    ) -> None:
        if pool != self.pool:  # relabelling re-lays out the plot: only on change
            self.pool = pool
            name = f"{pool} pool health" if pool else "pool health"
            self.getPlotItem().setLabel("left", name)
            label = self.legend.getLabel(self.after)
            if label is not None:
                label.setText(name)
        x = moves * 100
        # The marks move the curves by a fraction of a pixel a tick: drawn when it shows.
        self._drawn.set(self.after, x, after, slack=True, connect="finite")
        if before is None:
            self._drawn.set(self.before, [], [])
            if self._with_before:  # no "without what-ifs" line without what-ifs
                self._with_before = False
                self.legend.removeItem(self.before)
        else:
            self._drawn.set(self.before, x, before, slack=True, connect="finite")
            if not self._with_before:
                self._with_before = True
                self.legend.addItem(self.before, "without what-ifs")
        if health_now is not None and 0 < health_now < math.inf:
            self._drawn.set(self.current, [0.0], [1.0])
            place(self.current, 0.0, math.log10(health_now))
        else:
            self._drawn.set(self.current, [], [])
        down, up = crossings
        cx = [
            m
            for m in (
                -down * 100 if down is not None else None,
                up * 100 if up is not None else None,
            )
            if m is not None and abs(m) <= 50
        ]
        self._drawn.set(self.crossings, cx, [thresholds.liquidation] * len(cx), slack=True)
        self.thresholds.set(thresholds)
        fit_health(self.getPlotItem(), after, thresholds, health_now)

    def show_band(self, band: tuple[float, float] | None) -> None:
        """The 24 h move range (fractions: -0.05 is 5 % down), or None: none to show."""
        if band == self._band_shown:
            return
        if band is None:
            self.band.hide()
            self.legend.removeItem(self._band_entry)
        else:
            if self._band_shown is None:
                self.legend.addItem(self._band_entry, BAND_LEGEND)
            self.band.setRegion((band[0] * 100, band[1] * 100))
            self.band.show()
        self._band_shown = band
