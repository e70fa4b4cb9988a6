"""Several margin pools of one account: stored whole, read back exactly, what-ifs placed."""

from __future__ import annotations

from dataclasses import replace

from monitor.domain.model import (
    Account,
    Collateral,
    HaircutTier,
    Maintenance,
    Position,
    SettleAsset,
    Side,
)


def _position(symbol: str, side: Side = Side.LONG, **kw: object) -> Position:
    return Position(
        symbol=symbol,
        side=side,
        contracts=0.1 + 0.2,
        entry_price=60_000.0 / 7,
        mark_price=61_000.0 / 3,
        maintenance=Maintenance.flat(0.004),
        exchange_liquidation_price=12_345.678,
        exchange_maintenance_margin=1 / 3,
        **kw,  # type: ignore[arg-type]
    )


POOLS = (
    Account(
        "acct · USD",
        1 / 3,
        (_position("BTC/USDT:USDT"), _position("BTC/USDT:USDT", Side.SHORT)),
        venue="bybit",
        collateral="USD",
        exchange_health_ratio=2 / 3,
        exchange_maintenance_margin=5 / 7,
        collaterals=(
            Collateral("BTC", 0.3, 61_000.5, (HaircutTier(0.0, 0.98), HaircutTier(10, 0.95))),
        ),
        settle_assets=(SettleAsset("USDT", 1_000.1, 0.99965002, 0.99984997),),
    ),
    Account("acct · USDC", 250.25, (_position("ETH/USDC:USDC"),), venue="bybit", collateral="USDC"),
)


def test_every_pool_round_trips_exactly(db):
    account_id = db.accounts.add("acct", "exchange", venue="bybit")
    db.positions.replace_pools(account_id, POOLS, 1_700_000_000.5)
    record = db.accounts.get(account_id)
    assert [p.name for p in record.pools] == ["USD", "USDC"]
    usd = record.pools[0]
    assert usd.collaterals == POOLS[0].collaterals
    assert usd.settle_assets == POOLS[0].settle_assets
    assert (usd.exchange_health_ratio, usd.exchange_maintenance_margin) == (2 / 3, 5 / 7)
    with db.read() as s:
        from monitor.store.positions import load_pools

        loaded = load_pools(s, account_id)
    assert loaded == POOLS


def test_a_what_if_lands_in_the_pool_of_its_settle_currency(db):
    account_id = db.accounts.add("acct", "exchange", venue="bybit")
    db.positions.replace_pools(account_id, POOLS, 1.0)
    db.positions.save(account_id, replace(_position("SOL/USDC:USDC"), hypothetical=True))
    stored = {s.position.symbol: s for s in db.positions.list(account_id)}
    assert stored["SOL/USDC:USDC"].pool is None  # placed when read, by its settle currency
    with db.read() as s:
        from monitor.store.positions import load_pools

        usd, usdc = load_pools(s, account_id)
    assert [p.symbol for p in usdc.positions] == ["ETH/USDC:USDC", "SOL/USDC:USDC"]
    assert len(usd.positions) == 2


def test_a_new_refresh_replaces_every_pool(db):
    account_id = db.accounts.add("acct", "exchange", venue="bybit")
    db.positions.replace_pools(account_id, POOLS, 1.0)
    db.positions.replace_pools(account_id, POOLS[1:], 2.0)
    record = db.accounts.get(account_id)
    assert [p.name for p in record.pools] == ["USDC"]
    assert [s.position.symbol for s in db.positions.list(account_id)] == ["ETH/USDC:USDC"]


def test_export_writes_each_pool_and_refuses_to_drop_collateral(db):
    import pytest

    from monitor.store.errors import StoreError
    from monitor.store.portfolio_io import export_accounts

    account_id = db.accounts.add("acct", "exchange", venue="bybit")
    plain = (replace(POOLS[0], collaterals=(), settle_assets=()), POOLS[1])
    db.positions.replace_pools(account_id, plain, 1.0)
    exported = export_accounts(db)
    assert [(a.name, a.wallet_balance, len(a.positions)) for a in exported] == [
        ("acct · USD", 1 / 3, 2),
        ("acct · USDC", 250.25, 1),
    ]
    db.positions.replace_pools(account_id, POOLS, 2.0)
    with pytest.raises(StoreError, match=r"acct · USD.*BTC"):
        export_accounts(db)
