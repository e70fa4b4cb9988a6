"""What `test_no_secret_anywhere` needs to run the app as a user does and keep everything it
printed, logged, wrote, stored and sent: planted secrets, the captured texts (each named by
where it came from), the app in a subprocess or in this process, a loopback webhook receiver,
and the search for the secrets in all of it."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote, quote_plus

T = TypeVar("T")

# Each planted value is unique and recognisable; the DB password and a webhook token carry
# characters a URL must quote, so their quoted forms are what travels in the URLs.
SECRETS: dict[str, str] = {
    "keyring api key": "SeCrEt-apikey-7f3a91c2",
    "keyring api secret": "SeCrEt-apisecret-0d4e6b18",
    "keyring passphrase": "SeCrEt-passphrase-5c2a7e90",
    "okx api key": "SeCrEt-okxkey-61b8d0f3",
    "okx api secret": "SeCrEt-okxsecret-a9e3c471",
    "okx passphrase": "SeCrEt-okxpass-2f7d9b05",
    "environment api key": "SeCrEt-envkey-3b9c0e7a",
    "environment api secret": "SeCrEt-envsecret-84d1f2c6",
    "environment passphrase": "SeCrEt-envpass-e5a07d39",
    "file api key": "SeCrEt-filekey-2d8b5a61",  # kept in a --credentials-file
    "file api secret": "SeCrEt-filesecret-93f0c7e4",
    "typed api key": "SeCrEt-typedkey-9a4c1e52",  # typed at an `accounts add` that fails
    "slack token": "SeCrEt-slacktoken-c81f2a6d",
    "discord token": "SeCrEt-discordtoken-47e0b9a3",
    "telegram token": "SeCrEt-telegramtoken-d26f8c10",
    "json webhook token": "SeCrEt-jsontoken-b3e75f24/+=",
    "unreachable webhook token": "SeCrEt-downtoken-6a0c3d8e",
    "mistyped webhook token": "SeCrEt-typotoken-f19b4e72",
    "spaced webhook token": "SeCrEt-spacedtoken-8d3e1f60",  # after a space pasted into a URL
    "webhook basic-auth password": "SeCrEt-hookpw-c7a25e19",
    "telegram token, mistyped api": "SeCrEt-tgtypo-5e81c3a7",
    "environment webhook token": "SeCrEt-envhooktoken-0e6d2b95",
    "db password": "SeCrEt-dbpw-7c4f1a08/@:+",
}


def forms(secret: str) -> dict[str, str]:
    """The secret and every URL-quoted spelling of it (distinct ones only)."""
    found = {"as is": secret}
    quoted = {"url-quoted": quote(secret, safe=""), "form-quoted": quote_plus(secret)}
    for name, value in quoted.items():
        if value not in found.values():
            found[name] = value
    return found


@dataclass
class Capture:
    """Everything the app put out, as (where, text) pairs."""

    texts: list[tuple[str, str]] = field(default_factory=list)

    def add(self, where: str, text: str | bytes) -> None:
        if isinstance(text, bytes):
            # Binary files (SQLite pages) are searched byte for byte: latin-1 keeps every byte.
            text = text.decode("latin-1")
        self.texts.append((where, text))

    def add_tree(self, root: Path, skip: Callable[[Path], bool] = lambda _p: False) -> list[Path]:
        """Every file under `root`, raw; the paths read."""
        read = []
        for path in sorted(root.rglob("*")):
            if path.is_file() and not skip(path):
                self.add(f"file {path.relative_to(root)}", path.read_bytes())
                self.add(f"file name {path.relative_to(root)}", str(path))
                read.append(path)
        return read

    def add_sqlite(self, path: Path, label: str) -> dict[str, int]:
        """Every column of every row of every table (rows per table returned)."""
        rows_per_table = {}
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
            tables = [
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
            for table in tables:
                cursor = con.execute(f'SELECT * FROM "{table}"')
                columns = [d[0] for d in cursor.description]
                rows = cursor.fetchall()
                rows_per_table[table] = len(rows)
                for i, row in enumerate(rows):
                    for column, value in zip(columns, row, strict=True):
                        if value is None:
                            continue
                        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                        self.add(f"{label} table {table} row {i} column {column}", text)
        return rows_per_table

    def joined(self) -> str:
        return "\n".join(text for _, text in self.texts)


def leaks(capture: Capture, secrets: Mapping[str, str] = SECRETS) -> list[str]:
    """Where each planted secret (in any of its forms) appears, with a little context."""
    found = []
    for where, text in capture.texts:
        for name, secret in secrets.items():
            for form, value in forms(secret).items():
                at = text.find(value)
                if at >= 0:
                    context = text[max(0, at - 60) : at + len(value) + 20]
                    found.append(f"{name} ({form}) in {where}: …{context!r}…")
    return found


# -- running the app ------------------------------------------------------------------------

# A user's run with every logger at DEBUG (ccxt's request log included) to stderr.
_DEBUG_RUN = (
    "import logging, sys\n"
    "logging.basicConfig(level=logging.DEBUG, stream=sys.stderr,"
    " format='LOG %(relativeCreated)d %(levelname)s %(name)s: %(message)s')\n"
    "logging.captureWarnings(True)\n"
    "logging.getLogger('ccxt').setLevel(logging.DEBUG)\n"
    "from monitor.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def command(*args: str) -> list[str]:
    """`margin-monitor ARGS` in a fresh interpreter, all loggers at DEBUG."""
    return [sys.executable, "-c", _DEBUG_RUN, *args]


@dataclass
class Run:
    label: str
    status: int
    out: str
    err: str
    seconds: float = 0.0


def run_process(
    capture: Capture, label: str, args: Sequence[str], env: Mapping[str, str], timeout: float = 60
) -> Run:
    start = time.monotonic()
    done = subprocess.run(
        command(*args), env=dict(env), capture_output=True, text=True, timeout=timeout
    )
    run = Run(label, done.returncode, done.stdout, done.stderr, time.monotonic() - start)
    return _captured(capture, run)


def run_processes(
    capture: Capture, runs: Mapping[str, tuple[Sequence[str], Mapping[str, str]]]
) -> dict[str, Run]:
    """Several independent runs side by side: {label: (args, env)}."""
    with ThreadPoolExecutor(len(runs)) as pool:
        futures = {
            label: pool.submit(subprocess.run, command(*args), env=dict(env),
                               capture_output=True, text=True, timeout=60)
            for label, (args, env) in runs.items()
        }  # fmt: skip
        done = {label: future.result() for label, future in futures.items()}
    return {
        label: _captured(capture, Run(label, d.returncode, d.stdout, d.stderr))
        for label, d in done.items()
    }


def _captured(capture: Capture, run: Run) -> Run:
    capture.add(f"{run.label}: stdout", run.out)
    capture.add(f"{run.label}: stderr", run.err)
    return run


class Watch:
    """`margin-monitor watch ...` running in the background, its output read as it comes."""

    def __init__(self, capture: Capture, label: str, args: Sequence[str], env: Mapping[str, str]):
        self.capture, self.label = capture, label
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            command(*args), env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self._terminated = False
        self._readers = [
            threading.Thread(target=self._read, args=(stream, lines), daemon=True)
            for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err))
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream: io.TextIOBase | None, lines: list[str]) -> None:
        assert stream is not None
        for line in stream:
            lines.append(line)

    def terminate(self) -> None:
        """SIGTERM once: watch stops cleanly. A second one, landing while the interpreter
        exits (its threads joined, its handlers gone), would kill it outright."""
        if not self._terminated:
            self._terminated = True
            self.process.terminate()

    def stop(self, timeout: float = 30) -> Run:
        if self.process.poll() is None:
            self.terminate()
        try:
            status = self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            for reader in self._readers:
                reader.join(10)
        run = Run(self.label, status, "".join(self.out), "".join(self.err))
        run.seconds = time.monotonic() - self.started
        return _captured(self.capture, run)


class _Records(logging.Handler):
    """Every log record, as a formatter writes it (exception text included)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextlib.contextmanager
