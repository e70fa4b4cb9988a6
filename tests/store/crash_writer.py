"""Child process of test_crash.py: writes to the store in a loop until it is killed.

After each committed step it prints the step number, so the parent knows what must survive.
Each step replaces the live positions (step % 3 + 1 of them, wallet = step) and records one
health row (at = step).
"""

from __future__ import annotations

import sys

from monitor.domain.model import Maintenance, Position, Side
from monitor.store import open_database

POSITION = Position("BTC/USDT:USDT", Side.LONG, 1.0, 100.0, 100.0, Maintenance.flat(0.01))


def main(url: str) -> None:
    db = open_database(url)
    account_id = db.accounts.add("crash", "simulated")
    step = 0
    while True:
        db.positions.replace_live(account_id, float(step), [POSITION] * (step % 3 + 1), step)
        db.history.record_account_health(account_id, float(step), float(step), 1.0, float(step))
        print(step, flush=True)
        step += 1


if __name__ == "__main__":
    main(sys.argv[1])
