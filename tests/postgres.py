"""A throw-away PostgreSQL server for the test session, and a fresh empty database per test.

The store, service and CLI tests take `db_url` (directly or through `db`), parametrized over
`sqlite` (a file in tmp_path) and `postgresql` (a database of its own on this server). The
server starts at the first test that asks for it — a run without PostgreSQL tests starts
nothing — and stops, its files removed, when the session ends:

* initdb into a new temp directory, as the `postgres` user when the tests run as root (initdb
  refuses root), with trust authentication for the superuser role `monitor` (nothing but this
  machine can reach it: TCP on 127.0.0.1 only, and the unix socket in that directory);
* `pg_ctl start -w` on a free port (it returns once the server accepts connections);
* per test: CREATE DATABASE (a copy of template1, untouched here: ~15 ms), DROP ... WITH (FORCE)
  after it, so a test that left a connection open cannot hold up the next.

The server is tuned for throw-away data (no fsync): tests check what the store asks of the
database, not the disk's durability. The binaries come from $MARGIN_MONITOR_PG_BIN, else PATH,
else Debian's /usr/lib/postgresql/<version>/bin. Without them the PostgreSQL tests fail (never
skip): CI installs Debian's `postgresql` package (.ci/setup).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROLE = "monitor"
BIN_ENV = "MARGIN_MONITOR_PG_BIN"
START_TIMEOUT_S = 60
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",  # throw-away data: a crash of this machine loses nothing anybody wants
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",  # service tests open a few pools side by side
    "log_min_messages": "warning",
}


class PostgresUnavailable(Exception):
    pass


def server_binaries() -> Path:
    """The directory holding initdb and pg_ctl."""
    chosen = os.environ.get(BIN_ENV)
    candidates = [Path(chosen)] if chosen else []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates.extend(debian)
    for directory in candidates:
        if (directory / "initdb").is_file() and (directory / "pg_ctl").is_file():
            return directory
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found in "
        f"${BIN_ENV}, PATH or /usr/lib/postgresql/*/bin: install Debian's `postgresql` "
        "package (.ci/setup does) — the store, service and CLI tests run on PostgreSQL too"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """One running server in a directory of its own."""

    def __init__(self) -> None:
        self.bin = server_binaries()
        self.root = Path(tempfile.mkdtemp(prefix="margin-monitor-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self._as_user: list[str] = []
        self._names = itertools.count(1)
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            runuser = shutil.which("runuser")
            if runuser is None:
                raise PostgresUnavailable("running as root, and no runuser to become postgres")
            self._as_user = [runuser, "-u", "postgres", "--"]
            self.socket_dir.mkdir()
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket_dir, "postgres")
        else:
            self.socket_dir.mkdir()

    def _run(self, tool: str, *args: str) -> None:
        argv = [*self._as_user, str(self.bin / tool), *args]
        result = subprocess.run(
            argv, capture_output=True, text=True, timeout=START_TIMEOUT_S, check=False
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PostgresUnavailable(
                f"{tool} failed ({result.returncode}): {result.stderr.strip()}\n{log}"
            )

    def start(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", ROLE, "--auth=trust", "--encoding=UTF8",
            "--no-locale", "--no-sync", "--no-instructions",
        )  # fmt: skip
        # Appending keeps the file's owner (the server's user).
        extra = {
            **SETTINGS,
            "port": str(self.port),
            "unix_socket_directories": f"'{self.socket_dir}'",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in extra.items())
        self._run(
            "pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w",
            "-t", str(START_TIMEOUT_S),
        )  # fmt: skip
        import psycopg

        self._admin = psycopg.connect(self.url("postgres", driver=False), autocommit=True)

    def url(self, database: str, *, driver: bool = True) -> str:
        scheme = "postgresql+psycopg" if driver else "postgresql"
        return f"{scheme}://{ROLE}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database's name."""
        name = f"test_{next(self._names)}"
        self._admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template1')
        return name

    def databases(self) -> set[str]:
        rows = self._admin.execute("SELECT datname FROM pg_database").fetchall()
        return {str(row[0]) for row in rows}

    def drop_database(self, name: str) -> None:
        self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        try:
            admin = getattr(self, "_admin", None)
            if admin is not None:
                admin.close()
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    # A failure here is cached for the session: every PostgreSQL test fails with this message.
    problem = None
    try:
        cluster = Cluster()
        try:
            cluster.start()
        except PostgresUnavailable:
            cluster.stop()
            raise
    except PostgresUnavailable as exc:
        problem = str(exc)
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> Iterator[str]:
    """The URL of a new, empty database (no tables: open_database migrates it)."""
    name = postgres_cluster.create_database()
    yield postgres_cluster.url(name)
    postgres_cluster.drop_database(name)


# The tests that run on both databases: the store's, the service's, and the command-line tests
# (agreement, sources). Elsewhere db_url is a SQLite file: the window's tests (tests/ui borrows
# the service's `db`) exercise views, and their database is incidental.
BOTH_DATABASES = ("store", "service", "agreement", "sources")
TESTS = Path(__file__).resolve().parent


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_url" not in metafunc.fixturenames:  # fixturenames: every fixture the test reaches
        return
    where = metafunc.definition.path.resolve().relative_to(TESTS).parts[0]
    if where in BOTH_DATABASES:
        metafunc.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where the test's database lives: a new SQLite file, or a new PostgreSQL database."""
    if getattr(request, "param", "sqlite") == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


def lock_waiters(url: str) -> int:
    """How many sessions of the database at `url` are waiting for a lock right now (a test's
    wait-for-condition: "the second writer is queued")."""
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "", 1), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
    return int(row[0]) if row else 0


def drop_connections(url: str) -> int:
    """Have the server end every other session of the database at `url`, as a restart (or a
    firewall cutting idle connections) would; how many it ended."""
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "", 1), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    return int(row[0]) if row else 0
