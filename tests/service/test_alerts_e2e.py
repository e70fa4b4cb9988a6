"""Issue 6 end to end: the venue plays a crash; alerts come in order, before the next level
and before the venue would liquidate; a loopback webhook receiver gets them in order; a source
that stops answering raises the stale alert within its window."""

from __future__ import annotations

import json
import time

from monitor.domain import Level
from monitor.service.webhooks import WebhookDispatcher, parse_target
from monitor.sources.sim.venue import DEMO_CREDENTIALS

from .conftest import wait_for

KEY = DEMO_CREDENTIALS.api_key
RINGING = {"raised", "escalated"}


def _pool_alerts(recorder, account_id):
    return [
        e.payload
        for e in list(recorder.events)
        if e.kind == "alert"
        and e.payload.subject == str(account_id)
        and e.payload.kind.value in RINGING
        and e.payload.notify
    ]


def test_a_crash_walks_through_every_level_in_order(db, venue, make_service, receiver):
    account_id = db.accounts.add(
        "demo", "simulated", venue="binanceusdm", settings={"interval": 0.2}
    )
    service, rec = make_service()
    dispatcher = WebhookDispatcher([parse_target(f"json={receiver.url('/alerts')}")])
    service.subscribe(lambda _s: None, dispatcher.on_event)
    service.start()
    wait_for(lambda: (s := rec.latest("demo")) and s.known)

    # A crash that crosses each band slowly enough for several polls inside it.
    moves = [venue.factor_for_health(KEY, h) - 1.0 for h in (2.0, 1.25, 1.0)]
    warning, critical, liquidation = moves
    path = [
        (0.0, 0.0),
        (10.0, warning * 0.9),
        (30.0, (warning + critical) / 2),
        (50.0, (critical + liquidation) / 2),
        (70.0, liquidation * 1.01),
    ]
    venue.play_crash(path)
    venue.start_ticker(interval=0.05, dt=0.5)  # ten venue seconds per real second

    alerts = wait_for(
        lambda: (
            (a := _pool_alerts(rec, account_id))
            and any(x.level is Level.LIQUIDATION for x in a)
            and a
        ),
        timeout=30,
    )
    venue.stop_ticker()
    firsts = {}
    for alert in alerts:
        firsts.setdefault(alert.level, alert)
    assert [lvl for lvl in firsts] == [Level.WARNING, Level.CRITICAL, Level.LIQUIDATION]
    # Each raised while the pool was still above the next level, the critical one before
    # the venue would liquidate.
    assert firsts[Level.WARNING].health > 1.25
    assert firsts[Level.CRITICAL].health > 1.0
    assert firsts[Level.WARNING].at < firsts[Level.CRITICAL].at < firsts[Level.LIQUIDATION].at
    # Never twice the same level without a clear in between.
    levels = [a.level for a in alerts]
    assert len(levels) == len(set(levels))

    # The webhook receiver got them in the same order, as the generic JSON format.
    received = receiver.wait_for(3)
    bodies = [json.loads(r.body) for r in received]
    pool = [b for b in bodies if b.get("subject") == str(account_id)]
    assert [b["level"] for b in pool][:3] == ["warning", "critical", "liquidation"]
    assert dispatcher.close(5)

    # Every transition was stored.
    kinds = {(a.kind, a.level) for a in db.alerts.recent(200, account_id=account_id)}
    assert {("raised", "warning"), ("escalated", "critical"), ("escalated", "liquidation")} <= kinds


def test_a_silent_source_raises_the_stale_alert_within_its_window(db, venue, make_service):
    db.accounts.add("demo", "simulated", venue="binanceusdm", settings={"interval": 0.2})
    service, rec = make_service()
    service.start()
    wait_for(lambda: (s := rec.latest("demo")) and s.known)
    venue.faults.set("hang", api_key=KEY)
    stale = wait_for(
        lambda: [
            e.payload
            for e in list(rec.events)
            if e.kind == "alert" and e.payload.kind.value == "stale"
        ]
    )[0]
    last_success = db.source_status.get(1).last_success
    window = max(3 * 0.2, 1.0)  # FAST_RULES: three intervals or one second
    assert stale.at - last_success <= window + 0.5  # + the service tick and a poll's slack
    assert stale.notify
    snap = rec.latest("demo")
    assert not snap.known  # its last healthy figure is not shown as current
    venue.faults.clear()
    wait_for(lambda: (s := rec.latest("demo")) and s.known, timeout=30)
    assert time.time() > stale.at