def every_log_record() -> Iterator[_Records]:
    """The root logger (and ccxt's) at DEBUG for the block; its records collected."""
    handler = _Records()
    root, ccxt = logging.getLogger(), logging.getLogger("ccxt")
    levels = root.level, ccxt.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    ccxt.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(levels[0])
        ccxt.setLevel(levels[1])


def run_here(capture: Capture, label: str, args: Sequence[str]) -> Run:
    """`margin-monitor ARGS` in this process (the in-memory keyring, the log records)."""
    from monitor.cli import main

    out, err = io.StringIO(), io.StringIO()
    start = time.monotonic()
    with every_log_record() as records:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(list(args))
            except SystemExit as exit_:  # argparse refusing the command line
                status = exit_.code if isinstance(exit_.code, int) else 2
        capture.add(f"{label}: log records", "\n".join(records.lines))
    run = Run(label, status, out.getvalue(), err.getvalue(), time.monotonic() - start)
    return _captured(capture, run)


def wait_for(predicate: Callable[[], T], timeout: float = 20.0, what: str = "condition") -> T:
    """Poll `predicate` until it returns something truthy, up to a deadline."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        pause.wait(0.02)


# -- a webhook destination on loopback --------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    path: str  # the webhook's own URL path: holds its token by design, so never searched
    headers: str
    body: bytes


class Receiver:
    """Answers every POST with 200 and keeps what it got."""

    def __init__(self) -> None:
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver._lock:
                    receiver.hits.append(Hit(self.path, str(self.headers), body))
                payload = json.dumps({"ok": True}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def got(self, path_start: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path.startswith(path_start)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def user_environment(home: Path) -> dict[str, str]:
    """This process's environment with HOME and the XDG dirs in `home`, nothing of the app's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARGIN_MONITOR_")}
    env["HOME"] = str(home)
    for name, sub in (
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
    ):
        env[name] = str(home / sub)
    return env
