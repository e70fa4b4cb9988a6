"""OKX v5 public data and account-setting payloads.

- "Get instruments": https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments
- "Get position tiers": https://www.okx.com/docs-v5/en/#public-data-rest-api-get-position-tiers
- "Get mark price": https://www.okx.com/docs-v5/en/#public-data-rest-api-get-mark-price
- "Get tickers": https://www.okx.com/docs-v5/en/#order-book-trading-market-data-get-tickers
- "Get fee rates": https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-fee-rates
- "Get account configuration": https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-
  account-configuration
- "Get currencies": https://www.okx.com/docs-v5/en/#funding-account-rest-api-get-currencies
"""

from __future__ import annotations

from typing import Any

from monitor.sources.sim.okx.account_payloads import fmt
from monitor.sources.sim.okx.book import OkxBook
from monitor.sources.sim.okx.instruments import OkxInstrument

SWAP_FEE_GROUP = "4"  # "Perpetual futures group one" of the instruments' groupId list


def instrument_row(inst: OkxInstrument) -> dict[str, Any]:
    return {
        "alias": "",
        "auctionEndTime": "",
        "baseCcy": "",  # "Only applicable to SPOT/MARGIN"
        "category": "1",
        "contTdSwTime": "",
        "ctMult": "1",
        "ctType": "linear",
        "ctVal": fmt(inst.ct_val),
        "ctValCcy": inst.base,
        "expTime": "",
        "groupId": SWAP_FEE_GROUP,
        "instCategory": "1",
        "instFamily": inst.inst_family,
        "instId": inst.inst_id,
        "instType": "SWAP",
        "lever": fmt(inst.lever),
        "listTime": str(inst.list_time_ms),
        "lotSz": fmt(inst.lot_sz),
        "maxIcebergSz": "100000000",
        "maxLmtAmt": "20000000",
        "maxLmtSz": "100000000",
        "maxMktAmt": "",
        "maxMktSz": "12000",
        "maxStopSz": "12000",
        "maxTriggerSz": "100000000",
        "maxTwapSz": "100000000",
        "minSz": fmt(inst.lot_sz),
        "openType": "",
        "optType": "",
        "quoteCcy": "",  # "Only applicable to SPOT/MARGIN"
        "ruleType": "normal",
        "settleCcy": inst.settle,
        "state": "live",
        "stk": "",
        "tickSz": fmt(inst.tick_sz),
        "uly": inst.inst_family,
        "upcChg": [],
    }


def tier_rows(inst: OkxInstrument) -> list[dict[str, Any]]:
    return [
        {
            "baseMaxLoan": "",
            "imr": fmt(t.imr),
            "instFamily": inst.inst_family,
            "instId": "",
            "maxLever": fmt(t.max_lever),
            "maxSz": fmt(t.max_sz),
            "minSz": fmt(t.min_sz),
            "mmr": fmt(t.mmr),
            "optMgnFactor": "0",
            "quoteMaxLoan": "",
            "tier": str(t.tier),
            "uly": inst.inst_family,
        }
        for t in inst.tiers
    ]


def mark_row(inst: OkxInstrument, mark: float, now_ms: int) -> dict[str, Any]:
    return {"instType": "SWAP", "instId": inst.inst_id, "markPx": fmt(mark), "ts": str(now_ms)}


def ticker_row(inst: OkxInstrument, mark: float, now_ms: int) -> dict[str, Any]:
    """No trading is simulated: last = the mark, no book, no 24 h volume (our choice)."""
    price = fmt(mark)
    return {
        "instType": "SWAP", "instId": inst.inst_id, "last": price, "lastSz": "0",
        "askPx": "", "askSz": "", "bidPx": "", "bidSz": "", "open24h": price,
        "high24h": price, "low24h": price, "volCcy24h": "0", "vol24h": "0",
        "sodUtc0": price, "sodUtc8": price, "ts": str(now_ms),
    }  # fmt: skip


def fee_row(book: OkxBook, settle: str | None, now_ms: int) -> dict[str, Any]:
    """SWAP rates, negative = charged ("negative number, which means the rate of commission").
    takerU/makerU: USDT-margined; takerUSDC/makerUSDC: USDC-margined; taker/maker: the
    deprecated crypto-margined rates. feeGroup carries the rate of the requested family's
    settle currency (USDT when none is asked for): the docs are silent, our choice."""
    fees = book.fees
    group = settle or "USDT"
    return {
        "category": "1",
        "delivery": "",
        "exercise": "",
        "feeGroup": [
            {
                "elpMaker": "",
                "groupId": SWAP_FEE_GROUP,
                "maker": fmt(-fees.maker(group)),
                "taker": fmt(-fees.taker(group)),
            }
        ],
        "fiat": [],
        "instType": "SWAP",
        "level": "Lv1",
        "maker": fmt(-fees.maker_crypto),
        "makerU": fmt(-fees.maker_usdt),
        "makerUSDC": fmt(-fees.maker_usdc),
        "ruleType": "normal",
        "taker": fmt(-fees.taker_crypto),
        "takerU": fmt(-fees.taker_usdt),
        "takerUSDC": fmt(-fees.taker_usdc),
        "ts": str(now_ms),
    }


def config_row(book: OkxBook, uid: str) -> dict[str, Any]:
    return {
        "acctLv": book.acct_lv,
        "acctStpMode": "cancel_maker",
        "autoLoan": False,
        "ctIsoMode": "automatic",
        "enableSpotBorrow": False,
        "feeType": "0",
        "greeksType": "PA",
        "ip": "",
        "kycLv": "2",
        "label": book.name,
        "level": "Lv1",
        "levelTmp": "",
        "liquidationGear": "-1",
        "mainUid": uid,
        "mgnIsoMode": "automatic",
        "opAuth": "0",
        "perm": "read_only",
        "posMode": book.pos_mode,
        "roleType": "0",
        "spotBorrowAutoRepay": False,
        "spotOffsetType": "",
        "spotRoleType": "0",
        "spotTraderInsts": [],
        "stgyType": "0",
        "traderInsts": [],
        "type": "0",
        "uid": uid,
    }


# (ccy, chain, name): one deposit chain each is enough for ccxt's currency table.
CURRENCIES = (
    ("BTC", "BTC-Bitcoin", "Bitcoin"),
    ("ETH", "ETH-ERC20", "Ethereum"),
    ("SOL", "SOL-Solana", "Solana"),
    ("USDC", "USDC-ERC20", "USD Coin"),
    ("USDT", "USDT-TRC20", "Tether"),
)


def currency_rows() -> list[dict[str, Any]]:
    return [
        {
            "canDep": True, "canInternal": True, "canWd": True, "ccy": ccy, "chain": chain,
            "depQuotaFixed": "", "logoLink": "", "mainNet": True, "maxFee": "", "maxWd": "",
            "minDep": "", "minFee": "", "minWd": "", "name": name, "usedWdQuota": "0",
            "wdQuota": "", "wdTickSz": "8",
        }
        for ccy, chain, name in CURRENCIES
    ]  # fmt: skip
