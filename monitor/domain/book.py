"""Column-wise (numpy) layout of many accounts' positions, built once per structural change.

Prices change every tick, structure rarely: `Book.build` does the per-position Python work once,
and the engine then evaluates any set of marks with array operations only.

Every position is described in a "price coordinate" z in which it is linear:
z = P for linear contracts, z = 1/P for inverse ones. Then, with q = contracts * contract_size,
  notional        = q * z                    (quote for linear, coin for inverse)
  unrealised PnL  = sigma * q * (z - z_entry) (sigma = side for linear, -side for inverse)
so one set of formulas serves both contract types.

Two things move together with a position's price besides the position itself (`groups`,
move_groups.py): the other legs of its symbol in the same cross pool and the pool's collateral
in the position's base asset. Positions with neither are solved alone, vectorised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from monitor.domain.maintenance import maintenance_margin
from monitor.domain.market_marks import lot_shares, mark_leads
from monitor.domain.model import Account, MaintenanceBasis, MarginMode, Position, Side
from monitor.domain.move_groups import Group, move_groups

if TYPE_CHECKING:  # pool_moves imports this module
    from monitor.domain.pool_moves import PlainRows

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class ReportColumns:
    symbol: list[str]
    side: list[Side]
    margin_mode: list[MarginMode]
    hypothetical: list[bool]
    exchange_liquidation_price: list[float | None]
    exchange_maintenance_margin: list[float | None]
    unknown: list[str | None]

    @staticmethod
    def join(parts: Sequence[ReportColumns]) -> ReportColumns:
        return ReportColumns(
            *([v for part in parts for v in getattr(part, f.name)] for f in fields(ReportColumns))
        )


@dataclass(frozen=True)
class Book:
    accounts: tuple[Account, ...]
    account_index: IntArray  # (n,) which account each position belongs to
    wallet: FloatArray  # (m,) cross wallet per account
    inverse_account: BoolArray  # (m,)
    sigma: FloatArray  # (n,) +1/-1 in z-coordinates
    side: FloatArray  # (n,) +1 long / -1 short
    q: FloatArray  # (n,) contracts * contract_size
    inverse: BoolArray  # (n,)
    z_entry: FloatArray  # (n,)
    isolated: BoolArray  # (n,)
    isolated_margin: FloatArray  # (n,) 0 for cross positions
    entry_basis: BoolArray  # (n,)
    fee: FloatArray  # (n,) close-fee rate added to the maintenance rate
    floors: FloatArray  # (n, K) padded with +inf
    rates: FloatArray  # (n, K)
    amounts: FloatArray  # (n, K)
    mark0: FloatArray  # (n,) the marks the positions carry (as typed: see marks())
    mark_lead: IntArray  # (n,) the row whose mark each row takes (market_marks.py)
    # Collateral whose value moves with its price, one row per (pool, asset).
    coll_account: IntArray  # (c,)
    coll_units: FloatArray  # (c,) units that count after haircuts: value = units * price
    coll_price: FloatArray  # (c,) the price the positions' marks were taken with
    coll_ref: IntArray  # (c,) a position row whose mark the asset follows (-1: none)
    # Settle assets of multi-asset pools, one row per (pool, asset); see model.SettleAsset.
    pos_asset: IntArray  # (n,) the settle-asset row of each position (-1: plain USD pool)
    asset_account: IntArray  # (s,)
    asset_wallet: FloatArray  # (s,)
    asset_bid: FloatArray  # (s,)
    asset_ask: FloatArray  # (s,)
    groups: tuple[Group, ...] = ()

    @cached_property
    def report_columns(self) -> ReportColumns:
        """What the reports copy from each position unchanged, as columns (built once)."""
        positions = [p for a in self.accounts for p in a.positions]
        return ReportColumns(
            symbol=[p.symbol for p in positions],
            side=[p.side for p in positions],
            margin_mode=[p.margin_mode for p in positions],
            hypothetical=[p.hypothetical for p in positions],
            exchange_liquidation_price=[p.exchange_liquidation_price for p in positions],
            exchange_maintenance_margin=[p.exchange_maintenance_margin for p in positions],
            unknown=[p.unknown for p in positions],
        )

    @cached_property
    def static_unknown(self) -> bool:
        """Whether a position came in unknown (a reason from its source, fixed with the book)."""
        return any(reason is not None for reason in self.report_columns.unknown)

    @cached_property
    def mm_entry(self) -> FloatArray:
        """Maintenance at the entry prices (entry-basis venues): fixed with the book, so a mark
        tick does not recompute it."""
        result: FloatArray = maintenance_margin(self, self.z_entry)
        result.flags.writeable = False  # shared by every evaluation of this book
        return result

    @cached_property
    def plain_rows_by_pools(self) -> dict[bytes, PlainRows]:
        """pool_moves' rows for a set of plain pools (keyed by the pool indices' bytes), filled
        by pool_moves.plain_rows: they depend on the book alone, so a mark tick reuses them."""
        return {}

    @cached_property
    def pool_rows(self) -> tuple[list[int], dict[int, list[int]]]:
        """Where each pool's rows start (and, last, the end), and each pool's isolated rows."""
        m = len(self.accounts)
        starts: list[int] = np.searchsorted(self.account_index, np.arange(m + 1)).tolist()
        isolated_of: dict[int, list[int]] = {}
        for row in np.flatnonzero(self.isolated).tolist():
            isolated_of.setdefault(int(self.account_index[row]), []).append(row)
        return starts, isolated_of

    @cached_property
    def shares_marks(self) -> bool:
        """Whether any row takes another row's mark (two rows of one symbol in an account)."""
        return bool((self.mark_lead != np.arange(self.size)).any())

    def one_mark(self, marks: FloatArray) -> FloatArray:
        """`marks` with every row of a symbol at its lead row's mark (one market, one mark)."""
        if not self.shares_marks:
            return marks
        result: FloatArray = marks[self.mark_lead]
        return result

    @property
    def size(self) -> int:
        return int(self.q.shape[0])

    @staticmethod
    def build(accounts: tuple[Account, ...] | list[Account], *, one_mark: bool = True) -> Book:
        """The book of `accounts`. `one_mark`: rows of one symbol in an account are valued at
        one mark and move as one (market_marks.py); False: each row at its own mark, lots of
        one symbol at different marks solved apart (the spec's derived examples do so)."""
        accounts = tuple(accounts)
        positions = [(i, p) for i, a in enumerate(accounts) for p in a.positions]
        n = len(positions)
        k = max((len(p.maintenance.tiers) for _, p in positions), default=1)
        floors = np.full((n, k), np.inf)
        rates = np.zeros((n, k))
        amounts = np.zeros((n, k))
        for row, (_, pos) in enumerate(positions):
            for j, tier in enumerate(pos.maintenance.tiers):
                floors[row, j] = tier.floor
                rates[row, j] = tier.rate
                amounts[row, j] = tier.amount
            # Notional below the first floor still uses the first bracket.
            floors[row, 0] = -np.inf
        if one_mark:  # lots of one position bracketed by their joint notional
            share = lot_shares(positions)[:, None]
            floors[:, 1:] *= share
            amounts *= share

        def col(f: Callable[[Position], float]) -> FloatArray:
            return np.array([f(p) for _, p in positions], dtype=np.float64)

        coll = [(i, c) for i, a in enumerate(accounts) for c in a.collaterals]
        refs = []
        for i, c in coll:
            rows = [
                r
                for r, (j, p) in enumerate(positions)
                if j == i and p.base == c.asset and p.margin_mode is MarginMode.CROSS
            ]
            refs.append(rows[0] if rows else -1)

        assets = [(i, a) for i, acc in enumerate(accounts) for a in acc.settle_assets]
        asset_row = {(i, a.asset): r for r, (i, a) in enumerate(assets)}
        pos_asset = np.array(
            [asset_row.get((i, p.settle), -1) for i, p in positions], dtype=np.int64
        )
        for (i, p), r in zip(positions, pos_asset, strict=True):
            if accounts[i].settle_assets and r < 0:
                raise ValueError(
                    f"account {accounts[i].name!r}: {p.symbol} settles in {p.settle or '?'}, "
                    "which is not one of the pool's margin assets"
                )

        side = col(lambda p: p.side.sign)
        inverse = np.array([p.inverse for _, p in positions], dtype=np.bool_)
        entry = col(lambda p: p.entry_price)
        leads = mark_leads(positions) if one_mark else np.arange(n, dtype=np.int64)
        return Book(
            accounts=accounts,
            account_index=np.array([i for i, _ in positions], dtype=np.int64),
            wallet=np.array([a.wallet_balance for a in accounts], dtype=np.float64),
            inverse_account=np.array([a.inverse for a in accounts], dtype=np.bool_),
            sigma=np.where(inverse, -side, side),
            side=side,
            q=col(lambda p: p.contracts * p.contract_size),
            inverse=inverse,
            z_entry=np.where(inverse, 1.0 / entry, entry),
            isolated=np.array(
                [p.margin_mode is MarginMode.ISOLATED for _, p in positions], dtype=np.bool_
            ),
            isolated_margin=col(lambda p: p.isolated_margin or 0.0),
            entry_basis=np.array(
                [p.maintenance_basis is MaintenanceBasis.ENTRY for _, p in positions],
                dtype=np.bool_,
            ),
            fee=col(lambda p: p.close_fee_rate),
            floors=floors,
            rates=rates,
            amounts=amounts,
            mark0=col(lambda p: p.mark_price),
            mark_lead=leads,
            coll_account=np.array([i for i, _ in coll], dtype=np.int64),
            coll_units=np.array([c.counted_units for _, c in coll], dtype=np.float64),
            coll_price=np.array([c.price for _, c in coll], dtype=np.float64),
            # A collateral follows the row whose mark is its market's (mark0 at that row is
            # the price the collateral was valued with).
            coll_ref=np.array([leads[r] if r >= 0 else -1 for r in refs], dtype=np.int64),
            pos_asset=pos_asset,
            asset_account=np.array([i for i, _ in assets], dtype=np.int64),
            asset_wallet=np.array([a.wallet for _, a in assets], dtype=np.float64),
            asset_bid=np.array([a.bid for _, a in assets], dtype=np.float64),
            asset_ask=np.array([a.ask for _, a in assets], dtype=np.float64),
            groups=move_groups(accounts, positions, one_mark),
        )

    def collateral_value(self, marks: FloatArray | None = None) -> FloatArray:
        """Each collateral's counted value, its price moved with the mark it follows."""
        value = self.coll_units * self.coll_price
        if marks is None or value.size == 0 or self.mark0.size == 0:
            return value
        ref = self.coll_ref
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(ref >= 0, marks[ref] / self.mark0[ref], 1.0)
        result: FloatArray = value * scale
        return result

    @cached_property
    def any_inverse(self) -> bool:
        return bool(self.inverse.any())

    def mm_weight(self) -> FloatArray:
        """USD per unit of each position's maintenance: its settle asset's ask, else 1."""
        if self.asset_ask.size == 0:  # no settle assets (most books): a tick skips the gather
            return np.ones(self.size)
        ask = np.append(self.asset_ask, 1.0)  # row -1 reads the appended 1
        weight: FloatArray = ask[self.pos_asset]
        return weight

    def asset_values(self, cross_pnl: FloatArray) -> FloatArray:
        """(m,) what the settle assets count in USD: each asset's equity (wallet + the PnL of
        its positions, `cross_pnl` per position, 0 for isolated ones) at bid or at ask."""
        m = len(self.accounts)
        if self.asset_wallet.size == 0:
            return np.zeros(m)
        has = self.pos_asset >= 0
        equity = self.asset_wallet + np.bincount(
            self.pos_asset[has], weights=cross_pnl[has], minlength=self.asset_wallet.size
        )
        value = equity * np.where(equity > 0, self.asset_bid, self.asset_ask)
        return np.bincount(self.asset_account, weights=value, minlength=m).astype(np.float64)

    def pool_collateral(self, marks: FloatArray | None = None) -> FloatArray:
        """(m,) collateral value per account."""
        if self.coll_account.size == 0:
            return np.zeros(len(self.accounts))
        return np.bincount(
            self.coll_account, weights=self.collateral_value(marks), minlength=len(self.accounts)
        ).astype(np.float64)

    def marks(self) -> FloatArray:
        """The marks stored in the positions themselves, one per symbol and account."""
        return self.one_mark(self.mark0.copy())

    def to_z(self, prices: FloatArray) -> FloatArray:
        if not self.any_inverse:  # linear contracts only: z is the price (no division made)
            return prices
        return np.where(self.inverse, 1.0 / prices, prices)

    def from_z(self, z: FloatArray) -> FloatArray:
        if not self.any_inverse:
            return z
        with np.errstate(divide="ignore"):
            return np.where(self.inverse, 1.0 / z, z)
