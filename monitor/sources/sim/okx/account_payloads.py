"""The account payloads of OKX v5 ("Get positions", "Get balance"), from the reference figures.

Every number is a string, "" where a field does not apply, as the docs say:
https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-positions and
https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-balance (single-currency margin,
now "Futures mode", column of the field table).
"""

from __future__ import annotations

from typing import Any

from monitor.sources.sim.okx.report import AccountFigures, LegFigures

POS_ID_BASE = 1_752_810_569_801_498_626  # the shape of OKX's posId; ours count up from here

# Fields of OPTION, MARGIN and portfolio margin that never apply to a linear swap here.
EMPTY_POSITION_FIELDS = (
    "availPos", "baseBal", "baseBorrowed", "baseInterest", "bePx", "bizRefId", "bizRefType",
    "clSpotInUseAmt", "deltaBS", "deltaPA", "gammaBS", "gammaPA", "hedgedPos", "interest",
    "liab", "liabCcy", "maxSpotInUseAmt", "nonSettleAvgPx", "optVal", "posCcy", "quoteBal",
    "quoteBorrowed", "quoteInterest", "settledPnl", "spotInUseAmt", "spotInUseCcy", "thetaBS",
    "thetaPA", "tradeId", "vegaBS", "vegaPA",
)  # fmt: skip


def fmt(x: float | None) -> str:
    """OKX's decimal strings: "" for none, integers without ".0", else full float precision."""
    if x is None:
        return ""
    x = float(x)
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def position_row(f: LegFigures, usd_px: float, pos_id: int) -> dict[str, Any]:
    p, leg = f.leg.position, f.leg
    cross = not p.isolated
    row: dict[str, Any] = dict.fromkeys(EMPTY_POSITION_FIELDS, "")
    row.update(
        adl="1",
        avgPx=fmt(p.avg_px),
        cTime=str(p.c_time_ms),
        ccy=leg.inst.settle,  # currency used for margin
        closeOrderAlgo=[],
        fee="0",  # no fills are simulated: nothing accumulated since opening
        fundingFee="0",
        idxPx=fmt(f.mark),  # no separate index is modelled: the mark stands in for it
        # "Only applicable to cross". The docs say "in USD"; the ccxt-recorded OKX payload has
        # it in the margin currency (notional / lever in USDT), which we follow.
        imr=fmt(f.initial) if cross else "",
        instId=leg.inst.inst_id,
        instType="SWAP",
        last=fmt(f.mark),  # no trades are simulated: last = mark
        lever=fmt(p.lever),
        liqPenalty="0",
        liqPx=fmt(f.liquidation_price),
        margin="" if cross else fmt(p.margin),  # "Only applicable to isolated"
        markPx=fmt(f.mark),
        mgnMode=p.mgn_mode,
        mgnRatio=fmt(f.margin_ratio),
        mmr=fmt(f.maintenance),
        notionalUsd=fmt(f.notional * usd_px),
        pendingCloseOrdLiabVal="0",
        pnl="0",
        pos=fmt(p.pos),
        posId=str(pos_id),
        posSide=p.pos_side,
        realizedPnl="0",
        uTime=str(p.c_time_ms),
        upl=fmt(f.upl),
        uplLastPx=fmt(f.upl),
        uplRatio=fmt(f.upl / leg.entry_initial()),
        uplRatioLastPx=fmt(f.upl / leg.entry_initial()),
        usdPx=fmt(usd_px),
    )
    return row


def positions_data(figures: AccountFigures) -> list[dict[str, Any]]:
    """Rows in reverse chronological order of cTime, as "Get positions" returns them."""
    book = figures.book
    rows = [
        (f.leg.position.c_time_ms, f.leg.index, position_row(f, book.usd(f.leg.inst.settle),
                                                             POS_ID_BASE + f.leg.index))
        for f in figures.legs
    ]  # fmt: skip
    rows.sort(key=lambda r: (-r[0], r[1]))
    return [r[2] for r in rows]


