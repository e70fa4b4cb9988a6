"""The header's odds/funding line fits a laptop's header (1280×800): every figure shows, none
cut at the right edge ("… warnin"); where the header is narrower still, each line ends in "…"
and the whole text is in the tooltip."""

from __future__ import annotations

import time
from typing import Any

from monitor.domain.risk.move_bands import MoveBand
from monitor.domain.risk.probability import Estimate
from monitor.service.monitor_service import MonitorService
from monitor.service.risk_figures import PoolRisk
from monitor.service.risk_job import AccountRisk
from monitor.ui.app import MainWindow
from tests.ui.conftest import Rig

_NONE = Estimate(0.0, 0.0)
FIGURES = PoolRisk(
    pool=0, symbol=None, probability={"1h": _NONE, "8h": Estimate(0.001, 0.0004),
                                      "24h": Estimate(0.066, 0.002)},
    probability_unknown=None, funding_per_day=-47.8, days_to_warning=179.0,
    days_to_liquidation=200.0, funding_unknown=None, moves={"24h": MoveBand(-0.051, 0.082)},
)  # fmt: skip
# Every figure the line must show, as the trader reads them (the figures above, by hand).
SHOWN = (
    "1 h 0.0 % ± 0.0",
    "8 h 0.1 % ± 0.0",
    "24 h 6.6 % ± 0.2",
    "-47.80 USDT a day, warning in 179 days",
    "10,000 paths",
)


def _lines_fit(window: MainWindow) -> bool:
    label = window.header.risk
    room = label.contentsRect().width()
    metrics = label.fontMetrics()
    return all(metrics.horizontalAdvance(line) <= room for line in label.text().split("\n"))


def _show_risk(qtbot: Any, window: MainWindow, service: MonitorService, rig: Rig) -> None:
    service.set_risk(AccountRisk(rig.demo_id, time.time(), 10_000, (("USDT", FIGURES),)))
    qtbot.waitUntil(window.header.risk.isVisible, timeout=10_000)


def test_the_odds_and_funding_show_whole_at_1280x800(
    qtbot: Any, window: MainWindow, service: MonitorService, rig: Rig
) -> None:
    window.resize(1280, 800)
    # The account list as wide as in the README's screenshots (names, venue, health, data).
    window.splitters["main"].setSizes([470, 810])
    _show_risk(qtbot, window, service, rig)
    qtbot.waitUntil(lambda: _lines_fit(window))
    text = window.header.risk.text()
    for figure in SHOWN:
        assert figure in text, figure
    assert "…" not in text


def test_a_narrower_header_elides_each_line_and_keeps_the_whole_in_the_tooltip(
    qtbot: Any, window: MainWindow, service: MonitorService, rig: Rig
) -> None:
    window.resize(1280, 800)
    window.splitters["main"].setSizes([800, 480])  # the trader widened the account list
    _show_risk(qtbot, window, service, rig)
    qtbot.waitUntil(lambda: _lines_fit(window))
    label = window.header.risk
    assert "…" in label.text()
    for figure in SHOWN:
        assert figure in label.toolTip(), figure
