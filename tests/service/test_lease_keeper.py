"""A collector cut off from its database stops polling once its leases have run out (another
collector may hold its accounts by then), and not before: a real service on a real
PostgreSQL database that goes away under it."""

from __future__ import annotations

from monitor.service.lease_keeper import LeaseKeeper
from monitor.service.monitor_service import MonitorService
from monitor.store import open_database

LEASE = 3.0


def test_a_collector_cut_off_from_the_database_lets_go_when_its_leases_expire(
    postgres_cluster,
):
    name = postgres_cluster.create_database()
    db = open_database(postgres_cluster.url(name))
    account_id = db.accounts.add("swing", "manual", wallet_balance=5_000.0)
    service = MonitorService(db, holder="A")
    service.start()
    now = [1_000.0]
    keeper = LeaseKeeper(db, service, "A", LEASE, clock=lambda: now[0])
    try:
        keeper.cycle()
        assert keeper.held == {account_id}
        assert [a.account_id for a in service.latest().accounts] == [account_id]
        postgres_cluster.drop_database(name)  # the database is gone: every cycle fails
        now[0] += LEASE - 0.5  # renewed 2.5 s ago: the lease still stands
        keeper.cycle()
        assert keeper.held == {account_id}
        assert [a.account_id for a in service.latest().accounts] == [account_id]
        now[0] += 0.5  # a lease since the last renewal: another collector may have it now
        keeper.cycle()
        assert keeper.held == frozenset()
        assert service.latest().accounts == ()
    finally:
        service.stop()
        db.close()
