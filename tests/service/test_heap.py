"""settle_heap (heap.py), in a process of its own (it changes the collector for the whole
process): what is alive when it is called is never looked at by a collection again, the young
generation is larger than Python's default, and a reference cycle made later is still freed."""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = """
import gc, json, weakref
from monitor.service.heap import settle_heap

class Node:
    pass

default = gc.get_threshold()
kept = [{"row": i} for i in range(5_000)]  # what the start built, still alive
before = gc.get_freeze_count()
settle_heap()
frozen = gc.get_freeze_count()
tracked = {id(o) for o in gc.get_objects()}

a, b = Node(), Node()  # a cycle made afterwards, then dropped
a.other, b.other = b, a
gone = weakref.ref(a)
del a, b
gc.collect()
print(json.dumps({
    "default": default, "threshold": gc.get_threshold(), "before": before, "frozen": frozen,
    "kept_tracked": sum(id(o) in tracked for o in kept), "cycle_freed": gone() is None,
}))
"""


def test_settle_heap_freezes_what_is_alive_and_still_frees_later_cycles() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True
    ).stdout
    result = json.loads(out)
    assert result["before"] == 0
    # Everything alive went to the permanent generation: at least the 5,000 rows and their list.
    assert result["frozen"] >= 5_001
    assert result["kept_tracked"] == 0  # no collection walks them any more
    # Young collections rarer than Python's default (a tick's objects die before one runs),
    # the older generations no more often than by default.
    young, middle, oldest = result["threshold"]
    d_young, d_middle, d_oldest = result["default"]
    assert young > d_young and middle >= d_middle and oldest >= d_oldest
    assert result["cycle_freed"]  # cycles made later are still collected
