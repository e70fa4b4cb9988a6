"""An alert is sent once however many collectors compute it: each would-be ringing event is
claimed in the shared database (a SQLite file, then PostgreSQL); only the claim that lands
rings. The domain's rule carries across processes: a level never rings twice unless it
cleared in between."""

from __future__ import annotations

from monitor.domain.alerts import AlertEvent, AlertRules, EventKind, SubjectReading
from monitor.domain.model import Thresholds
from monitor.domain.report import Level
from monitor.service.alerting import AlertRunner

RULES = AlertRules()


def _event(account_id, kind, level, previous=None, at=100.0):
    key = str(account_id)
    return AlertEvent(kind, key, key, level, f"{kind} {level.label}", at, True, previous)


def _rings(runner, *events):
    return [e.notify for e in runner.claimed(list(events), 100.0)]


def test_two_collectors_seeing_the_same_raise_ring_once(db):
    aid = db.accounts.add("a", "manual")
    a = AlertRunner(db, RULES, holder="A")
    b = AlertRunner(db, RULES, holder="B")
    raised = _event(aid, EventKind.RAISED, Level.WARNING)
    assert _rings(a, raised) == [True]
    assert _rings(b, raised) == [False]  # the collector that took the account over
    # Escalation is news; the same one from the other collector is not.
    worse = _event(aid, EventKind.ESCALATED, Level.CRITICAL, Level.WARNING)
    assert _rings(b, worse) == [True]
    assert _rings(a, worse) == [False]
    # A collector that takes over straight at critical (it never saw warning) says nothing.
    c = AlertRunner(db, RULES, holder="C")
    assert _rings(c, _event(aid, EventKind.RAISED, Level.CRITICAL)) == [False]


def test_after_a_clear_the_same_level_rings_again_once(db):
    aid = db.accounts.add("a", "manual")
    a = AlertRunner(db, RULES, holder="A")
    b = AlertRunner(db, RULES, holder="B")
    assert _rings(a, _event(aid, EventKind.RAISED, Level.WARNING)) == [True]
    cleared = _event(aid, EventKind.CLEARED, Level.OK, Level.WARNING)
    assert _rings(a, cleared) == [True]
    assert _rings(b, cleared) == [False]
    assert _rings(b, _event(aid, EventKind.RAISED, Level.WARNING)) == [True]
    assert _rings(a, _event(aid, EventKind.RAISED, Level.WARNING)) == [False]


def test_critical_again_after_falling_back_to_warning_rings_again(db):
    aid = db.accounts.add("a", "manual")
    a = AlertRunner(db, RULES, holder="A")
    b = AlertRunner(db, RULES, holder="B")
    assert _rings(a, _event(aid, EventKind.RAISED, Level.CRITICAL)) == [True]
    assert _rings(a, _event(aid, EventKind.CLEARED, Level.WARNING, Level.CRITICAL)) == [True]
    # Warning held throughout: its episode never ended, and only critical is news again.
    assert _rings(b, _event(aid, EventKind.ESCALATED, Level.CRITICAL, Level.WARNING)) == [True]
    assert _rings(b, _event(aid, EventKind.RAISED, Level.WARNING)) == [False]


def test_a_collector_that_takes_over_a_recovered_account_ends_its_episode(db):
    aid = db.accounts.add("a", "manual")
    a = AlertRunner(db, RULES, holder="A")
    assert _rings(a, _event(aid, EventKind.RAISED, Level.WARNING)) == [True]
    # A dies in warning; the market recovers; B takes the account over and sees it fine.
    b = AlertRunner(db, RULES, holder="B")
    fine = SubjectReading(str(aid), str(aid), "a", 5.0, Thresholds())
    assert b.step_readings([fine], 100.0) == []
    # Warning again later is news.
    assert _rings(b, _event(aid, EventKind.RAISED, Level.WARNING)) == [True]


def test_a_window_of_its_own_claims_nothing(db):
    aid = db.accounts.add("a", "manual")
    local = AlertRunner(db, RULES)  # no holder: today's behaviour, every event as it comes
    raised = _event(aid, EventKind.RAISED, Level.WARNING)
    assert _rings(local, raised) == [True]
    assert _rings(local, raised) == [True]
    assert _rings(AlertRunner(db, RULES, holder="A"), raised) == [True]


def test_the_source_error_of_a_new_reason_rings_and_the_same_reason_does_not(db):
    aid = db.accounts.add("a", "manual")
    a = AlertRunner(db, RULES, holder="A")
    b = AlertRunner(db, RULES, holder="B")
    key = str(aid)
    timeout = AlertEvent(EventKind.SOURCE_ERROR, key, key, Level.WARNING, "a: timeout", 1, True)
    refused = AlertEvent(EventKind.SOURCE_ERROR, key, key, Level.WARNING, "a: 401", 2, True)
    assert _rings(a, timeout) == [True]
    assert _rings(b, timeout) == [False]
    assert _rings(b, refused) == [True]
