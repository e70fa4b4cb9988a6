"""UI-thread instructions per refresh (20 accounts × 25 positions), per tab, counted by valgrind.

test_ui_bench times the same refresh; on a shared virtual machine its milliseconds move by half
from one minute to the next (the floor beside it with them), so a change of a tenth cannot be
seen in them. The instructions the UI thread executes for a refresh do not move with the
machine: two runs agree to a tenth of a percent on a quiet machine (a few percent under load:
the window's clock-driven timers fire more often while valgrind runs slower). They are no
measure of time (a glyph blitted costs more time per instruction than a lookup); they show
what a change to the drawing saves. Printed beside them, the floor in the same run: a repaint
of a bare main window of the same size. Needs valgrind (Debian's `valgrind`); a minute a tab.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REFRESHES = 10
THREAD_UI = "01"  # callgrind numbers the threads from the first, the UI thread


def _totals(path: Path) -> int:
    match = re.search(r"^totals: (\d+)$", path.read_text(), re.MULTILINE)
    assert match, f"{path}: no totals line"
    return int(match.group(1))


@pytest.mark.parametrize("tab", ["whatif", "stress_chart", "ladder_chart", "history_chart"])
def test_ui_thread_instructions_per_refresh(tmp_path: Path, tab: str) -> None:
    valgrind = shutil.which("valgrind")
    assert valgrind, "valgrind is not installed (Debian: apt-get install valgrind)"
    out = tmp_path / "callgrind.out"
    run = subprocess.run(
        [valgrind, "--tool=callgrind", "--instr-atstart=no", "--separate-threads=yes",
         f"--callgrind-out-file={out}", sys.executable, "-m", "tests.bench.ui_refresh_loop",
         tab, str(REFRESHES)],
        capture_output=True, text=True, timeout=900, check=False,
        cwd=Path(__file__).parents[2], env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip
    assert run.returncode == 0 and "done" in run.stdout, run.stderr[-2000:]
    size = run.stdout.split("done ")[-1].strip()
    # Dump 1: the refreshes; dump 2: the bare window's repaints (tests/bench/ui_refresh_loop).
    refresh = _totals(Path(f"{out}.1-{THREAD_UI}")) / REFRESHES
    floor = _totals(Path(f"{out}.2-{THREAD_UI}")) / REFRESHES
    others = sum(
        _totals(p) for p in tmp_path.glob("callgrind.out.1-*") if not p.name.endswith(THREAD_UI)
    )
    print(
        f"\nUI-thread instructions per refresh (20x25, {tab} tab, a {size} window): "
        f"{refresh / 1e6:.2f} M; floor, repainting a bare {size} window: {floor / 1e6:.2f} M; "
        f"refresh / floor: {refresh / floor:.1f}x; other threads (rows rendered ahead): "
        f"{others / REFRESHES / 1e6:.2f} M"
    )
