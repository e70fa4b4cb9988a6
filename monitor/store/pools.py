"""An account's margin pools <-> the JSON kept on its row (accounts.pools)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from monitor.domain.model import Account, Collateral, HaircutTier, Position, SettleAsset
from monitor.store.records import PoolRecord

if TYPE_CHECKING:  # a row by its attributes: an ORM row, or plain_read.py's driver row
    from monitor.store.models import AccountRow


def pools_to_json(pools: Sequence[Account]) -> list[dict[str, Any]]:
    return [
        {
            "pool": pool_name(p),
            "wallet_balance": p.wallet_balance,
            "exchange_health_ratio": p.exchange_health_ratio,
            "exchange_maintenance_margin": p.exchange_maintenance_margin,
            "collaterals": [
                {
                    "asset": c.asset,
                    "amount": c.amount,
                    "price": c.price,
                    "ratios": [[t.floor, t.ratio] for t in c.ratios],
                }
                for c in p.collaterals
            ],
            "settle_assets": [
                {"asset": a.asset, "wallet": a.wallet, "bid": a.bid, "ask": a.ask}
                for a in p.settle_assets
            ],
        }
        for p in pools
    ]


def _pool(item: Mapping[str, Any]) -> PoolRecord:
    return PoolRecord(
        name=str(item["pool"]),
        wallet_balance=float(item["wallet_balance"]),
        collaterals=tuple(
            Collateral(
                asset=str(c["asset"]),
                amount=float(c["amount"]),
                price=float(c["price"]),
                ratios=tuple(HaircutTier(float(f), float(r)) for f, r in c["ratios"]),
            )
            for c in item.get("collaterals") or []
        ),
        exchange_health_ratio=item.get("exchange_health_ratio"),
        exchange_maintenance_margin=item.get("exchange_maintenance_margin"),
        settle_assets=tuple(
            SettleAsset(str(a["asset"]), float(a["wallet"]), float(a["bid"]), float(a["ask"]))
            for a in item.get("settle_assets") or []
        ),
    )


def pool_records(row: AccountRow) -> tuple[PoolRecord, ...]:
    """Every pool of the account; an account never fetched (no wallet) has none."""
    if row.pools:
        return tuple(_pool(item) for item in row.pools)
    if row.wallet_balance is None:
        return ()
    return (
        PoolRecord(
            name=row.collateral or "",
            wallet_balance=row.wallet_balance,
            exchange_health_ratio=row.exchange_health_ratio,
        ),
    )


def pool_of(position: Position, stored: str | None, pools: Sequence[str]) -> str:
    """The pool a position counts in: the one stored with it, else the pool of its settle
    currency, else a USD-valued pool for a linear contract, else the first pool."""
    if stored in pools:
        return str(stored)
    settle = position.symbol.split(":", 1)[1].split("-", 1)[0] if ":" in position.symbol else None
    if settle in pools:
        return str(settle)
    if not position.inverse and "USD" in pools:
        return "USD"
    return pools[0]


def pool_account(
    account: str,
    venue: str | None,
    collateral: str | None,
    pool: PoolRecord,
    pools: int,
    positions: tuple[Position, ...],
) -> Account:
    """The engine's Account for one pool of a stored account ("name · pool" among several)."""
    return Account(
        name=account if pools == 1 else f"{account} · {pool.name}",
        wallet_balance=pool.wallet_balance,
        positions=positions,
        venue=venue,
        collateral=pool.name or collateral,
        exchange_health_ratio=pool.exchange_health_ratio,
        collaterals=pool.collaterals,
        exchange_maintenance_margin=pool.exchange_maintenance_margin,
        settle_assets=pool.settle_assets,
    )


def pool_name(pool: Account) -> str:
    """A pool is named by its collateral (the sources set it); a bare account by nothing."""
    return pool.collateral or ""