def currency_row(figures: AccountFigures, ccy: str, now_ms: int) -> dict[str, Any] | None:
    """One `details` entry. Our reading of the single-currency fields (see book.py on cashBal):
    eq = cashBal + cross upl + isoEq; isoEq = Σ isolated (margin + upl); upl = Σ upl of all the
    currency's positions; imr/mmr = Σ of the cross positions' imr/mmr amounts; mgnRatio = the
    cross pool's; frozenBal = cross imr + isolated margins (held by positions, "cross-margin
    and isolated"); availBal = cashBal - cross imr; availEq = max(0, cashBal + cross upl - cross
    imr) ("Available margin" of the help page). None when cashBal and eq are both 0 ("The
    currency details will not be returned when cashBal and eq is both 0")."""
    book = figures.book
    cash = float(book.cash.get(ccy, 0.0))
    legs = [f for f in figures.legs if f.leg.inst.settle == ccy]
    cross = [f for f in legs if not f.leg.position.isolated]
    iso = [f for f in legs if f.leg.position.isolated]
    cross_upl = sum(f.upl for f in cross)
    iso_margin = sum(float(f.leg.position.margin or 0.0) for f in iso)
    iso_eq = iso_margin + sum(f.upl for f in iso)
    cross_imr = sum(f.initial for f in cross)
    eq = cash + cross_upl + iso_eq
    if cash == 0 and eq == 0:
        return None
    ratio = figures.ratio.get(ccy) if cross else None
    notional = sum(f.notional for f in cross)
    cross_eq = cash + cross_upl
    row: dict[str, Any] = dict.fromkeys(
        ("borrowFroz", "crossLiab", "disEq", "interest", "isoLiab", "liab", "maxLoan", "twap",
         "uplLiab", "spotInUseAmt", "clSpotInUseAmt", "maxSpotInUse", "spotBal", "openAvgPx",
         "accAvgPx", "spotUpl", "spotUplRatio", "totalPnl", "totalPnlRatio"),
        "",
    )  # fmt: skip
    row.update(
        availBal=fmt(max(0.0, cash - cross_imr)),
        availEq=fmt(max(0.0, cross_eq - cross_imr)),
        cashBal=fmt(cash),
        ccy=ccy,
        colBorrAutoConversion="0",
        eq=fmt(eq),
        eqUsd=fmt(eq * book.usd(ccy)),
        fixedBal="0",
        frozenBal=fmt(cross_imr + iso_margin),
        imr=fmt(cross_imr) if cross else "",
        isoEq=fmt(iso_eq),
        isoUpl=fmt(sum(f.upl for f in iso)),
        mgnRatio=fmt(ratio),
        mmr=fmt(sum(f.maintenance for f in cross)) if cross else "",
        notionalLever=fmt(notional / cross_eq) if cross and cross_eq > 0 else "",
        ordFrozen="0",
        rewardBal="0",
        smtSyncEq="0",
        spotCopyTradingEq="0",
        spotIsoBal="0",
        stgyEq="0",
        uTime=str(now_ms),
        upl=fmt(sum(f.upl for f in legs)),
    )
    return row


def balance_data(
    figures: AccountFigures, now_ms: int, only: set[str] | None = None
) -> list[dict[str, Any]]:
    """ "Get balance" data: one account entry with USD totals (totalEq, isoEq) and `details`;
    the account-level adjEq/imr/mmr/mgnRatio/notionalUsd/upl are multi-currency fields, "" here."""
    book = figures.book
    currencies = set(book.cash) | {f.leg.inst.settle for f in figures.legs}
    if only is not None:
        currencies &= only
    details = [
        row for ccy in sorted(currencies) if (row := currency_row(figures, ccy, now_ms)) is not None
    ]
    total = sum(float(d["eq"]) * book.usd(d["ccy"]) for d in details)
    iso = sum(float(d["isoEq"]) * book.usd(d["ccy"]) for d in details)
    account: dict[str, Any] = dict.fromkeys(
        ("adjEq", "availEq", "borrowFroz", "imr", "mgnRatio", "mmr", "notionalUsd",
         "notionalUsdForBorrow", "notionalUsdForFutures", "notionalUsdForOption",
         "notionalUsdForSwap", "ordFroz", "upl", "delta", "deltaLever", "deltaNeutralStatus"),
        "",
    )  # fmt: skip
    account.update(details=details, isoEq=fmt(iso), totalEq=fmt(total), uTime=str(now_ms))
    return [account]
