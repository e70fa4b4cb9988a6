"""A desk on one PostgreSQL (tests/postgres.py): two `watch --collector` processes share 40
accounts of the simulated venue (`margin-monitor sim --crash`, its own process) while two
viewers — a real window and a headless viewer service — show what the collectors write.

Every alert reaches the loopback webhook once; one collector is SIGKILLed mid-crash, after
its accounts' first warnings rang, and its accounts move to the other within two intervals,
which rings what is still to come (critical, liquidation) and repeats nothing."""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter

import pytest

from monitor.service.session import MonitorSession
from monitor.sources.sim.venue import DEMO_CREDENTIALS
from monitor.store import open_database
from monitor.ui.app import MainWindow
from tests.cli_process import Proc

from .conftest import Receiver, wait_for

ACCOUNTS = 40
INTERVAL = 2.0  # each account's refresh, and the collectors' lease
# At 4 %/min the demo book's pool warns (3 % from liquidation) about 45 s into the crash,
# turns critical 30 s later and is liquidated 15 s after that: slow enough that the survivor
# of the kill, which needs ~15 s on a loaded 2-core machine to read twenty accounts it just
# took (a reader each), first sees them at a level already told.
CRASH = ("--crash", "4", "--crash-delay", "10", "--crash-floor", "40")


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def _alerts(receiver: Receiver) -> list[dict]:
    return [json.loads(r.body) for r in list(receiver.requests)]


def test_two_collectors_and_two_viewers_on_a_crash(postgres_url, receiver, qtbot, tmp_path):
    env = dict(
        os.environ,
        MARGIN_MONITOR_DB=postgres_url,
        MARGIN_MONITOR_API_KEY=DEMO_CREDENTIALS.api_key,
        MARGIN_MONITOR_API_SECRET=DEMO_CREDENTIALS.secret,
    )
    procs: list[Proc] = []
    sessions: list[MonitorSession] = []
    try:
        sim = Proc("sim", "--port", "0", "--ws-port", "0", *CRASH, env=env)
        procs.append(sim)
        line = wait_for(lambda: next((x for x in sim.lines if " venue at " in x), None), 30)
        api_url = line.rsplit(" ", 1)[1].strip()
        with open_database(postgres_url) as db:
            ids = {
                db.accounts.add(
                    f"desk-{n:02d}",
                    "exchange",
                    venue="binanceusdm",
                    settings={
                        "exchange_id": "binanceusdm",
                        "api_url": api_url,
                        "credentials_from": "environment",
                        "interval": INTERVAL,
                    },
                )
                for n in range(ACCOUNTS)
            }
        hook = ("--webhook", f"json={receiver.url()}")
        lease = ("--lease-seconds", str(INTERVAL))
        collectors = [Proc("watch", "--collector", "--quiet", *lease, *hook, env=env) for _ in "ab"]
        procs.extend(collectors)

        db = open_database(postgres_url)

        def split() -> dict[str, set[int]] | None:
            held: dict[str, set[int]] = {}
            for account_id, holder in db.leases.holders(time.time()).items():
                held.setdefault(holder, set()).add(account_id)
            sizes = sorted(len(v) for v in held.values())
            return held if sizes == [ACCOUNTS // 2, ACCOUNTS // 2] else None

        wait_for(split, timeout=60)

        # The viewers: a headless viewer service and a real window on another.
        headless = MonitorSession(postgres_url, viewer=True, webhooks=[])
        sessions.append(headless)
        shown = MonitorSession(postgres_url, viewer=None, webhooks=[])  # a live collector: viewer
        sessions.append(shown)
        assert headless.viewer and shown.viewer
        latest: dict[int, object] = {}
        headless.start().subscribe(lambda s: latest.update({a.account_id: a for a in s.accounts}))
        window = MainWindow(shown.start(), settings_path=tmp_path / "window.ini")
        qtbot.addWidget(window)
        window.show()

        def all_known() -> bool:
            return len(latest) == ACCOUNTS and all(a.known for a in list(latest.values()))

        wait_for(all_known, timeout=60)
        qtbot.waitUntil(
            lambda: (
                window.presenter.latest is not None
                and sum(a.known for a in window.presenter.latest.accounts) == ACCOUNTS
            ),
            timeout=30_000,
        )

        # The crash: once every account of one collector has rung (warning or worse), and
        # before any has reached liquidation, kill that collector.
        pid_of = {c.popen.pid: c for c in collectors}

        def all_warned() -> str | None:
            holders = db.leases.holders(time.time())
            told = {a["account"] for a in _alerts(receiver) if a["subject"] == a["account"]}
            for holder in set(holders.values()):
                mine = {str(a) for a, h in holders.items() if h == holder}
                if mine and mine <= told:
                    return holder
            return None

        victim_holder = wait_for(all_warned, timeout=150, poll=0.05)
        victim = pid_of[int(victim_holder.split(":")[1])]
        now_held = db.leases.holders(time.time())
        orphans = {a for a, h in now_held.items() if h == victim_holder}
        liquidated_before_kill = {
            int(a["account"]) for a in _alerts(receiver) if a["level"] == "liquidation"
        }
        victim.popen.send_signal(signal.SIGKILL)
        killed_at = time.time()
        victim.popen.wait(10)
        survivor = next(h for h in set(now_held.values()) if h != victim_holder)

        def moved() -> bool:
            now = db.leases.holders(time.time())
            return all(now.get(a) == survivor for a in orphans)

        wait_for(moved, timeout=30, poll=0.02)
        took = time.time() - killed_at
        assert took <= 2 * INTERVAL, f"accounts moved after {took:.2f} s"

        def read_again() -> bool:
            return all((db.source_status.get(a).last_success or 0) > killed_at for a in orphans)

        wait_for(read_again, timeout=60, poll=0.1)
        fresh = time.time() - killed_at

        # Every account's pool reaches liquidation, told once.
        def liquidated() -> bool:
            told = {a["account"] for a in _alerts(receiver) if a["level"] == "liquidation"}
            return told >= {str(i) for i in ids}

        wait_for(liquidated, timeout=180, poll=0.1)
        # "raised" or "escalated" to a level: the same alert (a collector taking an account
        # over raises what the other escalated to).
        received = Counter(
            (a["subject"], a["level"])
            for a in _alerts(receiver)
            if a["kind"] in ("raised", "escalated")
        )
        print(
            f"leases moved {took:.2f} s after the kill, all {len(orphans)} read again after "
            f"{fresh:.2f} s; {sum(received.values())} alerts"
        )
        repeated = {key: n for key, n in received.items() if n > 1}
        assert repeated == {}
        assert all(received[(str(a), "liquidation")] == 1 for a in ids)
        # The orphans' liquidation alerts were due after the kill: the survivor sent them.
        assert not orphans & liquidated_before_kill, "the crash outran the kill: too slow a run"

        # The viewers show what the collectors wrote: every pool at or past liquidation.
        wait_for(
            lambda: all(
                a.pools and a.pools[0].baseline.health_ratio <= 1.0 for a in list(latest.values())
            ),
            timeout=30,
        )
        assert headless.feed.reloads > 0
        assert not [line for c in collectors for line in c.errors if "Traceback" in line]
    finally:
        # Every part stopped, whichever fails to: a collector or the venue left running (it
        # did, after a viewer's stop timed out) loads the machine for every test after it.
        stops = [s.stop for s in sessions] + ([db.close] if "db" in locals() else [])
        failed: list[Exception] = []
        for stop in [*stops, *(proc.stop for proc in reversed(procs))]:
            try:
                stop()
            except Exception as exc:
                failed.append(exc)
        if failed:
            raise failed[0]
