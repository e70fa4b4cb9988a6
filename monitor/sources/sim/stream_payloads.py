"""Stream events of the simulated Binance USDⓈ-M venue, in Binance's shapes.

markPriceUpdate: "Mark Price Stream" (developers.binance.com/docs/derivatives/
usds-margined-futures/websocket-market-streams/Mark-Price-Stream). Its fields are the ones
GET /fapi/v1/premiumIndex serves (p markPrice, i indexPrice, P estimatedSettlePrice,
r lastFundingRate, T nextFundingTime), so they come from the same body (market_data.py): the
stream and the REST answer can never disagree about a mark.

ACCOUNT_UPDATE: "Event: Balance and Position Update" (developers.binance.com/docs/derivatives/
usds-margined-futures/user-data-streams/Event-Balance-and-Position-Update). Binance pushes it
"only when update happens on user's account, including changes on balances, positions, or
margin type", with "only symbols of changed positions". A mark move is none of those, so the
venue sends ACCOUNT_UPDATE only when an account's book changes (SimVenue.set_book), never on a
mark move: a client follows marks on the mark price streams, as it must on Binance.
"""

from __future__ import annotations

from typing import Any

from monitor.sources.sim.figures import AccountFigures, PositionFigures, dec, plain
from monitor.sources.sim.market_data import premium_index
from monitor.sources.sim.markets import SimMarket

Json = dict[str, Any]


def mark_price_update(market: SimMarket, mark: float, now_ms: int) -> Json:
    body = premium_index(market, mark, now_ms)
    return {
        "e": "markPriceUpdate",
        "E": now_ms,
        "s": market.id,
        "p": body["markPrice"],
        "i": body["indexPrice"],
        "P": body["estimatedSettlePrice"],
        "r": body["lastFundingRate"],
        "T": body["nextFundingTime"],
    }


def listen_key_expired(listen_key: str, now_ms: int) -> Json:
    """ "Event: User Data Stream Expired" (user-data-streams/Event-User-Data-Stream-Expired)."""
    return {"e": "listenKeyExpired", "E": now_ms, "listenKey": listen_key}


Leg = tuple[str, str]  # (market id, positionSide)


def _held(figs: AccountFigures) -> dict[Leg, PositionFigures]:
    return {(f.market.id, f.source.side): f for f in figs.positions}


def _state(f: PositionFigures) -> tuple[float, float, float | None]:
    # Leverage alone is an ACCOUNT_CONFIG_UPDATE on Binance, not an ACCOUNT_UPDATE.
    return (f.source.amount, f.source.entry_price, f.source.isolated_wallet)


def _position_row(f: PositionFigures) -> Json:
    p = f.source
    return {
        "s": f.market.id,
        "pa": plain(p.amount),
        "ep": plain(p.entry_price),
        "bep": plain(p.entry_price),  # no fees in the simulation: break-even = entry
        "cr": "0",  # the simulation keeps no realised PnL (its choice)
        "up": dec(f.pnl),
        "mt": "isolated" if p.isolated else "cross",
        "iw": dec(p.isolated_wallet or 0.0),
        "ps": p.side,
        "ma": f.asset,
    }


def _closed_row(f: PositionFigures) -> Json:
    """A leg the new book no longer holds: Binance reports it with a zero amount."""
    return {
        **_position_row(f),
        "pa": "0",
        "ep": "0.0",
        "bep": "0",
        "up": "0",
        "iw": "0",
    }


def account_update(before: AccountFigures, after: AccountFigures, now_ms: int) -> Json | None:
    """The ACCOUNT_UPDATE for a book going from `before` to `after` at the same marks, or None
    if nothing Binance reports there changed.

    P holds only the changed legs (a closed one with pa "0"); B holds the assets whose wallet
    (wb) or cross wallet (cw) changed, and the margin asset of every changed leg. The venue
    has no trades, so the whole wallet change counts as a transfer: bc = change of wb, and the
    reason m is ORDER when a position changed, else DEPOSIT or WITHDRAW (the docs list these
    reasons; which one a replaced book stands for is the simulation's choice).
    """
    old, new = _held(before), _held(after)
    rows = [
        _position_row(f)
        for leg, f in new.items()
        if leg not in old or _state(f) != _state(old[leg])
    ]
    rows += [_closed_row(f) for leg, f in old.items() if leg not in new]
    touched = {r["ma"] for r in rows}
    was = {a.asset: (a.wallet, a.cross_wallet) for a in before.assets}
    is_ = {a.asset: (a.wallet, a.cross_wallet) for a in after.assets}
    balances = []
    total_change = 0.0
    for asset in [*is_, *(a for a in was if a not in is_)]:
        (wb, cw), (wb_was, cw_was) = is_.get(asset, (0.0, 0.0)), was.get(asset, (0.0, 0.0))
        if asset in touched or (wb, cw) != (wb_was, cw_was):
            total_change += wb - wb_was
            balances.append({"a": asset, "wb": dec(wb), "cw": dec(cw), "bc": dec(wb - wb_was)})
    if not rows and not balances:
        return None
    reason = "ORDER" if rows else ("DEPOSIT" if total_change > 0 else "WITHDRAW")
    return {
        "e": "ACCOUNT_UPDATE",
        "E": now_ms,
        "T": now_ms,
        "a": {"m": reason, "B": balances, "P": rows},
    }
