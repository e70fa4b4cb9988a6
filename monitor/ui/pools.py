"""An account's margin pools as the window shows them: which one leads, which one a what-if is
in, and a pool's collateral in words."""

from __future__ import annotations

from collections.abc import Sequence

from monitor.domain.model import Account, Collateral, Position
from monitor.service.snapshot import AccountSnapshot, PoolSnapshot
from monitor.ui import formatting as fmt


def name(pool: PoolSnapshot) -> str:
    """The pool's name as shown: its collateral ("USDT", "USD", "BTC")."""
    return pool.pool or "pool"


def has_whatif(pool: PoolSnapshot) -> bool:
    """Whether a switched-on what-if counts in this pool."""
    return any(r.kind == "hypothetical" and r.enabled for r in pool.refs) or any(
        p.hypothetical for p in pool.account.positions
    )


def whatif_pools(snap: AccountSnapshot) -> list[PoolSnapshot]:
    """The pools a switched-on what-if lands in, worst first."""
    return [p for p in snap.pools if has_whatif(p)]


def headline(snap: AccountSnapshot) -> PoolSnapshot | None:
    """The pool shown large: the worst one (the service orders pools by their real book)."""
    return snap.pools[0] if snap.pools else None


def charted(snap: AccountSnapshot) -> PoolSnapshot | None:
    """The pool the stress curve shows: the one a what-if lands in, else the worst."""
    with_whatif = whatif_pools(snap)
    return with_whatif[0] if with_whatif else headline(snap)


def _collateral(c: Collateral) -> str:
    price = f"{c.price:,.0f}" if abs(c.price) >= 1000 else fmt.price(c.price)
    return f"{fmt.amount(c.amount)} {c.asset} @ {price} × {round(c.ratio * 100, 1):g} %"


def collateral_text(account: Account) -> str:
    """A multi-asset pool's collateral, e.g. "0.5 BTC @ 91,200 × 95 %" (× the share that
    counts, 1 − haircut); "" for a single-currency pool."""
    return ",  ".join(_collateral(c) for c in account.collaterals)


def pool_for(pools: Sequence[Account], position: Position) -> Account | None:
    """The pool a new position would count in, as the service places it: the pool of its
    settle currency, else a USD-valued pool for a linear contract, else the first."""
    if not pools:
        return None
    by_name = {p.collateral or "": p for p in pools}
    settle = position.symbol.split(":", 1)[1].split("-", 1)[0] if ":" in position.symbol else None
    if settle is not None and settle in by_name:
        return by_name[settle]
    if not position.inverse and "USD" in by_name:
        return by_name["USD"]
    return pools[0]
