"""A window as a viewer of a shared database: it re-reads an account when a collector says it
wrote it (PostgreSQL NOTIFY), and polls nothing; on a SQLite file it stays the app of one."""

from __future__ import annotations

import time
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import replace

import pytest
from sqlalchemy.engine import make_url

from monitor.domain import Account, Maintenance, Position, Side, evaluate_accounts
from monitor.service.session import MonitorSession
from monitor.service.store_notices import StoreNotices
from monitor.service.viewer_feed import BATCH_SECONDS, ViewerFeed
from monitor.store import StoreError, open_database

from .conftest import Recorder, wait_for

BTC = Position(
    symbol="BTC/USDT:USDT",
    side=Side.LONG,
    contracts=0.5,
    entry_price=60_000,
    mark_price=60_000,
    maintenance=Maintenance.flat(0.005),
)


def test_a_viewer_shows_what_a_collector_wrote_once_told(postgres_url):
    with open_database(postgres_url) as writer:
        account_id = writer.accounts.add("swing", "manual", wallet_balance=5_000.0)
        viewer = MonitorSession(postgres_url, viewer=True, webhooks=[])
        rec = Recorder()
        try:
            viewer.start().subscribe(rec.on_snapshot, rec.on_event)
            wait_for(viewer.feed.listening.is_set)
            wait_for(lambda: (s := rec.latest("swing")) is not None and s.known)
            # A collector's write, then its notice: the viewer re-reads that account.
            writer.positions.save(account_id, BTC)
            notices = StoreNotices(writer.engine.url)
            notices(account_id)
            notices.close()
            snap = wait_for(lambda: (s := rec.latest("swing")) and s.health.positions and s)
            expected = evaluate_accounts([Account("swing", 5_000.0, (BTC,))])[0]
            assert snap.health.health_ratio == expected.health_ratio
            assert viewer.venue is None  # nothing to poll with
            # A what-if stays in the window: its figures move, the shared database does not.
            what_if = replace(BTC, symbol="ETH/USDT:USDT", entry_price=3_000, mark_price=3_000,
                              contracts=10, hypothetical=True)  # fmt: skip
            whatif_id = viewer.service.save_position(account_id, what_if).result(10)
            with_it = wait_for(
                lambda: (s := rec.latest("swing")) and len(s.health.positions) == 2 and s
            )
            both = evaluate_accounts([Account("swing", 5_000.0, (BTC, what_if))])[0]
            assert with_it.health.health_ratio == both.health_ratio
            assert [p.kind for p in writer.positions.list(account_id)] == ["manual"]
            viewer.service.delete_position(account_id, whatif_id).result(10)
            wait_for(lambda: len(rec.latest("swing").health.positions) == 1)
        finally:
            viewer.stop()
        # A viewer writes nothing: no alert, no history.
        assert writer.alerts.recent() == ()
        assert len(writer.history.health(account_id, 0, 2e9)) == 0


def test_a_window_on_a_sqlite_file_is_never_a_viewer(tmp_path):
    url = f"sqlite:///{tmp_path / 'own.sqlite3'}"
    with open_database(url) as db:
        db.accounts.add("swing", "manual", wallet_balance=5_000.0)
        db.leases.cycle("some-collector", 2e9, 60.0)  # even with a (stray) live collector
    session = MonitorSession(url, viewer=None, webhooks=[])
    session.start()
    try:
        assert not session.viewer and session.feed is None
    finally:
        session.stop()
    with pytest.raises(StoreError, match="viewer needs PostgreSQL"):
        MonitorSession(url, viewer=True, webhooks=[])


def test_a_viewer_that_lost_its_connection_reconnects_and_catches_up(postgres_url):
    from tests.postgres import drop_connections

    with open_database(postgres_url) as writer:
        account_id = writer.accounts.add("swing", "manual", wallet_balance=5_000.0)
        viewer = MonitorSession(postgres_url, viewer=True, webhooks=[])
        rec = Recorder()
        try:
            viewer.start().subscribe(rec.on_snapshot, rec.on_event)
            wait_for(viewer.feed.listening.is_set)
            reloads = viewer.feed.reloads
            assert drop_connections(postgres_url) >= 1  # the server ends the LISTEN session
            # Written while the viewer was cut off, and told to nobody listening...
            writer.positions.save(account_id, BTC)
            # ... yet shown: on reconnecting the viewer re-reads every account.
            wait_for(lambda: viewer.feed.reloads > reloads and viewer.feed.listening.is_set())
            snap = wait_for(lambda: (s := rec.latest("swing")) and s.health.positions and s)
            assert snap.health.positions[0].symbol == BTC.symbol
        finally:
            viewer.stop()


class _SlowReloads:
    """A service whose reloads take as long as the test says: each call's ids, and a future
    finished only when the test lets it."""

    def __init__(self) -> None:
        self.calls: list[set[int] | None] = []
        self.futures: list[Future[None]] = []

    def reload(self, account_ids: Iterable[int] | None = None) -> Future[None]:
        self.calls.append(None if account_ids is None else set(account_ids))
        self.futures.append(Future())
        return self.futures[-1]


def test_a_viewer_reloads_one_batch_at_a_time_the_rest_merged(postgres_url):
    """A reload slower than the batches (a loaded machine, every account written at once in a
    crash) is not queued behind: what is told meanwhile waits, merged, for it to finish. Queued,
    they grew without end: the viewer fell behind, and its service's stop waited behind them."""
    service = _SlowReloads()
    url = make_url(postgres_url)
    feed = ViewerFeed(url, service)
    notices = StoreNotices(url)
    feed.start()
    try:
        wait_for(lambda: len(service.calls) == 1)  # every account, on listening
        assert service.calls == [None]
        for account_id in (1, 2, 3):  # told in three batches while the first reload runs
            notices(account_id)
            time.sleep(BATCH_SECONDS * 1.5)  # a batch apart: a wait for time itself
        assert len(service.calls) == 1  # none handed while one runs
        service.futures[0].set_result(None)
        wait_for(lambda: len(service.calls) == 2)
        assert service.calls[1] == {1, 2, 3}  # merged
        notices(4)
        time.sleep(BATCH_SECONDS * 1.5)
        assert len(service.calls) == 2
        service.futures[1].set_result(None)
        wait_for(lambda: len(service.calls) == 3)
        assert service.calls[2] == {4}
    finally:
        for future in service.futures:
            if not future.done():
                future.set_result(None)
        notices.close()
        feed.stop()
