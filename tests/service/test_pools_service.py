"""Every margin pool of an account watched by the running service: its own health, its own
alert subject, the worst first — on the simulated Binance venue through the real ccxt."""

from __future__ import annotations

from monitor.domain.report import Level
from monitor.sources.sim import SimBook, SimPosition

from .conftest import wait_for

# USDT pool near liquidation (critical), USDC pool comfortable.
TWO_POOLS = SimBook(
    "two",
    1_950.0,
    (SimPosition("BTCUSDT", 5.0, 61_000.0, 125), SimPosition("ETHUSDC", 1.0, 3_051.0, 20)),
    wallets={"USDC": 10_000.0},
)


def test_each_pool_has_its_own_health_and_alert(db, venue, make_service):
    venue.set_marks({"BTCUSDT": 61_000.0, "ETHUSDC": 3_051.0})
    c = venue.add_book(TWO_POOLS)
    account_id = db.accounts.add(
        "two", "simulated", venue="binanceusdm", settings={"interval": 0.2}
    )
    service, rec = make_service({"two": (c.api_key, c.secret)})
    service.start()
    snap = wait_for(lambda: (s := rec.latest("two")) and s.known and len(s.pools) == 2 and s)
    reported = venue.reported(c.api_key)
    usdt, usdc = snap.pools  # worst first
    assert (usdt.pool, usdc.pool) == ("USDT", "USDC")
    assert abs(usdt.health.health_ratio / reported.pool("USDT").health - 1) < 1e-6
    assert abs(usdc.health.health_ratio / reported.pool("USDC").health - 1) < 1e-6
    assert snap.health is usdt.health  # the account's headline is its worst pool

    alerts = wait_for(
        lambda: [
            e.payload
            for e in list(rec.events)
            if e.kind == "alert" and e.payload.subject == f"{account_id}:pool:USDT"
        ]
    )
    assert alerts[0].level is Level.CRITICAL and "USDT pool" in alerts[0].message
    assert not [
        e for e in list(rec.events) if e.kind == "alert" and "USDC" in e.payload.subject
    ]  # a healthy pool raises nothing
