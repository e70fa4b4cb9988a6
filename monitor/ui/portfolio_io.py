"""Import and export portfolio files (margin-monitor.portfolio/1) through the service."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from monitor.domain.model import Account
from monitor.formats.portfolio import dump_portfolio, load_portfolio
from monitor.service.api import ServiceApi
from monitor.service.snapshot import AccountSnapshot


def export_account(snap: AccountSnapshot) -> Account:
    """The account as the trader typed or holds it, switched-off what-ifs included."""
    if snap.account is None:
        raise ValueError(f"{snap.name}: no positions known yet")
    positions = [
        dataclasses.replace(p, hypothetical=p.hypothetical or ref.kind == "hypothetical")
        for p, ref in zip(snap.account.positions, snap.refs, strict=False)
    ]
    positions += [dataclasses.replace(p, hypothetical=True) for _, p in snap.disabled]
    return dataclasses.replace(snap.account, positions=tuple(positions))


def write_export(path: str | Path, snaps: list[AccountSnapshot]) -> None:
    Path(path).write_text(dump_portfolio([export_account(s) for s in snaps]), encoding="utf-8")


WhenDone = Callable[[Future[Any], Callable[[Future[Any]], None]], None]


def import_portfolio(
    path: str | Path, service: ServiceApi, when_done: WhenDone, on_error: Callable[[str], None]
) -> int:
    """Create one manual account per account in the file; raises PortfolioError if invalid.

    Nothing is created unless the whole file is valid. Returns the number of accounts.
    `when_done` is the hub's: the follow-up runs on the GUI thread, and never after the
    window is gone (a callback on the service thread touching a deleted Qt object crashes).
    """
    accounts = load_portfolio(path)
    for account in accounts:
        future = service.create_manual_account(
            account.name, account.wallet_balance, account.collateral, account.venue
        )
        when_done(future, _save_positions(service, account, on_error))
    return len(accounts)


def _save_positions(
    service: ServiceApi, account: Account, on_error: Callable[[str], None]
) -> Callable[[Future[int]], None]:
    def done(future: Future[int]) -> None:
        exc = future.exception()
        if exc is not None:
            on_error(f"import of {account.name}: {exc}")
            return
        account_id = future.result()
        for p in account.positions:
            service.save_position(account_id, p)

    return done
