"""`import`, `export` and `check --json` on the stored accounts, through the real entry point."""

from __future__ import annotations

import copy
import json
import math
import time

import pytest

from monitor.cli import main
from monitor.domain.model import Maintenance, Position, Side
from monitor.formats.portfolio import load_portfolio
from monitor.store import ENV_VAR, open_database
from tests.store.conftest import EXAMPLE, vector_cases
from tests.vector_marks import marks_differ

HEADER = "symbol,side,contracts,entry_price,mark_price,margin_mode,isolated_margin,maintenance_rate"


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def _count(db_url: str) -> tuple[int, int]:
    with open_database(db_url) as db:
        accounts = db.accounts.list()
        return len(accounts), sum(len(db.positions.list(a.account_id)) for a in accounts)


def test_import_then_export_gives_the_same_portfolio(tmp_path, db_url, capsys):
    status, out, err = _cli(capsys, "--db", db_url, "import", str(EXAMPLE))
    assert (status, err) == (0, "")
    assert "imported 1 account(s), 2 position(s)" in out
    exported = tmp_path / "out.json"
    assert _cli(capsys, "--db", db_url, "export", str(exported))[0] == 0
    assert load_portfolio(exported) == load_portfolio(EXAMPLE)


def test_import_refuses_a_name_clash_unless_replace(tmp_path, db_url, capsys):
    assert _cli(capsys, "--db", db_url, "import", str(EXAMPLE))[0] == 0
    status, _, err = _cli(capsys, "--db", db_url, "import", str(EXAMPLE))
    assert status == 1
    assert err.strip() == (
        "margin-monitor import: account 'trade-article-2000-usdc': already stored "
        "(use --replace to overwrite)"
    )
    assert _cli(capsys, "--db", db_url, "import", "--replace", str(EXAMPLE))[0] == 0
    assert _count(db_url) == (1, 2)


def test_a_bad_portfolio_file_writes_nothing(tmp_path, db_url, capsys):
    doc = json.loads(EXAMPLE.read_text())
    doc["accounts"].append({**copy.deepcopy(doc["accounts"][0]), "name": "second"})
    doc["accounts"][1]["positions"][1]["contracts"] = 0
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    status, _, err = _cli(capsys, "--db", db_url, "import", str(bad))
    assert status == 1
    assert "account 'second': position #2 (ETH/USDC:USDC): field 'contracts': must be > 0" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert _count(db_url) == (0, 0)


def test_export_of_one_account_and_of_an_unknown_one(tmp_path, db_url, capsys):
    with open_database(db_url) as db:
        for name in ("a", "b"):
            account_id = db.accounts.add(name, "manual", wallet_balance=1.5)
            db.positions.save(
                account_id,
                Position("X/USDT:USDT", Side.LONG, 1.0, 2.0, 3.0, Maintenance.flat(0.01)),
            )
    out_file = tmp_path / "b.json"
    assert _cli(capsys, "--db", db_url, "export", str(out_file), "--account", "b")[0] == 0
    assert [a.name for a in load_portfolio(out_file)] == ["b"]
    status, _, err = _cli(capsys, "--db", db_url, "export", str(out_file), "--account", "zz")
    assert (status, err.strip()) == (1, "margin-monitor export: account 'zz': no such account")
    assert [a.name for a in load_portfolio(out_file)] == ["b"]  # the old file is untouched


