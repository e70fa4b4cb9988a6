"""Issue 12, done when: no secret appears in any output when the test suite greps everything
the app printed and stored.

The app runs as a user runs it — `accounts add` (right and mistyped), `accounts list|set`,
`webhooks`, `check` (`--refresh`, `--json`), `export`, `watch` with webhooks, `--db` with a
password — against simulated Binance and OKX venues on loopback that serve the planted keys,
with every logger (ccxt's request log included) at DEBUG and venue faults that make the error
paths run. Kept: every stdout and stderr, every log record, every file under the run's HOME
(the SQLite database byte for byte, its WAL, exports), every column of every row of every
table, and what the webhook receiver got. None of it may hold a planted secret, as is or
URL-quoted.
"""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from monitor.sources.sim import SimBook, SimPosition, SimVenue
from monitor.sources.sim.okx.demo import DEMO_BOOK as OKX_BOOK
from monitor.sources.sim.okx.demo import DEMO_MARKS as OKX_MARKS
from monitor.sources.sim.okx.venue import OkxVenue
from tests.keyring_memory import MemoryKeyring, use_memory_keyring
from tests.secret_sweep import (
    SECRETS,
    Capture,
    Hit,
    Receiver,
    Run,
    Watch,
    closed_port,
    leaks,
    run_here,
    run_process,
    run_processes,
    user_environment,
    wait_for,
)

S = SECRETS
# The USDT pool between liquidation and critical (health ~1.1): watch rings at once.
CRITICAL = SimBook("critical", 1_950.0, (SimPosition("BTCUSDT", 5.0, 61_000.0, 125),))
PG_URL = f"postgresql+psycopg://monitor:{quote(S['db password'], safe='')}@127.0.0.1:1/monitor"
ENV_CREDENTIALS = {
    "MARGIN_MONITOR_API_KEY": S["environment api key"],
    "MARGIN_MONITOR_API_SECRET": S["environment api secret"],
    "MARGIN_MONITOR_API_PASSWORD": S["environment passphrase"],
}


def q(secret: str) -> str:
    return quote(secret, safe="")


@dataclass
class Swept:
    capture: Capture
    runs: dict[str, Run]
    files: list[Path]
    tables: dict[str, int]
    webhook_kinds: set[str]  # of the webhooks the receiver got
    basic_auth_hits: list[Hit]
    keyring: dict[tuple[str, str], str]
    venue_statuses: list[int]
    keys_file: str  # the --credentials-file: holds its keys by design, so searched apart
    keys_file_mode: int


@contextlib.contextmanager
def venues() -> Iterator[tuple[SimVenue, str, OkxVenue]]:
    binance = SimVenue(seed=5, demo_book=None)
    binance.set_marks({"BTCUSDT": 61_000.0})
    binance.add_book(CRITICAL, S["keyring api key"], S["keyring api secret"])
    binance.add_book(CRITICAL, S["environment api key"], S["environment api secret"])
    binance.add_book(CRITICAL, S["file api key"], S["file api secret"])
    okx = OkxVenue(OKX_MARKS)
    okx.add_book(OKX_BOOK, S["okx api key"], S["okx api secret"], S["okx passphrase"])
    try:
        binance.start()
        ws_url = binance.start_stream()
        okx.start()
        yield binance, ws_url, okx
    finally:
        binance.stop()
        okx.stop()


WEBHOOK_KINDS = {  # the receiver's paths; the rest of a path is the webhook's token
    "/hook/": "json",
    "/basic": "json (basic auth)",
    "/services/": "slack",
    "/api/webhooks/": "discord",
    "/bot": "telegram",
    "/ntfy/": "ntfy",
}


