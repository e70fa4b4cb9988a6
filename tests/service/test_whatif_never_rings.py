"""What-if positions never ring (issue 12): a hypothetical that would take the pool to critical
shows in the figures "with what-ifs", and no alert is raised, stored or sent for it; the same
position made real does raise one (so the check can fail)."""

from __future__ import annotations

from dataclasses import replace

from monitor.domain import Level

from .conftest import wait_for
from .test_manual_accounts import BTC

# 0.5 BTC long at 60,000 on 5,000 USDT: far from liquidation. A what-if 20 BTC long takes the
# pool with what-ifs near liquidation.
HUGE = replace(BTC, contracts=20.0)


def _rang(rec, account_id):
    return [
        e.payload
        for e in list(rec.events)
        if e.kind == "alert" and e.payload.subject == str(account_id) and e.payload.notify
    ]


def test_a_critical_what_if_rings_nothing_a_real_position_does(db, make_service):
    service, rec = make_service()
    service.start()
    account_id = service.create_manual_account("swing", 5_000.0, "USDT", None).result(10)
    service.save_position(account_id, BTC).result(10)
    wait_for(lambda: (s := rec.latest("swing")) and s.known and s.health.positions)
    hyp_id = service.save_position(account_id, replace(HUGE, hypothetical=True)).result(10)
    snap = wait_for(lambda: (s := rec.latest("swing")) and len(s.account.positions) == 2 and s)
    assert snap.health.status >= Level.CRITICAL  # with the what-if
    assert snap.baseline.status is Level.OK  # the real book
    service.latest()  # one more service round: any alert would have been published by now
    assert _rang(rec, account_id) == []
    assert not db.alerts.recent(50, account_id=account_id)
    # Made real, the same position rings.
    service.delete_position(account_id, hyp_id).result(10)
    service.save_position(account_id, HUGE).result(10)
    wait_for(lambda: _rang(rec, account_id), timeout=10)
    assert max(a.level for a in _rang(rec, account_id)) >= Level.CRITICAL
