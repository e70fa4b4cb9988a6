"""Hypothesis strategies for random but plausible margin accounts."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import strategies as st

from monitor.domain.model import (
    Account,
    Collateral,
    HaircutTier,
    Maintenance,
    MaintenanceBasis,
    MarginMode,
    Position,
    SettleAsset,
    Side,
)

# Binance's BTCUSDT bracket floors and rates; amounts come from the continuity recurrence.
FLOORS = [0, 50_000, 250_000, 1_000_000, 7_500_000, 40_000_000]
RATES = [0.004, 0.005, 0.01, 0.025, 0.05, 0.1]


@st.composite
def maintenances(draw: st.DrawFn, inverse: bool) -> Maintenance:
    kind = draw(st.sampled_from(["rate", "tiers", "max_leverage"]))
    if kind == "rate":
        return Maintenance.flat(draw(st.floats(0.001, 0.1)), 0.0)
    if kind == "max_leverage":
        return Maintenance.hyperliquid(draw(st.sampled_from([3, 5, 10, 20, 25, 40, 50])))
    scale = 1e-4 if inverse else draw(st.sampled_from([0.01, 1.0]))  # coin vs quote notional
    return Maintenance.tiered([f * scale for f in FLOORS], RATES, [None] * len(FLOORS))


@st.composite
def positions(draw: st.DrawFn, inverse: bool, allow_entry_basis: bool = True) -> Position:
    side = draw(st.sampled_from([Side.LONG, Side.SHORT]))
    entry = draw(st.floats(1.0, 100_000.0))
    mark = entry * draw(st.floats(0.7, 1.3))
    mode = draw(st.sampled_from([MarginMode.CROSS, MarginMode.ISOLATED]))
    contract_size = draw(st.sampled_from([10.0, 100.0])) if inverse else 1.0
    contracts = draw(st.floats(0.01, 1_000.0)) if not inverse else draw(st.integers(1, 10_000))
    size = contracts * contract_size
    entry_notional = size / entry if inverse else size * entry
    leverage = draw(st.sampled_from([2.0, 5.0, 10.0, 20.0, 50.0]))
    basis = MaintenanceBasis.MARK
    if allow_entry_basis and draw(st.booleans()):
        basis = MaintenanceBasis.ENTRY
    return Position(
        symbol=draw(st.sampled_from(["BTC", "ETH", "SOL"]))
        + ("/USD:BTC" if inverse else "/USDT:USDT"),
        side=side,
        contracts=float(contracts),
        contract_size=contract_size,
        inverse=inverse,
        entry_price=entry,
        mark_price=mark,
        margin_mode=mode,
        isolated_margin=entry_notional / leverage if mode is MarginMode.ISOLATED else None,
        leverage=leverage,
        maintenance=draw(maintenances(inverse)),
        maintenance_basis=basis,
        close_fee_rate=draw(st.sampled_from([0.0, 0.0005])),
    )


@st.composite
def accounts(draw: st.DrawFn, allow_entry_basis: bool = True, typed_marks: bool = False) -> Account:
    """A random pool. Its rows of one symbol carry one mark, as a venue quotes them, unless
    `typed_marks` (rows typed by hand may each carry their own)."""
    inverse = draw(st.booleans())
    items = draw(st.lists(positions(inverse, allow_entry_basis), min_size=1, max_size=5))
    if not typed_marks:
        first: dict[str, float] = {}
        items = [replace(p, mark_price=first.setdefault(p.symbol, p.mark_price)) for p in items]
    if draw(st.booleans()):
        # A hedge: the other side of a held symbol, at the same mark, in the same pool.
        leg = draw(st.sampled_from(items))
        other = draw(positions(inverse, allow_entry_basis))
        items.append(
            replace(
                other,
                symbol=leg.symbol,
                mark_price=leg.mark_price,
                side=Side.SHORT if leg.side is Side.LONG else Side.LONG,
                margin_mode=leg.margin_mode,
                isolated_margin=other.isolated_margin
                if leg.margin_mode is MarginMode.ISOLATED
                else None,
            )
        )
    gross = sum(
        (p.contracts * p.contract_size / p.mark_price)
        if inverse
        else p.contracts * p.contract_size * p.mark_price
        for p in items
    )
    wallet = gross * draw(st.floats(-0.2, 1.0))
    collaterals: tuple[Collateral, ...] = ()
    if not inverse and draw(st.booleans()):
        # BTC held as margin in a USD pool, priced like the book's BTC contract if it has one.
        btc = [p.mark_price for p in items if p.symbol.startswith("BTC/")]
        price = btc[0] if btc else draw(st.floats(1.0, 100_000.0))
        value = gross * draw(st.floats(0.0, 1.0))
        ratios = draw(
            st.sampled_from(
                [
                    (HaircutTier(0.0, 1.0),),
                    (HaircutTier(0.0, 0.95),),
                    (HaircutTier(0.0, 0.95), HaircutTier(value / price / 2, 0.9)),
                ]
            )
        )
        collaterals = (Collateral("BTC", value / price, price, ratios),)
    settle_assets: tuple[SettleAsset, ...] = ()
    if not inverse and draw(st.booleans()):
        # A multi-asset pool: the USDT wallet counts at bid while its equity is positive and
        # at ask once losses turn it negative (rates far apart, so the kink matters).
        settle_assets = (SettleAsset("USDT", wallet, 0.9, 1.1),)
        wallet = 0.0
    return Account(
        name="acct",
        wallet_balance=wallet,
        positions=tuple(items),
        collaterals=collaterals,
        settle_assets=settle_assets,
    )
