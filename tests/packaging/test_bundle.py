"""The PyInstaller bundle, run as a trader would run it: as its own process, away from the source
tree (cwd is a temporary dir, no PYTHONPATH, no resources override), on its own database file."""

from __future__ import annotations

import importlib.metadata
import os
import re
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from monitor.store.database import head_revision

# The first test builds the bundle (about a minute, longer on a loaded machine).
pytestmark = pytest.mark.timeout(1200)

ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_S = 120
EXAMPLE = Path("_internal", "resources", "examples", "two-positions.json")
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


def run(argv: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "MARGIN_MONITOR"))}
    clean["MARGIN_MONITOR_DB"] = str(tmp_path / "monitor.sqlite3")  # never the user's data dir
    return subprocess.run(
        argv,
        cwd=tmp_path,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )


def schema_revision(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def test_version_is_the_package_metadata_version(bundle_dir: Path, tmp_path: Path) -> None:
    result = run([str(bundle_dir / "margin-monitor"), "--version"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"margin-monitor {importlib.metadata.version('margin-monitor')}"


def test_check_reports_the_bundled_example_portfolio(bundle_dir: Path, tmp_path: Path) -> None:
    example = bundle_dir / EXAMPLE
    result = run(
        [str(bundle_dir / "margin-monitor"), "check", "--portfolio", str(example)], tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "trade-article-2000-usdc  [OK]" in result.stdout
    for symbol in ("BTC/USDC:USDC", "ETH/USDC:USDC"):
        assert symbol in result.stdout


def smoke(bundle_dir: Path, tmp_path: Path, argv_prefix: list[str], platform: str) -> None:
    """--smoke-test opens the window on the demo venue, waits for a frame and data, closes."""
    argv = [*argv_prefix, str(bundle_dir / "margin-monitor"), "--smoke-test"]
    result = run(argv, tmp_path, QT_QPA_PLATFORM=platform)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.fullmatch(r"first paint \d+\.\d+ s.*", result.stdout.strip()), result.stdout
    # The window swallows errors in lazily built parts (the pyqtgraph charts) into stderr.
    assert "Traceback" not in result.stderr, result.stderr
    # The service opened the database through the bundled alembic migrations.
    assert schema_revision(tmp_path / "monitor.sqlite3") == head_revision()


def test_window_opens_offscreen_and_closes(bundle_dir: Path, tmp_path: Path) -> None:
    smoke(bundle_dir, tmp_path, [], "offscreen")


def test_window_opens_on_x11_and_closes(bundle_dir: Path, tmp_path: Path) -> None:
    # The xcb platform plugin and the X libraries it links against are in the bundle.
    smoke(bundle_dir, tmp_path, ["xvfb-run", "--auto-servernum"], "xcb")


def test_the_window_and_check_keep_the_book_in_postgresql(
    bundle_dir: Path, tmp_path: Path, postgres_url: str
) -> None:
    """The bundle carries the PostgreSQL driver: the window opens on a PostgreSQL database (its
    first run adds the demo account there), and `check` reads that book back."""
    app = str(bundle_dir / "margin-monitor")
    result = run([app, "--db", postgres_url, "--smoke-test"], tmp_path, QT_QPA_PLATFORM="offscreen")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    result = run([app, "--db", postgres_url, "accounts", "list"], tmp_path)
    assert (result.returncode, result.stdout.split()[:2]) == (0, ["demo", "simulated"]), result
    assert not (tmp_path / "monitor.sqlite3").exists()  # --db, not the environment's file


def test_bundle_holds_the_lazily_imported_exchange_code(bundle_dir: Path) -> None:
    from PyInstaller.archive.readers import pkg_archive_contents

    modules = set(pkg_archive_contents(str(bundle_dir / "margin-monitor"), recursive=True))
    exchanges = ("binanceusdm", "binancecoinm", "bybit", "okx", "hyperliquid", "gate", "bitget")
    for exchange in (*exchanges, "dydx"):
        assert f"ccxt.async_support.{exchange}" in modules
    # Signing helpers ccxt imports inside functions (hyperliquid, dydx).
    for module in ("keccak", "ethabi", "msgpack", "dydx_v4_client.registry"):
        assert f"ccxt.static_dependencies.{module}" in modules
    assert "keyring.backends.SecretService" in modules  # found through entry points at run time


def test_install_puts_a_working_launcher_in_the_menu(bundle_dir: Path, tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    install = [str(ROOT / "packaging" / "install.sh"), str(bundle_dir)]
    result = run(install, tmp_path, PREFIX=str(prefix))
    assert result.returncode == 0, result.stderr
    share = prefix / "share"
    entry = (share / "applications" / "margin-monitor.desktop").read_text()
    exec_line = re.search(r"^Exec=(.+)$", entry, re.MULTILINE)
    assert exec_line is not None
    launched = run([exec_line.group(1), "--version"], tmp_path)
    assert launched.stdout.startswith("margin-monitor "), launched.stderr
    assert re.search(r"^Icon=margin-monitor$", entry, re.MULTILINE)
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "margin-monitor.svg").is_file()
    for size in ICON_SIZES:
        assert (
            share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "margin-monitor.png"
        ).is_file()


def test_metainfo_names_the_current_release() -> None:
    root = ET.parse(ROOT / "packaging" / "io.github.marginmonitor.MarginMonitor.metainfo.xml")
    releases = root.getroot().find("releases")
    assert releases is not None
    newest = releases.find("release")
    assert newest is not None
    assert newest.get("version") == importlib.metadata.version("margin-monitor")
