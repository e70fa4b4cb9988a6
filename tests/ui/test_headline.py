"""The account header's badge (issue 13, the headline): the move that liquidates is the large
figure, health beside it smaller, the colour the worse of the health level and the move level,
the venue's own ratio beside ours; figures that are not current never read as a level.

Expected values are restated here from the books' own numbers, never taken from the app."""

from __future__ import annotations

from monitor.domain import Account, Maintenance, Position, Side, Thresholds, evaluate_accounts
from monitor.domain.model import MarginMode
from monitor.domain.report import Level
from monitor.service.snapshot import AccountSnapshot, PoolSnapshot, SourceState, SourceStatus
from monitor.ui import formatting as fmt
from monitor.ui.account_header import AccountHeader
from monitor.ui.theme import apply_theme

MARK = 50_000.0
# A 1 BTC long at its entry, flat maintenance rate r, wallet W = 8 × maintenance: health 8.
# A uniform fall x liquidates when W − Q·P·x = Q·P·(1 − x)·r, i.e. x = (W/(Q·P) − r)/(1 − r)
# = 7r/(1 − r); r = 0.02/7.02 puts it at exactly 2 %.
RATE = 0.02 / 7.02
MAINTENANCE = MARK * RATE
WALLET = 8 * MAINTENANCE


def _snapshot(
    account: Account,
    *,
    venue: str | None = None,
    state: SourceState = SourceState.OK,
    eta: float | None = None,
    last_success: float = 100.0,
) -> AccountSnapshot:
    (health,) = evaluate_accounts([account])
    pool = PoolSnapshot("USDT", account, (), health, health, None, eta)
    return AccountSnapshot(
        account_id=1,
        name="lev",
        kind="exchange" if venue else "manual",
        venue=venue,
        thresholds=Thresholds(),  # warning at health 2.0 or a 3 % move; critical 1.25 / 1 %
        pools=(pool,),
        status=SourceStatus(state, last_success, "timed out"),
    )


def _health_8_two_percent() -> Account:
    btc = Position("BTC/USDT:USDT", Side.LONG, 1.0, MARK, MARK, Maintenance.flat(RATE))
    return Account("lev", WALLET, (btc,), collateral="USDT")


def test_the_large_figure_is_the_move_and_the_badge_takes_the_worse_level(qtbot, qapp):
    apply_theme(qapp, "dark")  # the theme's style sheet sizes the figures
    header = AccountHeader()
    qtbot.addWidget(header)
    header.show_account(_snapshot(_health_8_two_percent(), eta=40.0), 101.0)
    assert header.move_text() == "−2.0 %"  # the fall that liquidates, large
    assert header.health_text() == "8.00"  # beside it, smaller
    header.show()
    qtbot.waitExposed(header)
    assert header.move_figure.fontInfo().pixelSize() > header.health.fontInfo().pixelSize()
    # Health 8 is far above the 2.0 warning, but a 2 % move is within the 3 % warning move.
    assert header.band_level is Level.WARNING
    assert header.band_colour() == fmt.LEVEL_COLOURS[Level.WARNING]
    assert header.band_caption.text() == "fall to liquidation · warning · move ≤ 3 %"
    assert header.pace.text() == "≈ 40 s at the current pace"
    assert "margin balance ÷ maintenance margin" in header.explanation.full_text()
    assert "worse of the two levels" in header.band.toolTip()


def test_binance_margin_ratio_beside_ours_matches_a_restatement(qtbot):
    header = AccountHeader()
    qtbot.addWidget(header)
    header.show_account(_snapshot(_health_8_two_percent(), venue="binanceusdm"), 101.0)
    # Binance: maintenance margin ÷ margin balance, in %; the book is at its entry (no PnL).
    expected = f"Binance margin ratio {MAINTENANCE / WALLET * 100:.2f} %"
    assert expected == "Binance margin ratio 12.50 %"
    assert header.venue_ratio.text() == expected and not header.venue_ratio.isHidden()
    assert "lower is safer" in header.venue_ratio.toolTip()


def test_okx_margin_ratio_is_the_other_way_up(qtbot):
    header = AccountHeader()
    qtbot.addWidget(header)
    header.show_account(_snapshot(_health_8_two_percent(), venue="okx"), 101.0)
    # OKX: equity ÷ (maintenance + fee to close; none in this book), in %: higher is safer.
    assert header.venue_ratio.text() == f"OKX margin ratio {WALLET / MAINTENANCE * 100:,.2f} %"
    assert "higher is safer" in header.venue_ratio.toolTip()
    header.show_account(_snapshot(_health_8_two_percent(), venue=None), 101.0)
    assert header.venue_ratio.isHidden()  # a manual book: no venue convention


