"""The venues' own account ratios restated from a pool's margin balance and maintenance
(monitor/domain/venue_ratio.py); expected values worked out here by hand."""

from __future__ import annotations

import math

from monitor.domain.venue_ratio import BINANCE, BYBIT, OKX, convention_of, venue_percent, venue_text


def test_each_venue_has_its_own_orientation():
    # Margin balance 10,567.91, maintenance 1,013.73 (the demo, health 10.42).
    assert venue_text(BINANCE, venue_percent(BINANCE, 10_567.91, 1_013.73)) == (
        "Binance margin ratio 9.59 %"  # 1,013.73 / 10,567.91 = 0.09593
    )
    assert venue_text(BYBIT, venue_percent(BYBIT, 10_567.91, 1_013.73)) == (
        "Bybit account MM rate 9.59 %"  # Bybit's MM ÷ margin balance, as Binance's
    )
    assert venue_text(OKX, venue_percent(OKX, 10_567.91, 1_013.73)) == (
        "OKX margin ratio 1,042.48 %"  # 10,567.91 / 1,013.73 = 10.4248: higher is safer
    )


def test_venues_are_named_by_their_ccxt_ids_and_others_have_none():
    assert convention_of("binanceusdm") is BINANCE and convention_of("binancecoinm") is BINANCE
    assert convention_of("bybit") is BYBIT and convention_of("okx") is OKX
    assert convention_of("hyperliquid") is None and convention_of(None) is None


def test_past_liquidation_and_no_maintenance_never_read_as_safe():
    # A balance at or below 0 is past Binance's 100 %, not a small or negative percentage.
    assert math.isinf(venue_percent(BINANCE, -50.0, 100.0) or 0.0)
    assert venue_text(BINANCE, venue_percent(BINANCE, 0.0, 100.0)) == (
        "Binance margin ratio past 100 %"
    )
    assert venue_percent(BINANCE, 1_000.0, 0.0) is None  # no maintenance: no ratio
    assert venue_percent(OKX, math.nan, 100.0) is None
    assert venue_text(OKX, None) == "OKX margin ratio —"
