"""How soon the window's thread gets the interpreter back while another thread runs Python.

The window's thread shares the interpreter's lock with the service's thread (a venue's reply
parsed by ccxt, a recompute, the next snapshot's rows rendered ahead for the window). Qt
paints with the lock released and takes it again for each part of a paint written in Python
(a table's rows copied from their images, a chart's items), and the render between paints is
Python throughout. When the service's thread is running Python then, the window's thread
waits until that thread is made to hand the lock over, which Python does after the switch
interval: 5 ms by default, at every such part. Measured here (tests/bench/test_ui_bench.py,
"whatif-beside-a-busy-thread": ccxt parsing a recorded Binance reply all the while, as the
service does at full load), a what-if refresh costing the window 2.1-2.8 ms alone took
42-49 ms (p95 56-67 ms) beside it at the default interval, 8-10 ms (p95 10-13 ms) at 0.5 ms.
The price: a thread made to hand over sooner switches more while two threads both want the
lock (two threads parsing replies did 0-7 % fewer together, within this machine's noise), and
nothing while only one does.
"""

from __future__ import annotations

import sys

SWITCH_INTERVAL_S = 0.0005


def hand_over_sooner() -> None:
    """Set the process's switch interval for a window sharing it with busy threads (above)."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
