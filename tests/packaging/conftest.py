"""Build the PyInstaller bundle once per session, reusing the last build while its inputs match.

The build (about a minute) goes to build/packaging-test/; a stamp holds a digest of everything
that shapes the bundle (sources, resources, spec, installed distributions) and the bundle is
rebuilt when it changes. A file lock keeps two test runs in this tree from building at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "packaging-test"
INPUTS = ("monitor", "resources", "packaging", "pyproject.toml")
BUILD_TIMEOUT_S = 900


def inputs_digest() -> str:
    digest = hashlib.sha256(sys.version.encode())
    for top in INPUTS:
        path = ROOT / top
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            if "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    dists = importlib.metadata.distributions()
    installed = sorted(f"{d.metadata['Name']}=={d.version}" for d in dists)
    digest.update("\n".join(installed).encode())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def bundle_dir() -> Iterator[Path]:
    """The built one-folder app (the directory holding the `margin-monitor` executable)."""
    BUILD.mkdir(parents=True, exist_ok=True)
    with open(BUILD / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = BUILD / "inputs.sha256"
        dist = BUILD / "dist"
        wanted = inputs_digest()
        built = stamp.exists() and stamp.read_text() == wanted
        if not (built and (dist / "margin-monitor").is_dir()):
            stamp.unlink(missing_ok=True)
            shutil.rmtree(dist, ignore_errors=True)
            subprocess.run(
                ["bash", str(ROOT / "packaging" / "build.sh"), str(dist), str(BUILD / "work")],
                cwd=ROOT,
                check=True,
                timeout=BUILD_TIMEOUT_S,
                env={**os.environ, "PYTHON": sys.executable},
            )
            stamp.write_text(wanted)
        yield dist / "margin-monitor"
