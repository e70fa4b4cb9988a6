"""Independent expected values: the domain engine run by the test on the same inputs."""

from __future__ import annotations

import dataclasses

from monitor.domain.engine import evaluate_accounts
from monitor.domain.model import Account, Position
from monitor.domain.report import AccountHealth
from monitor.service.snapshot import AccountSnapshot


def real_account(snap: AccountSnapshot) -> Account:
    """The account's real book (hypotheticals removed), from the snapshot's raw inputs."""
    assert snap.account is not None
    return dataclasses.replace(
        snap.account, positions=tuple(p for p in snap.account.positions if not p.hypothetical)
    )


def health_of(account: Account, *extra: Position) -> AccountHealth:
    book = dataclasses.replace(account, positions=(*account.positions, *extra))
    (report,) = evaluate_accounts([book])
    return report
