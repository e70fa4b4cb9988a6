"""Account leases shared by collectors (store/leases.py), on a SQLite file and on PostgreSQL:
each account held by exactly one live collector, fair shares, expired leases taken over."""

from __future__ import annotations

import threading

from sqlalchemy import text

from monitor.store import open_database

TTL = 3.0


def _accounts(db, n):
    return {db.accounts.add(f"a{i}", "manual") for i in range(n)}


def test_a_lone_collector_holds_every_account(db):
    ids = _accounts(db, 5)
    assert db.leases.cycle("A", 100.0, TTL) == ids
    assert db.leases.holders(100.0) == dict.fromkeys(ids, "A")


def test_a_second_collector_gets_its_fair_share_without_anyone_dying(db):
    ids = _accounts(db, 5)
    a = db.leases.cycle("A", 100.0, TTL)
    b = db.leases.cycle("B", 100.5, TTL)
    assert b == set()  # all held, none expired: nothing taken from a live collector
    a = db.leases.cycle("A", 101.0, TTL)  # 2 live: a share is 3; A gives back 2
    b = db.leases.cycle("B", 101.5, TTL)
    assert len(a) == 3 and len(b) == 2
    assert a.isdisjoint(b) and a | b == ids
    # Steady: renewing moves nothing.
    assert db.leases.cycle("A", 102.0, TTL) == a
    assert db.leases.cycle("B", 102.5, TTL) == b


def test_a_silent_collector_loses_its_accounts_when_its_leases_expire(db):
    ids = _accounts(db, 4)
    db.leases.cycle("A", 100.0, TTL)
    db.leases.cycle("B", 100.1, TTL)
    a = db.leases.cycle("A", 100.2, TTL)
    b = db.leases.cycle("B", 100.3, TTL)
    assert a and b
    # A stops renewing (killed). Before its leases expire, B takes nothing of A's ...
    assert db.leases.cycle("B", 100.2 + TTL - 0.1, TTL) == b
    # ... after, B takes them all: A's heartbeat expired too, so B's share is everything.
    assert db.leases.cycle("B", 100.2 + TTL + 0.1, TTL) == ids
    assert set(db.leases.holders(100.2 + TTL + 0.1).values()) == {"B"}


def test_a_clean_stop_frees_the_accounts_at_once(db):
    ids = _accounts(db, 3)
    db.leases.cycle("A", 100.0, TTL)
    db.leases.cycle("B", 100.0, TTL)
    db.leases.release("A")
    assert db.leases.cycle("B", 100.1, TTL) == ids


def test_an_account_added_later_is_taken_and_a_removed_one_let_go(db):
    ids = _accounts(db, 2)
    assert db.leases.cycle("A", 100.0, TTL) == ids
    late = db.accounts.add("late", "manual")
    assert db.leases.cycle("A", 101.0, TTL) == ids | {late}
    db.accounts.remove(late)
    assert db.leases.cycle("A", 102.0, TTL) == ids


def test_collectors_cycling_at_the_same_moment_never_share_an_account(db_url):
    with open_database(db_url) as setup:
        ids = _accounts(setup, 12)
    holdings: dict[str, list[frozenset[int]]] = {"A": [], "B": [], "C": []}
    start = threading.Barrier(3)

    def collector(name):
        with open_database(db_url) as db:
            for step in range(15):
                start.wait(30)  # each step: the three cycle at once, racing for the lock
                holdings[name].append(db.leases.cycle(name, 100.0 + step, TTL))

    threads = [threading.Thread(target=collector, args=(n,)) for n in holdings]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # After each step's cycles the sets held are disjoint; at the end they cover everything.
    for step in range(15):
        held = [holdings[n][step] for n in holdings]
        assert sum(len(h) for h in held) == len(frozenset().union(*held)), step
    final = [holdings[n][-1] for n in holdings]
    assert frozenset().union(*final) == ids
    assert sorted(len(h) for h in final) == [4, 4, 4]


def test_a_lease_cycle_does_not_wait_behind_a_data_write_on_postgresql(postgres_url):
    """Collectors share one PostgreSQL: a collector's renewal must not queue behind another's
    data write (a batch of reads stored, history), held for as long as that collector's
    process takes to run it — under load, seconds, past the lease; its accounts then moved
    to the other collector and back (600 lease moves in 180 s in the desk bench). A lease
    cycle takes a lock of its own: still one cycle at a time, never two owners."""
    db = open_database(postgres_url)
    other = open_database(postgres_url)  # another collector's process
    try:
        ids = _accounts(db, 3)
        writing, release = threading.Event(), threading.Event()

        def data_write() -> None:
            with other.write() as session:
                session.execute(text("UPDATE accounts SET name = name"))
                writing.set()
                release.wait(30)

        writer = threading.Thread(target=data_write)
        writer.start()
        assert writing.wait(10)
        renewed: list[frozenset[int]] = []
        cycle = threading.Thread(target=lambda: renewed.append(db.leases.cycle("A", 100.0, TTL)))
        cycle.start()
        cycle.join(2.0)  # a renewal's own round trips: milliseconds
        done = not cycle.is_alive()
        release.set()
        writer.join(30)
        cycle.join(30)
        assert done, "the lease cycle waited for the other collector's data write"
        assert renewed == [ids]
    finally:
        other.close()
        db.close()
