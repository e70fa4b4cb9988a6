"""What the venue leaves unknown is unknown, never OK — and only that (issue 12).

The simulated Binance serves markPrice "0" for one position, or no maintenance table for one
symbol. That position and its cross pool show as unknown with the reason, an alert says so,
history gets no made-up sample, `check` exits 3 — while the rest of the account (the isolated
DOGE and BNB positions of the demo book) is still judged, and once the venue is whole again
everything is judged again.
"""

from __future__ import annotations

import json
from typing import Any

from monitor.cli import main
from monitor.domain.alert_model import EventKind
from monitor.domain.model import MarginMode
from monitor.service.snapshot import SourceState
from monitor.sources.sim.faults import FaultKind
from monitor.sources.sim.venue import DEMO_CREDENTIALS

from .conftest import wait_for

KEY = DEMO_CREDENTIALS.api_key
BTC, DOGE = 0, 4  # positions of the demo book: BTC cross, DOGE isolated


def _alerts(rec: Any, kind: EventKind) -> list[Any]:
    return [e.payload for e in list(rec.events) if e.kind == "alert" and e.payload.kind is kind]


def _cross_pool_unknown(snap: Any) -> Any:
    return snap and snap.known and snap.baseline and snap.baseline.unknown and snap


def _isolated(snap: Any) -> list[Any]:
    return [p for p in snap.baseline.positions if p.margin_mode is MarginMode.ISOLATED]


def _start(db, make_service):  # type: ignore[no-untyped-def]
    db.accounts.add("demo", "simulated", venue="binanceusdm", settings={"interval": 0.2})
    service, rec = make_service()
    service.start()
    wait_for(lambda: (s := rec.latest("demo")) and s.known and s.baseline.known)
    return rec


def _check(db, capsys) -> tuple[int, dict[str, Any]]:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    code = main(["--db", str(db.url), "check", "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_a_zero_mark_makes_its_pool_unknown_and_the_rest_is_still_judged(
    db, venue, make_service, capsys
):
    rec = _start(db, make_service)
    venue.faults.set(FaultKind.ZERO_MARK, BTC, api_key=KEY)
    snap = wait_for(lambda: _cross_pool_unknown(rec.latest("demo")))

    assert snap.status.state is SourceState.OK  # the read itself worked
    assert "BTC/USDT:USDT long: no usable mark (the venue gave 0)" in snap.baseline.unknown
    assert snap.baseline.health_ratio is None and snap.baseline.liquidation_move is None
    for p in _isolated(snap):  # judged on their own, as before
        assert p.unknown is None and p.liquidation_price is not None
    unknown = wait_for(lambda: _alerts(rec, EventKind.UNKNOWN))
    assert unknown[0].notify and "no usable mark" in unknown[0].message
    assert not _alerts(rec, EventKind.CLEARED)  # never "all clear"

    code, report = _check(db, capsys)
    assert code == 3
    (account,) = report["accounts"]
    assert account["status"] == "unknown"
    cross = next(p for p in account["pools"] if p["margin_mode"] == "cross")
    assert cross["status"] == "unknown" and "no usable mark" in cross["unknown"]
    assert cross["health_ratio"] is None and cross["margin_balance"] is None

    venue.faults.clear(FaultKind.ZERO_MARK)
    wait_for(lambda: (s := rec.latest("demo")) and s.baseline.known)
    wait_for(lambda: _alerts(rec, EventKind.KNOWN))
    assert _check(db, capsys)[0] in (0, 1, 2)


def test_a_zero_mark_on_an_isolated_position_leaves_its_pool_judged(db, venue, make_service):
    rec = _start(db, make_service)
    venue.faults.set(FaultKind.ZERO_MARK, DOGE, api_key=KEY)
    snap = wait_for(
        lambda: (s := rec.latest("demo")) and any(p.unknown for p in _isolated(s)) and s
    )
    assert snap.baseline.unknown is None and snap.baseline.health_ratio is not None
    doge = next(p for p in _isolated(snap) if p.symbol.startswith("DOGE"))
    assert doge.unknown and doge.liquidation_price is None
    assert "DOGE" in wait_for(lambda: _alerts(rec, EventKind.UNKNOWN))[0].message


def test_one_symbol_without_a_tier_table_leaves_the_others_judged(db, venue, make_service):
    venue.faults.set(FaultKind.NO_TIERS, DOGE, api_key=KEY)
    db.accounts.add("demo", "simulated", venue="binanceusdm", settings={"interval": 0.2})
    service, rec = make_service()
    service.start()
    snap = wait_for(
        lambda: (s := rec.latest("demo")) and s.known and any(p.unknown for p in _isolated(s)) and s
    )
    assert snap.status.state is SourceState.OK  # not a failed read, refresh after refresh
    doge = next(p for p in _isolated(snap) if p.symbol.startswith("DOGE"))
    assert "no maintenance (leverage-tier) table" in doge.unknown
    assert snap.baseline.unknown is None and snap.baseline.health_ratio is not None
    bnb = next(p for p in _isolated(snap) if p.symbol.startswith("BNB"))
    assert bnb.unknown is None and bnb.liquidation_price is not None