def test_an_isolated_position_s_distance_is_the_move(qtbot):
    # 2 ETH long isolated at 3,000 with 300 of margin, maintenance 0.5 %: liquidates at
    # LP = (Q·E − M) / (Q·(1 − r)) = (6,000 − 300) / (2 × 0.995); its move is (P − LP)/P.
    eth = Position(
        "ETH/USDT:USDT",
        Side.LONG,
        2.0,
        3_000.0,
        3_000.0,
        Maintenance.flat(0.005),
        margin_mode=MarginMode.ISOLATED,
        isolated_margin=300.0,
    )
    header = AccountHeader()
    qtbot.addWidget(header)
    header.show_account(_snapshot(Account("iso", 1_000.0, (eth,), collateral="USDT")), 101.0)
    lp = (2 * 3_000.0 - 300.0) / (2 * 0.995)
    assert header.move_text() == f"−{(3_000.0 - lp) / 3_000.0 * 100:.1f} %"
    assert "ETH/USDT:USDT long (isolated)" in header.band_caption.text()


def test_stale_and_failing_figures_never_read_as_a_level(qtbot):
    header = AccountHeader()
    qtbot.addWidget(header)
    account = _health_8_two_percent()
    header.show_account(_snapshot(account, venue="binanceusdm", state=SourceState.STALE), 220.0)
    assert header.move_text() == "−2.0 %"  # the last known, greyed, with its age
    assert header.band_caption.text() == "last known · stale 2 min"
    assert header.band_level is None and header.band_colour() == fmt.STALE_COLOUR
    assert header.venue_ratio.text() == "Binance margin ratio —"
    assert header.pace.isHidden()
    header.show_account(_snapshot(account, venue="binanceusdm", state=SourceState.ERROR), 160.0)
    assert (header.move_text(), header.health_text()) == (fmt.UNKNOWN, fmt.UNKNOWN)
    assert header.band_level is None and header.band_colour() == fmt.ERROR_COLOUR
    assert header.venue_ratio.text() == "Binance margin ratio —"


def test_a_position_that_cannot_be_judged_never_leaves_a_level_colour(qtbot):
    # The cross BTC long is judged; an isolated ETH position without a maintenance table is
    # not: its own move could be the nearest, so the badge must not read as a plain level.
    eth = Position(
        "ETH/USDT:USDT",
        Side.LONG,
        2.0,
        3_000.0,
        3_000.0,
        Maintenance.flat(0.005),
        margin_mode=MarginMode.ISOLATED,
        isolated_margin=300.0,
        unknown="no maintenance table for ETH/USDT:USDT",
    )
    btc = _health_8_two_percent().positions[0]
    header = AccountHeader()
    qtbot.addWidget(header)
    header.show_account(_snapshot(Account("part", WALLET, (btc, eth), collateral="USDT")), 101.0)
    assert header.band_caption.text().endswith("· part unknown")
    assert header.band_colour() == fmt.UNKNOWN_COLOUR
    assert "no maintenance table for ETH/USDT:USDT" in header.note.text()


def test_a_pool_past_liquidation_is_named_not_an_isolated_position_beside_it(qtbot, qapp):
    # The demo's crash screenshot: the cross pool at health 0.66 and an isolated DOGE long 7 %
    # from its own liquidation; the badge said "DOGE/USDT:USDT long (isolated) · liquidation".
    btc = Position("BTC/USDT:USDT", Side.LONG, 1.0, MARK, MARK * 0.99, Maintenance.flat(RATE))
    doge = Position(
        "DOGE/USDT:USDT", Side.LONG, 10_000.0, 0.15, 0.15, Maintenance.flat(0.01),
        margin_mode=MarginMode.ISOLATED, isolated_margin=150.0,
    )  # fmt: skip
    # Wallet so that balance (W - 500) is 0.66 of the BTC maintenance (49,500 x RATE).
    wallet = 500.0 + 0.66 * MARK * 0.99 * RATE
    header = AccountHeader()
    qtbot.addWidget(header)
    header.show_account(_snapshot(Account("lev", wallet, (btc, doge), collateral="USDT")), 101.0)
    assert header.move_text() == "at liquidation"
    assert header.band_level is Level.LIQUIDATION
    assert header.band_caption.text() == "pool at liquidation · liquidation"
    assert "DOGE" not in header.band_caption.text()
