"""Portfolio files in and out of the store, and the stored accounts as `check` evaluates them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from monitor.contracts import configured_interval
from monitor.domain.alerts import DEFAULT_RULES
from monitor.domain.model import Account, Thresholds
from monitor.store.account_rows import to_record
from monitor.store.accounts import add_account
from monitor.store.database import Database
from monitor.store.errors import StoreError
from monitor.store.models import AccountRow, MarkRow, PositionRow
from monitor.store.positions import add_position, load_pools
from monitor.store.records import PositionKind


def import_accounts(
    db: Database,
    accounts: Sequence[Account],
    *,
    replace: bool = False,
    typed_at: float | None = None,
) -> tuple[int, ...]:
    """Add the accounts as manual ones, all or none. A name already stored is refused unless
    `replace`, which removes the stored account (history included) first. `typed_at`: when
    their marks entered the app (a file does not say when they were typed)."""
    with db.write() as s:
        ids = []
        for account in accounts:
            existing = s.scalar(select(AccountRow.id).where(AccountRow.name == account.name))
            if existing is not None:
                if not replace:
                    raise StoreError(
                        f"account '{account.name}': already stored (use --replace to overwrite)"
                    )
                s.execute(delete(AccountRow).where(AccountRow.id == existing))
            account_id = add_account(
                s,
                account.name,
                "manual",
                venue=account.venue,
                collateral=account.collateral,
                wallet_balance=account.wallet_balance,
            )
            for p in account.positions:
                kind: PositionKind = "hypothetical" if p.hypothetical else "manual"
                add_position(s, account_id, p, kind, typed_at=typed_at)
            ids.append(account_id)
        return tuple(ids)


def export_accounts(db: Database, names: Sequence[str] | None = None) -> tuple[Account, ...]:
    """The named accounts (all when None), as the engine evaluates them: switched-off
    hypothetical positions are left out, since the file format cannot mark them off."""
    with db.read() as s:
        rows = s.scalars(select(AccountRow).order_by(AccountRow.id)).all()
        by_name = {r.name: r for r in rows}
        missing = [n for n in names or () if n not in by_name]
        if missing:
            raise StoreError(f"account '{missing[0]}': no such account")
        chosen = rows if names is None else [by_name[n] for n in dict.fromkeys(names)]
        # The file format has one wallet per account: each pool becomes an account of its own
        # ("name · USDC"). Collateral it cannot hold is refused, never dropped.
        pools = [p for r in chosen for p in load_pools(s, r.id)]
        for pool in pools:
            if pool.collaterals or pool.settle_assets:
                raise StoreError(
                    f"account '{pool.name}': a multi-asset pool (collateral "
                    f"{', '.join(c.asset for c in pool.collaterals) or 'by asset rates'}) "
                    "cannot be written as a portfolio file without losing its collateral"
                )
        return tuple(pools)


@dataclass(frozen=True)
class StoredBook:
    """A stored account for `check`: every pool as the engine evaluates it."""

    name: str
    kind: str
    venue: str | None
    thresholds: Thresholds
    pools: tuple[Account, ...]
    # Where its public market data (candles, funding) is read: (ccxt id, REST base URL).
    market: tuple[str | None, str | None] = (None, None)
    # A manual account's marks: where each came from and when (see typed_marks).
    marks: tuple[MarkAge, ...] = ()


@dataclass(frozen=True)
class MarkAge:
    """Where a typed position's mark came from: "typed" (at: when, None if never kept) or
    "public" (the venue's public ticker, read at `at`)."""

    symbol: str
    source: str
    at: float | None
    venue: str | None = None


def typed_marks(session: Session, account_id: int, venue: str | None) -> tuple[MarkAge, ...]:
    """The marks of a manual account's rows (what-ifs switched on included), one per symbol
    and age: a mark still at the venue's last public read is the venue's, as of that read."""
    rows = session.scalars(
        select(PositionRow)
        .where(PositionRow.account_id == account_id, PositionRow.kind != "live")
        .order_by(PositionRow.id)
    ).all()
    public = {}
    if venue:
        public = {
            m.symbol: m for m in session.scalars(select(MarkRow).where(MarkRow.venue == venue))
        }
    ages: dict[MarkAge, None] = {}
    for r in rows:
        if r.kind == "hypothetical" and not r.enabled:
            continue
        read = public.get(r.symbol)
        if r.mark_typed_at is None and read is not None and read.price == r.mark_price:
            ages[MarkAge(r.symbol, "public", read.fetched_at, venue)] = None
        else:
            ages[MarkAge(r.symbol, "typed", r.mark_typed_at)] = None
    return tuple(ages)


def _market_of(
    kind: str, venue: str | None, settings: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    if kind == "manual":
        return settings.get("marks_from"), settings.get("marks_api_url")
    return settings.get("exchange_id") or venue, settings.get("api_url")


def stored_accounts(db: Database, now: float) -> tuple[StoredBook, ...]:
    """Every stored account with its pools and thresholds, for `check`. An exchange or simulated
    account whose last fetch is older than its stale window cannot be judged: StoreError."""
    with db.read() as s:
        books = []
        for row in s.scalars(select(AccountRow).order_by(AccountRow.id)):
            record = to_record(row)
            if record.kind != "manual":
                fetched = record.positions_fetched_at
                # The one stale rule, as the window and `watch` apply it.
                window = DEFAULT_RULES.stale_after(
                    configured_interval(record.kind, record.settings)
                )
                if fetched is None or now - fetched > window:
                    age = (
                        "never fetched" if fetched is None else f"fetched {now - fetched:.0f} s ago"
                    )
                    raise StoreError(
                        f"account '{record.name}': data too stale to judge ({age}, "
                        f"stale after {window:g} s)"
                    )
            market = _market_of(record.kind, record.venue, record.settings)
            marks: tuple[MarkAge, ...] = ()
            if record.kind == "manual":
                marks = typed_marks(s, row.id, market[0] or record.venue)
            books.append(
                StoredBook(
                    record.name,
                    record.kind,
                    record.venue,
                    record.thresholds,
                    load_pools(s, row.id),
                    market,
                    marks,
                )
            )
        return tuple(books)