def test_csv_rows_become_a_manual_account(tmp_path, db_url, capsys):
    csv_file = tmp_path / "positions.csv"
    csv_file.write_text(
        HEADER + ",leverage\n"
        "BTC/USDC:USDC,long,0.04,50000,46000,cross,,0.005,10\n"
        "ETH/USDC:USDC,short,0.4,2500,2700,,,0.005,5\n"
    )
    status, _, err = _cli(
        capsys, "--db", db_url, "import", str(csv_file), "--account",
        "trade-article-2000-usdc", "--wallet-balance", "2000", "--venue", "binanceusdm",
        "--collateral", "USDC",
    )  # fmt: skip
    assert (status, err) == (0, "")
    exported = tmp_path / "out.json"
    assert _cli(capsys, "--db", db_url, "export", str(exported))[0] == 0
    # The same two positions as the example portfolio file, typed into a spreadsheet.
    assert load_portfolio(exported) == load_portfolio(EXAMPLE)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("ETH/USDT:USDT,short,-1,100,100,cross,,0.01",
         "bad.csv:3: position ETH/USDT:USDT: field 'contracts': must be > 0, got -1"),
        ("ETH/USDT:USDT,sideways,1,100,100,cross,,0.01",
         "bad.csv:3: position ETH/USDT:USDT: field 'side': must be one of long, short, "
         'got "sideways"'),
        ("ETH/USDT:USDT,short,1,100,100,isolated,,0.01",
         "bad.csv:3: position ETH/USDT:USDT: field 'isolated_margin': required when "
         "margin_mode is isolated"),
        ("ETH/USDT:USDT,short,1,abc,100,cross,,0.01",
         "bad.csv:3: position ETH/USDT:USDT: field 'entry_price': must be a number, got \"abc\""),
        (",short,1,100,100,cross,,0.01", "bad.csv:3: field 'symbol': missing required key"),
    ],
)  # fmt: skip
def test_a_bad_csv_row_is_named_by_line_and_nothing_is_written(
    tmp_path, db_url, capsys, row, message
):
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text(f"{HEADER}\nBTC/USDT:USDT,long,1,100,100,cross,,0.01\n{row}\n")
    status, _, err = _cli(
        capsys, "--db", db_url, "import", str(csv_file), "--account", "x",
        "--wallet-balance", "10",
    )  # fmt: skip
    assert status == 1
    assert err == f"margin-monitor import: {tmp_path}/{message}\n"
    assert _count(db_url) == (0, 0)


def test_a_csv_mixing_inverse_and_linear_is_refused(tmp_path, db_url, capsys):
    csv_file = tmp_path / "mix.csv"
    csv_file.write_text(
        "symbol,side,contracts,entry_price,mark_price,inverse,max_leverage\n"
        "BTC/USD:BTC,long,1,100,100,true,20\n"
        "ETH/USDT:USDT,long,1,100,100,false,20\n"
    )
    status, _, err = _cli(
        capsys, "--db", db_url, "import", str(csv_file), "--account", "x",
        "--wallet-balance", "10",
    )  # fmt: skip
    assert status == 1 and "cannot mix inverse and linear" in err
    assert _count(db_url) == (0, 0)


CASES = vector_cases()


def _close(got: object, expected: object, rel: float) -> bool:
    if expected is None or got is None:
        return got is expected
    assert isinstance(got, float | int) and isinstance(expected, float | int)
    return math.isclose(got, expected, rel_tol=rel, abs_tol=1e-9)


def test_check_json_reports_the_stored_accounts_as_the_published_figures(
    tmp_path, db_url, capsys, monkeypatch
):
    # Every published case is imported; `check --json` with no --portfolio must give each
    # account its published figures. The database is chosen by the environment variable.
    # Cases that value rows of one symbol at different marks are left out: a stored account
    # is judged at one mark per market (domain/market_marks.py); those cases are reproduced
    # from their files with --marks-per-row (tests/domain/test_vectors.py).
    monkeypatch.setenv(ENV_VAR, db_url)
    expected = {}
    for case in [c for c in CASES if not marks_differ(c["portfolio"])]:
        portfolio = case["portfolio"]
        for i, account in enumerate(portfolio["accounts"]):
            name = f"{case['id']}-{account['name']}"
            account["name"] = name
            expected[name] = (case["expected"]["accounts"][i], case["rel_tolerance"])
        path = tmp_path / f"{case['id']}.json"
        path.write_text(json.dumps(portfolio))
        assert _cli(capsys, "import", str(path))[0] == 0
    _, out, _ = _cli(capsys, "check", "--json")
    report = json.loads(out)
    assert [a["name"] for a in report["accounts"]] == list(expected)
    problems = []
    for got in report["accounts"]:
        want, rel = expected[got["name"]]
        for key in ("margin_balance", "maintenance_margin", "health_ratio"):
            if not _close(got[key], want[key], rel):
                problems.append(f"{got['name']} {key}: {got[key]} != {want[key]}")
        for gp, wp in zip(got["positions"], want["positions"], strict=True):
            for key in ("notional", "unrealized_pnl", "maintenance_margin", "liquidation_price"):
                if key in wp and not _close(gp[key], wp[key], rel):
                    problems.append(f"{got['name']} {gp['symbol']} {key}: {gp[key]} != {wp[key]}")
    assert problems == []


