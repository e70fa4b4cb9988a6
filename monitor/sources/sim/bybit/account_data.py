"""Private answers: positions (GET /v5/position/list) and wallet balance
(GET /v5/account/wallet-balance), every figure from reference.py at the venue's marks.

Field meanings are those of docs/v5/position/position and docs/v5/account/wallet-balance:
positionValue = size × mark, positionIM/positionMM equal their …ByMp twins (mark price),
tradeMode "Deprecated, always 0", bustPrice "Deprecated, always empty", positionBalance
"Deprecated, can refer to positionIM" (served equal to positionIM: in ISOLATED_MARGIN that is
the position's margin), liqPrice "" outside (minPrice, maxPrice). USDC perpetual session
settlement is not simulated: sessionAvgPrice = avgPrice, upl runs from avgPrice.

Wallet balance (cross, REGULAR_MARGIN): totalWalletBalance = Σ coin wallet × USD price ×
collateral value ratio; totalPerpUPL = Σ upl; totalMarginBalance = totalWalletBalance +
totalPerpUPL; totalEquity = Σ usdValue (no ratio); totalInitialMargin / totalMaintenanceMargin
= Σ positionIM / positionMM; totalAvailableBalance = totalMarginBalance − haircut (0) −
totalInitialMargin; accountIMRate / accountMMRate = totals ÷ totalMarginBalance. Per coin:
equity = walletBalance + unrealisedPnl, usdValue = equity × USD price, totalPositionIM/MM of
the positions settled in that coin. ISOLATED_MARGIN: "All account wide fields are not
applicable to isolated margin" — the margin fields and rates are served as ""; totalEquity,
totalWalletBalance (no collateral ratio: isolated margin is single-asset) and totalPerpUPL are
sums of the coins and stay filled (chosen).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitor.sources.sim.bybit.book import BybitBook
from monitor.sources.sim.bybit.fmt import amount, fixed, rate
from monitor.sources.sim.bybit.markets import BybitMarket, on_tick
from monitor.sources.sim.bybit.reference import (
    AccountState,
    PositionState,
    coin_prices,
    within_band,
)

CREATED_MS = 1_717_000_000_000
ADL_RANK = 2  # chosen: any open position has a rank 1..5


def position_row(
    s: PositionState, liq: float | None, taker_fee: float, now_ms: int, seq: int
) -> dict[str, Any]:
    m, p = s.market, s.position
    taker = max(taker_fee, 0.00055)
    shown = fixed(on_tick(liq, m.tick), m.price_scale) if liq and within_band(liq, m) else ""
    return {
        "positionIdx": p.position_idx,
        "riskId": s.tier.id,
        "riskLimitValue": amount(s.tier.risk_limit_value),
        "symbol": m.id,
        "side": p.side,
        "size": fixed(p.size, m.qty_scale),
        "avgPrice": amount(p.avg_price),
        "positionValue": amount(s.value),
        "tradeMode": 0,
        "autoAddMargin": 0,
        "positionStatus": "Normal",
        "leverage": amount(p.leverage),
        # docs: (entry × qty − realised) / (qty − |qty| × max(taker, 0.00055)), qty signed
        "breakEvenPrice": amount(p.avg_price / (1 - p.sign * taker)),
        "markPrice": fixed(s.mark, m.price_scale),
        "liqPrice": shown,
        "bustPrice": "",
        "positionIM": amount(s.im),
        "positionIMByMp": amount(s.im),
        "positionMM": amount(s.mm),
        "positionMMByMp": amount(s.mm),
        "positionBalance": amount(s.im),
        "takeProfit": "",
        "stopLoss": "",
        "trailingStop": "0",
        "sessionAvgPrice": amount(p.avg_price) if m.settle == "USDC" else "",
        "delta": "",
        "gamma": "",
        "vega": "",
        "theta": "",
        "unrealisedPnl": amount(s.upl),
        "curRealisedPnl": "0",
        "cumRealisedPnl": "0",
        "adlRankIndicator": ADL_RANK,
        "createdTime": str(CREATED_MS),
        "updatedTime": str(now_ms),
        "openTime": CREATED_MS,
        "seq": seq,
        "isReduceOnly": False,
        "mmrSysUpdatedTime": "",
        "leverageSysUpdatedTime": "",
        "tpslMode": "Full",
    }


def empty_row(m: BybitMarket, mark: float, seq: int) -> dict[str, Any]:
    """A symbol asked for by name without a position: Bybit still answers with a row."""
    tier = m.tiers[0]
    return {
        "positionIdx": 0,
        "riskId": tier.id,
        "riskLimitValue": amount(tier.risk_limit_value),
        "symbol": m.id,
        "side": "",
        "size": "0",
        "avgPrice": "0",
        "positionValue": "",
        "tradeMode": 0,
        "autoAddMargin": 0,
        "positionStatus": "Normal",
        "leverage": "10",
        "breakEvenPrice": "",
        "markPrice": fixed(mark, m.price_scale),
        "liqPrice": "",
        "bustPrice": "",
        "positionIM": "0",
        "positionIMByMp": "0",
        "positionMM": "0",
        "positionMMByMp": "0",
        "positionBalance": "0",
        "takeProfit": "",
        "stopLoss": "",
        "trailingStop": "0",
        "sessionAvgPrice": "",
        "unrealisedPnl": "",
        "curRealisedPnl": "0",
        "cumRealisedPnl": "0",
        "adlRankIndicator": 0,
        "createdTime": str(CREATED_MS),
        "updatedTime": str(CREATED_MS),
        "openTime": 0,
        "seq": seq,
        "isReduceOnly": False,
        "mmrSysUpdatedTime": "",
        "leverageSysUpdatedTime": "",
        "tpslMode": "Full",
    }


def wallet_row(
    book: BybitBook, state: AccountState, marks: Mapping[str, float], wanted: set[str] | None
) -> dict[str, Any]:
    prices = coin_prices(book.coins, marks)
    coins = []
    for coin, wallet in book.coins.items():
        if wanted is not None and coin not in wanted:
            continue
        mine = [s for s in state.positions if s.market.settle == coin]
        upl = sum(s.upl for s in mine)
        equity = wallet + upl
        coins.append(
            {
                "coin": coin,
                "equity": amount(equity),
                "usdValue": amount(equity * prices[coin]),
                "walletBalance": amount(wallet),
                "locked": "0",
                "spotHedgingQty": "0",
                "borrowAmount": "0",
                "accruedInterest": "0",
                "totalOrderIM": "0",
                "totalPositionIM": amount(sum(s.im for s in mine)),
                "totalPositionMM": amount(sum(s.mm for s in mine)),
                "unrealisedPnl": amount(upl),
                "cumRealisedPnl": "0",
                "bonus": "0",
                "marginCollateral": True,
                "collateralSwitch": True,
                "spotBorrow": "0",
            }
        )
    equity_usd = sum((book.coins[c] + _upl(state, c)) * prices[c] for c in book.coins)
    row: dict[str, Any] = {"accountType": "UNIFIED", "accountLTV": "0", "coin": coins}
    row["totalEquity"] = amount(equity_usd)
    row["totalPerpUPL"] = amount(state.upl_usd)
    if book.isolated:
        row["totalWalletBalance"] = amount(sum(q * prices[c] for c, q in book.coins.items()))
        for key in (
            "accountIMRate",
            "accountMMRate",
            "totalMarginBalance",
            "totalAvailableBalance",
            "totalInitialMargin",
            "totalMaintenanceMargin",
        ):
            row[key] = ""
        for key in (
            "accountIMRateByMp",
            "accountMMRateByMp",
            "totalInitialMarginByMp",
            "totalMaintenanceMarginByMp",
        ):
            row[key] = ""
        return row
    balance = state.margin_balance
    im_rate = rate(state.initial / balance) if balance > 0 else ""
    mm_rate = rate(state.maintenance / balance) if balance > 0 else ""  # chosen: "" when <= 0
    row.update(
        totalWalletBalance=amount(state.wallet_usd),
        totalMarginBalance=amount(balance),
        totalAvailableBalance=amount(balance - state.initial),
        totalInitialMargin=amount(state.initial),
        totalMaintenanceMargin=amount(state.maintenance),
        accountIMRate=im_rate,
        accountMMRate=mm_rate,
        accountIMRateByMp=im_rate,
        accountMMRateByMp=mm_rate,
        totalInitialMarginByMp=amount(state.initial),
        totalMaintenanceMarginByMp=amount(state.maintenance),
    )
    return row


def _upl(state: AccountState, coin: str) -> float:
    return sum(s.upl for s in state.positions if s.market.settle == coin)
