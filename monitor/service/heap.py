"""The garbage collector set for a long-running process holding a large, settled heap.

Once started, the app holds about 300 MB of libraries and their objects (ccxt, Qt, numpy,
SQLAlchemy). Every collection of the oldest generation walks all of it, and the few thousand
short-lived objects of each mark tick trigger young collections that promote survivors into
it: in the tick benchmark's process, collections took half the engine's time (one tick on
20 accounts x 25 positions: ~1.8 ms, 0.86 ms with this), and in the window a full collection
is a pause of the UI thread. So, once the start has built what the process keeps:
- gc.freeze() moves everything alive into a generation no collection looks at again (no
  gc.collect() first: on this heap it would itself be a pause of a few hundred milliseconds);
- a larger young generation lets a tick's objects die before a collection looks at them.
Reference cycles made later are still collected.
"""

from __future__ import annotations

import gc

YOUNG = 20_000  # allocations between young collections (Python's default: 700)
OLDER = 20  # young collections per middle one, middle per oldest (default: 10)


def settle_heap() -> None:
    """Call once the process has started (its imports, service, window): see above."""
    gc.freeze()
    gc.set_threshold(YOUNG, OLDER, OLDER)
