"""The heap the daemon is built of, moved out of the garbage collector's sight once it runs.

What is alive when the daemon reports ready (modules, ccxt's exchange and market tables, the
configuration, the components) lives until the process ends or a reload replaces it. Left in
the collector's oldest generation it is traversed again by every full collection, and the order
path's short-lived objects trigger one every few thousand orders: in `python -m bench
order_path` that traversal was a large share of lyrad's CPU per order. `gc.freeze()` moves
those objects to a permanent generation; everything created afterwards is collected as usual.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FrozenHeap:
    objects: int  # objects in the permanent generation now
    collect_ms: float  # the full collection that ran first (garbage is never frozen)


def freeze_long_lived() -> FrozenHeap:
    """Collect, then freeze what survived; called once ready and after each reload."""
    started = time.perf_counter()
    gc.collect()
    elapsed_ms = (time.perf_counter() - started) * 1000
    gc.freeze()
    return FrozenHeap(gc.get_freeze_count(), round(elapsed_ms, 1))
