"""`margin-monitor sim --venue bybit|okx` as a user runs it: where to connect, then serves."""

from __future__ import annotations

import re
import signal

import pytest

from monitor.service.api import Credentials
from tests.sources.test_sim_cli import banner, launch

from .conftest import fetch


@pytest.mark.parametrize("venue", ["bybit", "okx"])
def test_sim_serves_the_demo_account_of_each_venue(venue: str) -> None:
    process = launch("--venue", venue, "--port", "0")
    try:
        text = "".join(banner(process))
        url = re.search(r"at (http://127\.0\.0\.1:\d+)", text)
        assert url is not None, text
        assert f"--exchange {venue} --api-url {url.group(1)}" in text
        secrets = dict(re.findall(r"demo (API key|secret|passphrase):\s+(\S+)", text))
        credentials = Credentials(
            secrets["API key"], secrets["secret"], secrets.get("passphrase", "")
        )
        pools = fetch(venue, url.group(1), credentials)
        assert sum(len(p.positions) for p in pools) >= 4
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err
