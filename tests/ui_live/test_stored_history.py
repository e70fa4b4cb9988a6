"""The health chart opens with the stored past, not an empty axis (issue 3: charts show
history across restarts)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import time

import numpy as np

from tests.ui_live.test_alert_channels import live  # noqa: F401  (the fixture)


def test_history_written_before_the_window_opened_is_charted(live, qtbot):  # noqa: F811
    window, _venue, db = live
    account_id = db.accounts.by_name("demo").account_id
    now = time.time()
    # Earlier sessions' figures (the store keeps a row only when figures change).
    past = [(now - 3600 + 60 * i, 5.0 + i / 10) for i in range(10)]
    for at, health in past:
        db.history.record_account_health(account_id, at, health * 100.0, 100.0, health)
    window.commands.load_history(account_id)
    qtbot.waitUntil(
        lambda: (
            window.presenter.history.series(account_id)[0].size > 0
            and window.presenter.history.series(account_id)[0][0] <= past[0][0]
        ),
        timeout=10_000,
    )
    t, h = window.presenter.history.series(account_id)
    assert np.all(np.diff(t) > 0)  # one time axis, oldest first
    stored = dict(past)
    for at, value in zip(t, h, strict=True):
        if at in stored:
            assert value == stored[at]