def kind_of(path: str) -> str:
    return next(kind for prefix, kind in WEBHOOK_KINDS.items() if path.startswith(prefix))


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Swept]:
    root = tmp_path_factory.mktemp("no-secret")
    home = root / "home"
    home.mkdir()
    env = user_environment(home)
    data = Path(env["XDG_DATA_HOME"]) / "margin-monitor"
    data.mkdir(parents=True)
    db = f"sqlite:///{data / 'monitor.sqlite3'}"
    capture = Capture()
    runs: dict[str, Run] = {}
    keyring_gen = use_memory_keyring()
    keyring: MemoryKeyring = next(keyring_gen)
    receiver = Receiver()
    try:
        with pytest.MonkeyPatch.context() as mp, venues() as (binance, ws_url, okx):
            for name in [k for k in env if k.startswith(("HOME", "XDG_"))]:
                mp.setenv(name, env[name])
            for name in ENV_CREDENTIALS:
                mp.delenv(name, raising=False)
            mp.delenv("MARGIN_MONITOR_DB", raising=False)
            mp.delenv("MARGIN_MONITOR_WEBHOOKS", raising=False)
            typed: list[str] = []
            mp.setattr(getpass, "getpass", lambda _prompt="": typed.pop(0))

            def here(label: str, *args: str, answers: tuple[str, ...] = ()) -> Run:
                """In this process: the in-memory keyring, secrets typed at the prompts."""
                typed[:] = answers
                runs[label] = run_here(capture, label, args)
                return runs[label]

            def there(label: str, *args: str, extra: dict[str, str] | None = None) -> Run:
                """In a process of its own: no keyring there, as on a server."""
                runs[label] = run_process(capture, label, args, {**env, **(extra or {})})
                return runs[label]

            keyed = (S["keyring api key"], S["keyring api secret"], S["keyring passphrase"])
            okx_keys = (S["okx api key"], S["okx api secret"], S["okx passphrase"])
            typo = (S["typed api key"], S["keyring api secret"], S["keyring passphrase"])
            add = ("--db", db, "accounts", "add")
            # -- accounts add: right, then mistyped ----------------------------------------
            here(
                "add keyed", *add, "keyed", "--exchange", "binanceusdm",
                "--api-url", binance.url, "--ws-url", ws_url, answers=keyed,
            )  # fmt: skip
            here(
                "add okx", *add, "okx", "--exchange", "okx", "--api-url", okx.url,
                answers=okx_keys,
            )  # fmt: skip
            here(
                "add duplicate name", *add, "keyed", "--exchange", "binanceusdm",
                "--api-url", binance.url, answers=typo,
            )  # fmt: skip
            # The trader's own choice of a file for the keys (outside HOME: searched apart).
            keys_file = root / "keys.json"
            here(
                "add with a credentials file", *add, "filed", "--exchange", "binanceusdm",
                "--api-url", binance.url, "--credentials-file", str(keys_file),
                answers=(S["file api key"], S["file api secret"], ""),
            )  # fmt: skip
            x = ("x", "--exchange", "binanceusdm")
            nowhere = str(root / "no-such-dir" / "keys.json")  # typed keys, then a failure
            here("add unwritable keys file", *add, *x, "--credentials-file", nowhere, answers=typo)
            here("add bad interval", *add, *x, "--interval", "0.01", answers=typo)
            here("add ftp url", *add, *x, "--api-url", "ftp://127.0.0.1/fapi", answers=typo)
            plain = "http://exchange.example.com"
            here("add plain http", *add, *x, "--api-url", plain, answers=typo)
            here("add unknown exchange", *add, "x", "--exchange", "ftx", answers=typo)
            pg_add = ("--db", PG_URL, "accounts", "add")
            here("add to a password db", *pg_add, *x, "--api-url", binance.url, answers=typo)
            there(
                "add env account", *add, "envacct", "--exchange", "binanceusdm",
                "--api-url", binance.url, "--ws-url", ws_url, extra=ENV_CREDENTIALS,
            )  # fmt: skip
            # -- webhooks saved in the keyring: right, then mistyped ------------------------
            slack = f"slack={receiver.url}/services/T000/B000/{S['slack token']}"
            here("webhooks add", "webhooks", "add", slack)
            # A user and password in a webhook URL (basic auth): as secret as its path.
            hook_pw = S["webhook basic-auth password"]
            basic = f"json={receiver.url.replace('://', f'://hook:{hook_pw}@')}/basic"
            here("webhooks add basic auth", "webhooks", "add", basic)
            typo_hook = f"https://hooks.example/services/T000/B000/{S['mistyped webhook token']}"
            spaced = f"https://hooks.example/services/T000/B000/x {S['spaced webhook token']}"
            here("webhooks add unknown kind", "webhooks", "add", f"pager={typo_hook}")
            here("webhooks add no scheme", "webhooks", "add", f"json=ftp{typo_hook[5:]}")
            here("webhooks add no kind", "webhooks", "add", f"{typo_hook}?x=1")
            here("webhooks add space in url", "webhooks", "add", f"pager={spaced}")
            here("webhooks list", "webhooks", "list")
            # -- accounts list / set ---------------------------------------------------------
            here("list", "--db", db, "accounts", "list")
            there("list (process)", "--db", db, "accounts", "list")
            here("list in the data dir", "accounts", "list")
            here("list password db", "--db", PG_URL, "accounts", "list")
            here("set", "--db", db, "accounts", "set", "keyed", "--interval", "1")
            here("set bad interval", "--db", db, "accounts", "set", "keyed", "--interval", "0")
            here("set unknown", "--db", db, "accounts", "set", "nobody", "--interval", "5")
            here("set password db", "--db", PG_URL, "accounts", "set", "keyed", "--interval", "5")
            # -- watch with webhooks, through a rate limit and a server error ---------------
            binance.faults.set("server_error", api_key=S["environment api key"], times=1)
            binance.faults.set("rate_limit", api_key=S["environment api key"], times=1)
            json_token = q(S["json webhook token"])
            down = S["unreachable webhook token"]
            watch_args = [
                "--db", db, "watch",
                "--webhook", f"json={receiver.url}/hook/{json_token}?token={json_token}",
                "--webhook", f"json=http://127.0.0.1:{closed_port()}/down/{down}?key={down}",
                "--webhook", slack,
                "--webhook", basic,
                "--webhook", f"discord={receiver.url}/api/webhooks/42/{S['discord token']}",
                "--webhook", f"telegram={S['telegram token']}@4242",
                "--telegram-api", receiver.url,
            ]  # fmt: skip
            ntfy = f"ntfy={receiver.url}/ntfy/{S['environment webhook token']}"
            watch_env = {**env, **ENV_CREDENTIALS, "MARGIN_MONITOR_WEBHOOKS": ntfy}
            watch = Watch(capture, "watch", watch_args, watch_env)
            try:
                for path in WEBHOOK_KINDS:
                    wait_for(lambda p=path: receiver.got(p), 30, f"a webhook at {path}")
                wait_for(
                    lambda: {429, 503} <= {r.status for r in binance.requests.records()},
                    20,
                    "the venue's faults",
                )
                # SIGTERM: watch stops cleanly, giving its webhooks (one unreachable) up to
                # 10 s; the rest of the run goes on meanwhile.
                watch.terminate()
                with ThreadPoolExecutor(1) as aside:
                    # Refused at once, side by side: a bad webhook, a bad Telegram API base
                    # (the bot token must not ride on the error), a database with a password.
                    bad_telegram_api = [
                        *("--telegram-api", "api.telegram.invalid"),
                        *("--webhook", f"telegram={S['telegram token, mistyped api']}@4242"),
                    ]
                    refused = {
                        "watch mistyped webhook": ["--webhook", f"pager={typo_hook}"],
                        "watch space in webhook": ["--webhook", f"json={spaced}"],
                        "watch mistyped telegram api": bad_telegram_api,
                    }
                    refused_runs = aside.submit(
                        run_processes,
                        capture,
                        {
                            **{
                                label: (["--db", db, "watch", *args], watch_env)
                                for label, args in refused.items()
                            },
                            "watch password db": (["watch"], {**env, "MARGIN_MONITOR_DB": PG_URL}),
                        },
                    )
                    # -- check: a refresh the venues refuse, then one that works ------------
                    for name, value in ENV_CREDENTIALS.items():
                        mp.setenv(name, value)
                    # Until cleared: the refresh's own read fails too, not only the first one.
                    binance.faults.set("auth", api_key=S["environment api key"])
                    binance.faults.set("server_error", api_key=S["keyring api key"])
                    here("check refresh refused", "--db", db, "check", "--refresh", "--json")
                    binance.faults.clear()
                    # The odds (candles read, paths simulated) once, after the refresh; the two
                    # checks after it quick (--no-odds): three full ones outlast the 30 s the
                    # refreshed data counts as fresh, and the last would say stale.
                    here("check refresh json", "--db", db, "check", "--refresh", "--json")
                    here("check", "--db", db, "check", "--no-odds")
                    here("check json", "--db", db, "check", "--json", "--no-odds")
                    here("check password db", "--db", PG_URL, "check", "--json")
                    for name in ENV_CREDENTIALS:
                        mp.delenv(name)
                    # -- export -------------------------------------------------------------
                    exported = home / "exported.json"
                    export = ("--db", db, "export")
                    here("export file", *export, str(exported), "--account", "envacct")
                    here("export stdout", *export, "-", "--account", "keyed")
                    here("export all", *export, "-")
                    here("export unknown", *export, "-", "--account", "nobody")
                    here("export password db", "--db", PG_URL, "export", "-")
                    runs.update(refused_runs.result())
            finally:
                runs["watch"] = watch.stop()
            venue_statuses = [r.status for r in binance.requests.records()]
        for hit in receiver.hits:
            capture.add(f"webhook receiver: body sent to {kind_of(hit.path)}", hit.body)
            capture.add(f"webhook receiver: headers sent to {kind_of(hit.path)}", hit.headers)
        files = capture.add_tree(root, skip=lambda path: path == keys_file)
        keys_file_text = keys_file.read_text()
        keys_file_mode = keys_file.stat().st_mode & 0o777
        tables = capture.add_sqlite(data / "monitor.sqlite3", "database")
        yield Swept(
            capture,
            runs,
            files,
            tables,
            {kind_of(h.path) for h in receiver.hits},
            receiver.got("/basic"),
            dict(keyring.items),
            venue_statuses,
            keys_file_text,
            keys_file_mode,
        )
    finally:
        receiver.close()
        next(keyring_gen, None)


