"""Alert events and source status."""

from __future__ import annotations

import pytest

from monitor.store import AlertRecord, SourceStatusRecord, StoreError, open_database


def test_alert_events_are_listed_newest_first_and_can_be_acknowledged(db_url):
    with open_database(db_url) as db:
        a = db.accounts.add("a", "manual", wallet_balance=1.0)
        b = db.accounts.add("b", "manual", wallet_balance=1.0)
        first = db.alerts.append(a, "raised", "warning", "health 1.9 <= 2.0", 10.0)
        snooze = db.alerts.append(
            a,
            "snoozed",
            "warning",
            "snoozed 1 h",
            20.0,
            position_key="BTC/USDT:USDT long",
            until=3620.0,
        )
        other = db.alerts.append(b, "source_error", "critical", "timeout", 30.0)
        general = db.alerts.append(None, "stale", "warning", "all sources quiet", 40.0)
        db.alerts.acknowledge(first, 50.0)
    with open_database(db_url) as db:
        assert [r.alert_id for r in db.alerts.recent()] == [general, other, snooze, first]
        assert db.alerts.recent(account_id=a) == (
            AlertRecord(snooze, a, "BTC/USDT:USDT long", "snoozed", "warning", "snoozed 1 h",
                        20.0, 3620.0, None),
            AlertRecord(first, a, None, "raised", "warning", "health 1.9 <= 2.0", 10.0, None,
                        50.0),
        )  # fmt: skip
        assert [r.alert_id for r in db.alerts.recent(2)] == [general, other]
        assert [r.alert_id for r in db.alerts.recent(since=25.0)] == [general, other]
        with pytest.raises(StoreError, match="alert #999: no such alert"):
            db.alerts.acknowledge(999, 1.0)


def test_source_status_keeps_the_last_success_beside_the_last_error(db):
    a = db.accounts.add("a", "exchange")
    assert db.source_status.get(a) == SourceStatusRecord(a)
    db.source_status.set_success(a, 100.0)
    db.source_status.set_error(a, 130.0, "binanceusdm: 429 Too Many Requests")
    assert db.source_status.get(a) == SourceStatusRecord(
        a, 100.0, 130.0, "binanceusdm: 429 Too Many Requests"
    )
    db.source_status.set_success(a, 160.0)
    assert db.source_status.get(a).last_success == 160.0
    with pytest.raises(StoreError, match="account #99: no such account"):
        db.source_status.set_success(99, 1.0)
