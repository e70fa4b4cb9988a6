"""A first start (no saved window layout) on a screen smaller than the window's designed
1560×960 opens a window the screen holds whole: found trying a desk's viewer on a 1280×800
display, where the header's right half and the table's last columns were off the screen.

The real `--demo --smoke-test` runs in a subprocess on an offscreen screen of the size the test
gives it (Qt's offscreen platform reads the screens from a JSON file), and prints the window's
size; the test holds it to the screen it configured."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

SCREENS = Path(__file__).with_name("screens")


def _window_size(screen: str, tmp_path: Path) -> tuple[int, int]:
    platform = f"offscreen:configfile={SCREENS / screen}"
    env = {**os.environ, "QT_QPA_PLATFORM": platform, "XDG_CONFIG_HOME": str(tmp_path)}
    url = f"sqlite:///{tmp_path / 'first.sqlite3'}"
    out = subprocess.run(
        [sys.executable, "-m", "monitor.cli", "--db", url, "--smoke-test"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    found = re.search(r"window (\d+)x(\d+)", out.stdout)
    assert found, out.stdout
    return int(found.group(1)), int(found.group(2))


def test_a_first_start_on_a_1280x800_screen_opens_a_window_the_screen_holds(tmp_path):
    width, height = _window_size("laptop-1280x800.json", tmp_path)
    assert width <= 1280 and height <= 800
    # Not a postage stamp either: the room a window manager's frame needs, no more.
    assert width == 1280 and height >= 700


def test_a_larger_screen_gets_the_designed_size(tmp_path):
    assert _window_size("desktop-1920x1080.json", tmp_path) == (1560, 960)
