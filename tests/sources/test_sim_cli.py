"""`margin-monitor sim` as a user runs it: prints where to connect, serves, stops on a signal."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest

from monitor.sources.sim import DEMO_CREDENTIALS, SimVenue, binanceusdm_at


def launch(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "sim", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def banner(process: subprocess.Popen[str]) -> Iterator[str]:
    assert process.stdout is not None
    for line in process.stdout:
        yield line
        if "Ctrl-C" in line:
            return


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_sim_serves_the_demo_account_until_signalled(stop_signal: signal.Signals) -> None:
    process = launch("--port", "0", "--seed", "3", "--tick", "0.05")
    try:
        text = "".join(banner(process))
        url = re.search(r"at (http://127\.0\.0\.1:\d+)", text)
        assert url is not None, text
        assert DEMO_CREDENTIALS.api_key in text and DEMO_CREDENTIALS.secret in text
        assert f"--api-url {url.group(1)}" in text
        client = binanceusdm_at(
            url.group(1),
            DEMO_CREDENTIALS.api_key,
            DEMO_CREDENTIALS.secret,
            enable_rate_limit=False,
        )
        assert len(client.fetch_positions()) == 6
        process.send_signal(stop_signal)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "stopped" in out
    assert "Traceback" not in err


def test_a_taken_port_is_a_clear_error() -> None:
    with SimVenue() as venue:
        port = venue.url.rsplit(":", 1)[1]
        process = launch("--port", port)
        _out, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in err
    assert "Traceback" not in err
