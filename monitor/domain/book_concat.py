"""Several built books as one, for evaluating many pools in one vectorised pass.

Building a book is the per-position Python work; concatenating built ones is a few array joins.
A mark tick moves the pools holding one symbol across many accounts: each pool's book is built
once when its positions change, and the holders' books are joined and evaluated together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from monitor.domain.book import Book, FloatArray, IntArray, ReportColumns
from monitor.domain.move_groups import Group


def _offset(index: IntArray, by: int) -> IntArray:
    """Shift an index column, leaving -1 ("none") as it is."""
    return np.where(index >= 0, index + by, index)


def _pad(table: FloatArray, width: int, fill: float) -> FloatArray:
    if table.shape[1] == width:
        return table
    pad = np.full((table.shape[0], width - table.shape[1]), fill)
    return np.concatenate([table, pad], axis=1)


def concat_books(books: Sequence[Book]) -> Book:
    """One book holding every account of `books`, in order (account i of the second book is
    account len(first.accounts) + i of the result)."""
    if len(books) == 1:
        return books[0]
    rows = np.cumsum([0, *(b.size for b in books)])
    accounts = np.cumsum([0, *(len(b.accounts) for b in books)])
    colls = np.cumsum([0, *(b.coll_account.size for b in books)])
    assets = np.cumsum([0, *(b.asset_account.size for b in books)])
    width = max(b.floors.shape[1] for b in books)

    def cat(name: str) -> Any:
        return np.concatenate([getattr(b, name) for b in books])

    groups = tuple(
        Group(g.account + int(accounts[i]), g.rows + rows[i], g.collateral + colls[i])
        for i, b in enumerate(books)
        for g in b.groups
    )
    joined = Book(
        accounts=tuple(a for b in books for a in b.accounts),
        account_index=np.concatenate([b.account_index + accounts[i] for i, b in enumerate(books)]),
        wallet=cat("wallet"),
        inverse_account=cat("inverse_account"),
        sigma=cat("sigma"),
        side=cat("side"),
        q=cat("q"),
        inverse=cat("inverse"),
        z_entry=cat("z_entry"),
        isolated=cat("isolated"),
        isolated_margin=cat("isolated_margin"),
        entry_basis=cat("entry_basis"),
        fee=cat("fee"),
        floors=np.concatenate([_pad(b.floors, width, np.inf) for b in books]),
        rates=np.concatenate([_pad(b.rates, width, 0.0) for b in books]),
        amounts=np.concatenate([_pad(b.amounts, width, 0.0) for b in books]),
        mark0=cat("mark0"),
        mark_lead=np.concatenate([b.mark_lead + rows[i] for i, b in enumerate(books)]),
        coll_account=np.concatenate([b.coll_account + accounts[i] for i, b in enumerate(books)]),
        coll_units=cat("coll_units"),
        coll_price=cat("coll_price"),
        coll_ref=np.concatenate([_offset(b.coll_ref, int(rows[i])) for i, b in enumerate(books)]),
        pos_asset=np.concatenate(
            [_offset(b.pos_asset, int(assets[i])) for i, b in enumerate(books)]
        ),
        asset_account=np.concatenate([b.asset_account + accounts[i] for i, b in enumerate(books)]),
        asset_wallet=cat("asset_wallet"),
        asset_bid=cat("asset_bid"),
        asset_ask=cat("asset_ask"),
        groups=groups,
    )
    # The joined report columns, from the parts' (built once per part), not rebuilt row by row.
    joined.__dict__["report_columns"] = ReportColumns.join([b.report_columns for b in books])
    return joined
