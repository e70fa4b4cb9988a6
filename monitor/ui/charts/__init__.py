"""The three charts: health history, stress curve, liquidation ladder (one module each; the
axes, the shared plot widget and the bookkeeping of what each item shows beside them).

Each plot item is created once and updated with setData, and only when what it shows changed
(curves that drift by less than half a pixel are left as drawn: see drawn.Drawn); long series
are clipped to the view and peak-downsampled; NaN (unknown) shows as a gap, never as a value.
The grids are drawn opaque and the axes straight onto the view (see axes).
"""

from monitor.ui.charts.history_chart import HealthHistoryChart
from monitor.ui.charts.ladder_chart import LadderChart
from monitor.ui.charts.stress_chart import StressChart

__all__ = ["HealthHistoryChart", "LadderChart", "StressChart"]
