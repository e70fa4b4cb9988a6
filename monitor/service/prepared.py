"""An account's pools made ready for evaluation at any marks, and many accounts evaluated at once.

A streamed mark moves no position: between two REST reads an account's pools keep the same
positions, so each pool's book (the per-position Python work) is built once, when its stored
positions change, and a mark tick only fills in a mark per row. The pools of every account a
tick moved are then evaluated in one vectorised pass (domain.book_concat).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from monitor.domain import AccountHealth
from monitor.domain.book import Book, FloatArray
from monitor.domain.book_concat import concat_books
from monitor.domain.dict_init import dict_init
from monitor.domain.engine import evaluate
from monitor.domain.model import Account, Position, Thresholds
from monitor.service.snapshot import PositionRef
from monitor.store.pools import pool_account, pool_of
from monitor.store.records import AccountRecord, PoolRecord, StoredPosition


def at_mark(position: Position, mark: float) -> Position:
    """The position at another mark. A field copy rather than dataclasses.replace (ten times
    the cost): a tick copies every position of every pool it moves."""
    if mark == position.mark_price:
        return position
    moved = object.__new__(Position)
    moved.__dict__.update(position.__dict__)
    moved.__dict__["mark_price"] = mark
    return moved


def with_positions(account: Account, positions: tuple[Position, ...]) -> Account:
    """The account holding `positions` (the same ones at other marks): a field copy, as
    at_mark."""
    moved = object.__new__(Account)
    moved.__dict__.update(account.__dict__)
    moved.__dict__["positions"] = positions
    return moved


class JoinedBooks:
    """The last joins of prepared books, by the books joined: the accounts holding one symbol
    stay the same from tick to tick, and so does the join of their books."""

    LIMIT = 256

    def __init__(self) -> None:
        # Keyed by the books' ids; each entry keeps its books alive so an id is never reused.
        self._joins: dict[tuple[int, ...], tuple[tuple[Book, ...], Book]] = {}

    def join(self, books: Sequence[Book]) -> Book:
        key = tuple(id(b) for b in books)
        hit = self._joins.get(key)
        if hit is not None:
            return hit[1]
        joined = concat_books(books)
        if len(self._joins) >= self.LIMIT:
            self._joins.pop(next(iter(self._joins)))  # the oldest
        self._joins[key] = (tuple(books), joined)
        return joined


@dataclass(frozen=True)
class PreparedPool:
    pool: PoolRecord
    refs: tuple[PositionRef, ...]
    account: Account  # at the stored marks, switched-on what-ifs included
    book: Book  # the account, then (with what-ifs on) the account without them
    whatif: bool
    symbols: tuple[str, ...]  # per row of the book
    stored_marks: tuple[float, ...]


@dataclass(frozen=True)
class PreparedAccount:
    """What one account's stored rows make of its pools; valid while `record` and `stored` are
    the very objects it was made from."""

    record: AccountRecord
    stored: Sequence[StoredPosition]
    pools: tuple[PreparedPool, ...]
    disabled: tuple[tuple[int, Position], ...]  # switched-off what-ifs, at the stored marks

    def made_from(self, record: AccountRecord, stored: Sequence[StoredPosition]) -> bool:
        return self.record is record and self.stored is stored

    def marks_of(self, pool: PreparedPool, marks: Mapping[str, float]) -> list[float]:
        return list(map(marks.get, pool.symbols, pool.stored_marks))


def prepare(record: AccountRecord, stored: Sequence[StoredPosition]) -> PreparedAccount:
    live = [s for s in stored if not (s.kind == "hypothetical" and not s.enabled)]
    names = [p.name for p in record.pools]
    pools = []
    for pool in record.pools:
        members = [s for s in live if pool_of(s.position, s.pool, names) == pool.name]
        positions = tuple(s.position for s in members)
        account = pool_account(
            record.name, record.venue, record.collateral, pool, len(names), positions
        )
        whatif = any(p.hypothetical for p in positions)
        accounts = [account]
        if whatif:
            accounts.append(
                replace(account, positions=tuple(p for p in positions if not p.hypothetical))
            )
        book = Book.build(accounts)
        symbols = tuple(p.symbol for a in accounts for p in a.positions)
        pools.append(
            PreparedPool(
                pool=pool,
                refs=tuple(
                    PositionRef(
                        s.position_id if s.kind != "live" else None,
                        s.kind,
                        s.enabled,
                        s.mark_typed_at,
                    )
                    for s in members
                ),
                account=account,
                book=book,
                whatif=whatif,
                symbols=symbols,
                stored_marks=tuple(book.mark0.tolist()),
            )
        )
    disabled = tuple(
        (s.position_id, s.position)
        for s in stored
        if s.kind == "hypothetical" and not s.enabled and s.position_id is not None
    )
    return PreparedAccount(record, stored, tuple(pools), disabled)


@dict_init
@dataclass(frozen=True)
class PoolResult:
    account: Account  # at the marks evaluated
    health: AccountHealth
    baseline: AccountHealth


def evaluate_prepared(
    jobs: Sequence[tuple[PreparedAccount, Mapping[str, float]]],
    joins: JoinedBooks | None = None,
) -> list[list[PoolResult]]:
    """Every pool of every (account, marks) job in one pass; per job, a result per pool."""
    books: list[Book] = []
    marks: list[float] = []
    limits: list[Thresholds] = []
    for prepared, job_marks in jobs:
        for pool in prepared.pools:
            books.append(pool.book)
            marks.extend(prepared.marks_of(pool, job_marks))
            limits.extend([prepared.record.thresholds] * len(pool.book.accounts))
    if not books:
        return [[] for _ in jobs]
    book = concat_books(books) if joins is None else joins.join(books)
    mark_array: FloatArray = np.array(marks, dtype=np.float64)
    healths = evaluate(book, mark_array, tuple(limits))
    # Only the rows whose mark moved get a new position: a tick moves one symbol of a pool.
    changed = np.flatnonzero(mark_array != book.mark0).tolist()
    changed.append(len(marks))  # a sentinel past the last row
    out: list[list[PoolResult]] = []
    at = 0
    row = 0
    c = 0
    for prepared, _ in jobs:
        results = []
        for pool in prepared.pools:
            health = healths[at]
            baseline = healths[at + 1] if pool.whatif else health
            account = pool.account
            end = row + len(account.positions)
            if changed[c] < end:
                positions = list(account.positions)
                while changed[c] < end:
                    r = changed[c]
                    positions[r - row] = at_mark(positions[r - row], marks[r])
                    c += 1
                account = with_positions(account, tuple(positions))
            row += pool.book.size
            while changed[c] < row:  # the rows of the pool without its what-ifs
                c += 1
            results.append(PoolResult(account, health, baseline))
            at += len(pool.book.accounts)
        out.append(results)
    return out
