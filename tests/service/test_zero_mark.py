"""A venue's mark of 0 is unknown, never OK (issue 12): the simulated Binance serves
markPrice "0" for the account's positions; the account shows as failing with the reason, no
health figure is current, and once the venue gives prices again it is judged again."""

from __future__ import annotations

from monitor.service.snapshot import SourceState
from monitor.sources.sim.faults import FaultKind
from monitor.sources.sim.venue import DEMO_CREDENTIALS

from .conftest import wait_for

KEY = DEMO_CREDENTIALS.api_key


def test_a_zero_mark_makes_the_account_unknown_not_healthy(db, venue, make_service):
    db.accounts.add("demo", "simulated", venue="binanceusdm", settings={"interval": 0.2})
    service, rec = make_service()
    service.start()
    wait_for(lambda: (s := rec.latest("demo")) and s.known)
    venue.faults.set(FaultKind.ZERO_MARK, api_key=KEY)
    snap = wait_for(lambda: (s := rec.latest("demo")) and s.status.state is SourceState.ERROR and s)
    assert not snap.known
    assert "mark 0" in (snap.status.last_error or "")
    venue.faults.clear(FaultKind.ZERO_MARK)
    wait_for(lambda: (s := rec.latest("demo")) and s.known)