def test_check_uses_each_accounts_stored_thresholds(db_url, capsys):
    assert _cli(capsys, "--db", db_url, "import", str(EXAMPLE))[0] == 0
    status, out, _ = _cli(capsys, "--db", db_url, "check", "--json")
    assert (status, json.loads(out)["accounts"][0]["status"]) == (0, "ok")  # health 120.5
    with open_database(db_url) as db:
        (record,) = db.accounts.list()
        db.accounts.update(record.account_id, thresholds=type(record.thresholds)(200.0, 150.0))
    status, out, _ = _cli(capsys, "--db", db_url, "check", "--json")
    assert (status, json.loads(out)["accounts"][0]["status"]) == (2, "critical")


def test_check_cannot_judge_a_stale_exchange_account(db_url, capsys):
    with open_database(db_url) as db:
        account_id = db.accounts.add("ex", "exchange", stale_after=60.0)
        db.positions.replace_live(account_id, 100.0, [], time.time() - 3600)
    status, out, err = _cli(capsys, "--db", db_url, "check", "--json")
    assert status == 3
    assert err.startswith("UNKNOWN: account 'ex': data too stale to judge (fetched 3600 s ago")
    # Under --json the failure is in the JSON too: a job reading stdout is not told "nothing".
    error = json.loads(out)
    assert error["format"] == "margin-monitor.health/1"
    assert error["error"].startswith("account 'ex': data too stale to judge")


@pytest.mark.parametrize("as_json", [False, True])
def test_check_of_no_accounts_is_unknown_never_ok(db_url, capsys, as_json):
    """A typo in --db opens an empty database: nothing watched must not read as all well."""
    flags = ["--json"] if as_json else []
    open_database(db_url).close()  # an existing database with no account in it
    status, out, err = _cli(capsys, "--db", db_url, "check", *flags)
    assert status == 3
    assert "no accounts" in err
    if as_json:
        assert json.loads(out) == {
            "format": "margin-monitor.health/1",
            "error": "no accounts in the database",
        }


def test_check_and_the_window_call_the_same_data_stale(db_url, capsys):
    """One stale rule (issue 12): 45 s old is stale in the window and `watch` (3 intervals,
    at least 30 s), so `check` cannot judge it either (it used its own 120 s before)."""
    from monitor.domain.alerts import DEFAULT_RULES

    with open_database(db_url) as db:
        account_id = db.accounts.add("ex", "exchange")
        db.positions.replace_live(account_id, 100.0, [], time.time() - 45)
    assert DEFAULT_RULES.stale_after(2.0) < 45  # what the service applies to this account
    status, _, err = _cli(capsys, "--db", db_url, "check")
    assert status == 3
    assert "data too stale to judge (fetched 45 s ago, stale after 30 s)" in err