def test_no_secret_in_anything_the_app_printed_logged_stored_or_sent(swept: Swept) -> None:
    found = leaks(swept.capture)
    assert not found, "secrets leaked:\n" + "\n".join(found)


def test_the_sweep_saw_the_app_at_work(swept: Swept) -> None:
    """Not a vacuous pass: the commands ran as meant, the secrets were used, the error paths
    ran, and the capture holds what they put out."""
    runs = swept.runs
    worked = ["add keyed", "add okx", "add env account", "webhooks add", "list", "set"]
    worked += ["add with a credentials file"]
    worked += ["webhooks add basic auth", "watch", "export file", "export stdout", "export all"]
    worked += ["list (process)", "webhooks list"]
    for label in worked:
        assert runs[label].status == 0, runs[label]
    for label in ("check refresh json", "check", "check json"):
        assert runs[label].status == 2, runs[label]  # critical: the planted books ring
    refused = [
        "add duplicate name", "add bad interval", "add unwritable keys file", "add ftp url",
        "add plain http", "add unknown exchange", "add to a password db",
        "webhooks add unknown kind", "webhooks add no scheme", "webhooks add no kind",
        "webhooks add space in url",
        "list in the data dir", "list password db", "set bad interval", "set unknown",
        "set password db", "check refresh refused", "check password db",
        "watch mistyped webhook", "watch space in webhook", "watch mistyped telegram api",
        "watch password db", "export unknown", "export password db",
    ]  # fmt: skip
    for label in refused:
        assert runs[label].status != 0 and runs[label].err.strip(), runs[label]
    assert "keys from MARGIN_MONITOR_API_KEY" in runs["add env account"].out
    assert "refresh failed" in runs["check refresh refused"].out
    assert '"name": "keyed"' in runs["check json"].out and "okx" in runs["check json"].out
    # Each failing --db run said what failed (and the URL, without its password).
    for label in ("list password db", "watch password db", "add to a password db"):
        assert "postgresql+psycopg://monitor:***@127.0.0.1:1/monitor" in runs[label].err, label
    # The keys were used: the venues answered 200 to the planted keys, and refused them
    # when a fault said so (401, 429, 503).
    assert {200, 401, 429, 503} <= set(swept.venue_statuses)
    # ccxt's request log, headers and all, was captured here and in the watch process.
    logs = swept.capture.joined()
    for header in ("X-MBX-APIKEY", "OK-ACCESS-KEY", "OK-ACCESS-PASSPHRASE"):
        assert header in logs, header
    assert "Request:" in runs["watch"].err and "Response:" in runs["watch"].err
    assert "webhooks not delivered" in runs["watch"].err  # the unreachable one
    assert swept.webhook_kinds == set(WEBHOOK_KINDS.values())
    assert all("Authorization: Basic" in h.headers for h in swept.basic_auth_hits)
    # The keyring holds the secrets (by design), the database and files do not (the sweep).
    assert S["keyring api secret"] in " ".join(swept.keyring.values())
    assert S["slack token"] in " ".join(swept.keyring.values())
    assert S["file api secret"] in swept.keys_file and swept.keys_file_mode == 0o600
    assert "filed" in runs["check json"].out and "filed" in runs["watch"].out
    assert {"accounts", "positions", "alerts", "source_status"} <= {
        t for t, n in swept.tables.items() if n
    }, swept.tables
    names = {p.name for p in swept.files}
    assert {"monitor.sqlite3", "exported.json"} <= names, names


def test_the_search_finds_a_planted_leak_and_says_where() -> None:
    capture = Capture()
    capture.add("watch: stdout", "all quiet")
    capture.add("database table x row 0 column y", f"url /a/{quote(S['db password'], safe='')}")
    found = leaks(capture)
    assert len(found) == 1 and found[0].startswith("db password (url-quoted) in database table x")
