"""Where a position's mark comes from and how old it is, in the trader's words.

A typed mark is the one to distrust: it never moves with the market, so it is labelled in the
cell itself; the others (a stream, a REST read, a venue's public ticker) say so on hover.
PositionRow.mark_source / mark_at carry the source and the time of the read for any column.
"""

from __future__ import annotations

import time

from monitor.domain.model import Position
from monitor.formats.mark_age import TYPED, ago, typed_age
from monitor.service.snapshot import AccountSnapshot
from monitor.ui import formatting as fmt

WORDS = {
    "stream": "live stream",
    "rest": "REST read",
    "public": "public ticker",
    TYPED: "typed by hand",
}


def mark_source(
    position: Position, kind: str, snap: AccountSnapshot, typed_at: float | None = None
) -> tuple[str, float | None]:
    """(source, epoch seconds of the mark or None) for a row of `kind` ("live", "manual",
    "hypothetical"); `typed_at` is when the row's mark was typed, if the store knows. A
    symbol's origin counts only while the row's mark is the price read: a mark typed since
    is the trader's."""
    origin = snap.mark_origin(position.symbol)
    if origin is not None and origin.price == position.mark_price:
        return origin.source, origin.at
    if kind == "live":  # a venue's row, read with the account
        return "rest", snap.status.last_success
    return TYPED, typed_at


def mark_cell(price: str, source: str, at: float | None = None) -> str:
    return f"{price} · {typed_age(at, time.time())}" if source == TYPED else price


def mark_tooltip(source: str, at: float | None, venue: str | None) -> str:
    """The mark's source in words. A venue's read (REST, stream) comes with every refresh: its
    age is the account's (the header's "live · 2 s"), and a time here would change the row's
    tooltip, so repaint every cell of it, at each read. A public ticker read on request, or a
    manual account's polled marks, say when they were read."""
    if source == TYPED:
        where = f"; Account ▸ Refresh marks from {venue} reads the venue's" if venue else ""
        when = "" if at is None else f" {ago(time.time() - at)} (at {read_time(at)})"
        return f"mark: typed by hand{when}, not a market price{where}"
    if source == "public":
        return f"mark: {venue or 'the venue'} public ticker, read at {read_time(at)}"
    return f"mark: {WORDS.get(source, source)} from the venue, as old as the account's data"


def read_time(at: float | None) -> str:
    """Local clock time of a read; the date too when it was not today."""
    if at is None:
        return fmt.UNKNOWN
    when = time.localtime(at)
    if time.strftime("%Y-%m-%d", when) != time.strftime("%Y-%m-%d"):
        return time.strftime("%Y-%m-%d %H:%M:%S", when)
    return time.strftime("%H:%M:%S", when)
