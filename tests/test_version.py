"""`margin-monitor --version` prints the installed package's version (looked up only then:
monitor/__init__.py keeps importlib.metadata off every other start)."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys


def test_version_is_the_installed_metadata_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "monitor.cli", "--version"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert out.stdout == f"margin-monitor {importlib.metadata.version('margin-monitor')}\n"
    assert out.stderr == ""