def test_check_says_how_old_each_typed_mark_is(db_url, capsys):
    with open_database(db_url) as db:
        account = db.accounts.add(
            "hand", "manual", venue="binanceusdm", collateral="USDT", wallet_balance=10_000.0
        )
        now = time.time()
        eth = Position("ETH/USDT:USDT", Side.LONG, 2, 3_000, 3_000, Maintenance.flat(0.005))
        btc = Position("BTC/USDT:USDT", Side.SHORT, 0.1, 60_000, 61_000, Maintenance.flat(0.005))
        sol = Position("SOL/USDT:USDT", Side.LONG, 10, 150, 151, Maintenance.flat(0.005))
        db.positions.save(account, eth, typed_at=now - (3 * 3600 + 300))
        db.positions.save(account, btc, typed_at=now - 1_000.0)
        db.positions.save(account, sol)  # typed before the time was kept
        # ... and one refreshed from the venue: its mark is the venue's, read 2 min ago.
        db.market.upsert_marks("binanceusdm", [("SOL/USDT:USDT", 151.0)], now - 125)
    status, out, _ = _cli(capsys, "--db", db_url, "check", "--no-odds")
    assert status in (0, 1, 2)
    assert "hand: ETH/USDT:USDT mark typed 3 h ago" in out
    assert "hand: BTC/USDT:USDT mark typed 16 min ago" in out
    assert "hand: SOL/USDT:USDT mark from binanceusdm public ticker, read 2 min ago" in out


def test_check_json_gives_each_typed_marks_age(db_url, capsys):
    """What the text report says of a manual account's marks, `--json` gives as figures:
    where each mark came from, when, and how many seconds ago."""
    with open_database(db_url) as db:
        account = db.accounts.add(
            "hand", "manual", venue="binanceusdm", collateral="USDT", wallet_balance=10_000.0
        )
        db.accounts.add("empty", "manual", collateral="USDT", wallet_balance=1_000.0)
        now = time.time()
        eth = Position("ETH/USDT:USDT", Side.LONG, 2, 3_000, 3_000, Maintenance.flat(0.005))
        btc = Position("BTC/USDT:USDT", Side.SHORT, 0.1, 60_000, 61_000, Maintenance.flat(0.005))
        sol = Position("SOL/USDT:USDT", Side.LONG, 10, 150, 151, Maintenance.flat(0.005))
        doge = Position("DOGE/USDT:USDT", Side.LONG, 1_000, 0.1, 0.1, Maintenance.flat(0.01))
        db.positions.save(account, eth, typed_at=now - (3 * 3600 + 300))
        db.positions.save(account, btc, typed_at=now - 1_000.0)
        db.positions.save(account, doge)  # typed before the time was kept
        db.positions.save(account, sol)
        db.market.upsert_marks("binanceusdm", [("SOL/USDT:USDT", 151.0)], now - 125)
    status, out, _ = _cli(capsys, "--db", db_url, "check", "--no-odds", "--json")
    assert status in (0, 1, 2, 3)
    accounts = {a["name"]: a for a in json.loads(out)["accounts"]}
    marks = {m["symbol"]: m for m in accounts["hand"]["marks"]}
    assert set(marks) == {"ETH/USDT:USDT", "BTC/USDT:USDT", "SOL/USDT:USDT", "DOGE/USDT:USDT"}
    ran = time.time() - now  # seconds the command took: ages are at most this much older
    for symbol, source, venue, age in (
        ("ETH/USDT:USDT", "typed", None, 3 * 3600 + 300),
        ("BTC/USDT:USDT", "typed", None, 1_000.0),
        ("SOL/USDT:USDT", "public", "binanceusdm", 125.0),
    ):
        mark = marks[symbol]
        assert (mark["source"], mark["venue"]) == (source, venue), symbol
        assert age <= mark["age_seconds"] <= age + ran + 1, symbol
        assert mark["at"] == pytest.approx(now - age, abs=1e-3), symbol
    assert marks["ETH/USDT:USDT"]["words"] == "typed 3 h ago"  # as the text report says it
    assert marks["SOL/USDT:USDT"]["words"] == "from binanceusdm public ticker, read 2 min ago"
    doge_mark = marks["DOGE/USDT:USDT"]
    assert (doge_mark["source"], doge_mark["at"], doge_mark["age_seconds"]) == ("typed", None, None)
    assert accounts["empty"]["marks"] == []  # a manual account without positions: no marks
