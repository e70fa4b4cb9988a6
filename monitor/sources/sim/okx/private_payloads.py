"""The data of OKX's private `account` and `positions` channels, from the same bodies the REST
answers are built from (account_payloads.py): the stream and GET /api/v5/account/balance,
GET /api/v5/account/positions never disagree.

What OKX documents ("Account channel", "Positions channel", https://www.okx.com/docs-v5/en/
#trading-account-websocket-account-channel and ...-positions-channel):
- a push is {"arg": {"channel", "uid", and the subscription's own fields}, "eventType":
  "snapshot" (initial and regular) | "event_update" (event-driven), "curPage", "lastPage" (on
  snapshots only), "data": [...]};
- account: the "Get balance" entry; "Only currencies with non-zero balance will be pushed";
  after a change "only the incremental data of that currency will be pushed";
- positions: the "Get positions" rows, plus pTime ("Push time of positions information");
  "Only position with non-zero position quantity will be pushed" in a snapshot; "when there is
  change in pos of a position, only the data of that position will be pushed triggered by
  this change".

Choices where the docs are silent (the simulation's): a book change (OkxVenue.set_book) is one
account event; a currency's detail counts as changed when any field but uTime differs; a leg
(instId, posSide, mgnMode) counts as changed when the book's position differs; a closed leg is
pushed once with pos "0" (its last row, emptied of exposure: upl, notional, margins 0, no
liqPx); the account entry of an event keeps the account-wide totals and only the changed
currencies' details.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from monitor.sources.sim.okx.account_payloads import balance_data, positions_data
from monitor.sources.sim.okx.report import AccountFigures

Json = dict[str, Any]
INST_TYPE = "SWAP"  # every instrument of the simulated venue is a perpetual swap
LegKey = tuple[str, str, str]  # instId, posSide, mgnMode


@dataclass(frozen=True)
class AccountChange:
    """One account event: the account entry (every currency's detail), the currencies whose
    detail changed, and the position rows of the legs opened, changed or closed."""

    account: Json
    currencies: frozenset[str]
    positions: tuple[Json, ...]


def account_entry(account: Json, currencies: Iterable[str] | None) -> Json:
    """The account entry with the details of `currencies` only (None: all)."""
    if currencies is None:
        return account
    wanted = set(currencies)
    return {**account, "details": [d for d in account["details"] if d["ccy"] in wanted]}


def balance_entry(figures: AccountFigures, now_ms: int) -> Json:
    (entry,) = balance_data(figures, now_ms)
    return entry


def position_rows(figures: AccountFigures, now_ms: int) -> list[Json]:
    return [{**row, "pTime": str(now_ms)} for row in positions_data(figures)]


def leg_key(row: Mapping[str, Any]) -> LegKey:
    return row["instId"], row["posSide"], row["mgnMode"]


def closed_row(last: Json, now_ms: int) -> Json:
    row = dict(last)
    row.update(
        pos="0",
        upl="0",
        uplLastPx="0",
        uplRatio="0",
        uplRatioLastPx="0",
        notionalUsd="0",
        mmr="0",
        imr="0" if last["mgnMode"] == "cross" else "",
        margin="" if last["mgnMode"] == "cross" else "0",
        liqPx="",
        mgnRatio="",
        uTime=str(now_ms),
        pTime=str(now_ms),
    )
    return row


def account_change(
    before: AccountFigures, after: AccountFigures, now_ms: int
) -> AccountChange | None:
    """The pushes for a book going from `before` to `after` (both at the same marks); None when
    the book did not change."""
    if before.book == after.book:
        return None
    old_entry, new_entry = balance_entry(before, now_ms), balance_entry(after, now_ms)
    old_details = {d["ccy"]: _without_time(d) for d in old_entry["details"]}
    changed = frozenset(
        d["ccy"] for d in new_entry["details"] if old_details.get(d["ccy"]) != _without_time(d)
    )
    old_legs = {_book_key(f.leg.position, f.leg.inst.inst_id): f for f in before.legs}
    new_legs = {_book_key(f.leg.position, f.leg.inst.inst_id): f for f in after.legs}
    old_rows = {leg_key(r): r for r in position_rows(before, now_ms)}
    rows = []
    for row in position_rows(after, now_ms):
        key = leg_key(row)
        was = old_legs.get(key)
        if was is None or was.leg.position != new_legs[key].leg.position:
            rows.append(row)
    rows += [closed_row(r, now_ms) for key, r in old_rows.items() if key not in new_legs]
    return AccountChange(new_entry, changed, tuple(rows))


def _book_key(position: Any, inst_id: str) -> LegKey:
    return inst_id, position.pos_side, position.mgn_mode


def _without_time(detail: Json) -> Json:
    return {k: v for k, v in detail.items() if k != "uTime"}
