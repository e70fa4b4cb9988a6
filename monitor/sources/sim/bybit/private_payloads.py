"""What the private stream pushes when an account's book changes: the `wallet` and `position`
data of Bybit v5, from the same bodies the REST answers are built from (account_data.py), so the
stream and GET /v5/account/wallet-balance, GET /v5/position/list never disagree.

Bybit's docs (docs/v5/websocket/private/wallet, .../position):
- wallet: one UNIFIED entry, the fields of "Get Wallet Balance" (account_data.wallet_row);
  "There is no snapshot event given at the time when the subscription is successful" and "The
  unrealised PnL change does not trigger an event": the venue pushes on a book change only,
  never on a mark move.
- position: the position rows of "Get Position Info" with `entryPrice` where REST says
  `avgPrice`, and `category`; "side: return an empty string "" for an empty position" — a
  closed leg is pushed once, as the row REST gives for a symbol without a position (size "0",
  side ""), at its positionIdx.

Choices where the docs are silent (the simulation's): a book change is one account event; the
wallet is pushed whenever the book differs (coins, positions, margin mode or fee rates), and
the position rows of the legs (symbol, positionIdx) that were opened, changed or closed. `seq`
counts the venue's account events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from monitor.sources.sim.bybit.account_data import empty_row, position_row, wallet_row

if TYPE_CHECKING:
    from monitor.sources.sim.bybit.venue import AccountView

Json = dict[str, Any]
CATEGORY = "linear"  # every market of the simulated venue is a linear perpetual


@dataclass(frozen=True)
class AccountChange:
    """One account event: the wallet entry and the position rows that changed."""

    wallet: Json
    positions: tuple[Json, ...]


def ws_position(row: Json) -> Json:
    """A REST position row as the stream writes it: entryPrice for avgPrice, with category."""
    ws = {"category": CATEGORY, **row}
    ws["entryPrice"] = ws.pop("avgPrice")
    return ws


def account_change(before: AccountView, after: AccountView, seq: int) -> AccountChange | None:
    """The pushes for a book going from `before` to `after` (both at the same marks); None when
    the book did not change."""
    if before.book == after.book:
        return None
    old = {(p.symbol, p.position_idx): p for p in before.book.positions}
    new = {(p.symbol, p.position_idx): p for p in after.book.positions}
    rows: list[Json] = []
    for s in after.state.positions:
        key = (s.market.id, s.position.position_idx)
        if old.get(key) != s.position:
            liq = after.liquidation[key]
            rows.append(ws_position(position_row(s, liq, after.book.taker_fee, after.now_ms, seq)))
    for s in before.state.positions:
        key = (s.market.id, s.position.position_idx)
        if key not in new:
            closed = empty_row(s.market, after.marks[s.market.id], seq)
            closed.update(positionIdx=s.position.position_idx, updatedTime=str(after.now_ms))
            rows.append(ws_position(closed))
    wallet = wallet_row(after.book, after.state, after.marks, None)
    return AccountChange(wallet, tuple(rows))
