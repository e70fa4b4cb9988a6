"""What-ifs are never the record (issue 13.3): with a what-if on, the account list, the
health-history chart's data, the alerts raised and the stored history all stay the real book's,
while the what-if's figures show where they are marked as such."""

from __future__ import annotations

import time
from typing import Any

from monitor.domain.model import Maintenance, Position, Side
from monitor.ui import formatting as fmt
from monitor.ui.accounts_model import HEALTH_COLUMN
from monitor.ui.app import MainWindow
from tests.ui.conftest import Rig, selected
from tests.ui.engine_truth import health_of, real_account

# 150 ETH long on top of the demo book: the pool with it falls below critical (1.25).
BIG = Position(
    "ETH/USDT:USDT", Side.LONG, 150, 3_050, 3_050, Maintenance.flat(0.005), hypothetical=True
)


def _list_health(window: MainWindow) -> str:
    return str(window.accounts_model.index(0, HEALTH_COLUMN).data())


def test_a_whatif_changes_neither_list_nor_history_nor_alerts_nor_store(
    qtbot: Any, window: MainWindow, rig: Rig
) -> None:
    account_id = selected(window).account_id
    real = real_account(selected(window))
    real_health = health_of(real).health_ratio  # the venue's marks stay put in these tests
    with_it = health_of(real, BIG)
    assert real_health is not None and with_it.health_ratio is not None
    assert with_it.health_ratio < selected(window).thresholds.critical < real_health
    list_before = _list_health(window)
    assert list_before.startswith(fmt.health(real_health))
    alerts_before = len(rig.alerts())

    rig.service.save_position(account_id, BIG).result(5)
    on_at = time.time()
    qtbot.waitUntil(
        lambda: window.header.health_text() == fmt.health(with_it.health_ratio), timeout=5000
    )
    history = window.presenter.history
    seen = len(history.series(account_id)[0])
    # Several more snapshots, each recorded in the chart's history, with the what-if on.
    qtbot.waitUntil(lambda: len(history.series(account_id)[0]) >= seen + 5, timeout=5000)
    assert window.header.health_text() == fmt.health(with_it.health_ratio)  # marked as what-if
    # The header's figures read real → with the what-if, never the what-if's alone.
    real_report = health_of(real)
    # (Opened at its mark, the what-if leaves the balance as it is: one figure.)
    assert window.header.margin_balance.text() == fmt.money(real_report.margin_balance, "USDT")
    assert window.header.maintenance.text() == (
        f"{fmt.money(real_report.maintenance_margin, unit='USDT')} → "
        f"{fmt.money(with_it.maintenance_margin, unit='USDT')}"
    )

    t, h = history.series(account_id)
    after = h[t >= on_at]
    assert len(after) >= 5
    assert all(abs(v - real_health) <= 1e-9 * real_health for v in after), after
    assert _list_health(window) == list_before
    assert len(rig.alerts()) == alerts_before
    assert not rig.db.alerts.recent(50, account_id=account_id)
    stored = rig.db.history.health(account_id, on_at, time.time())
    assert len(stored) >= 1
    assert all(abs(v - real_health) <= 1e-9 * real_health for v in stored.health_ratio)
