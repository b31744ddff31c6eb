"""The seam for stops a venue holds itself (Binance STOP_LOSS_LIMIT / TAKE_PROFIT_LIMIT).

lyrad watches every stop no plug-in claims. A plug-in that claims one places it on the venue
and reports back through `StopManager.native_fired` when the venue executed it, so the
manager can cancel its siblings. `place` should derive the venue order's client id from the
stop id: a crash between placing and journaling the reference must be resolvable by lookup.
"""

from __future__ import annotations

from typing import Protocol

from lyrad.trading.stops.records import StopRecord


class NativeStops(Protocol):
    def handles(self, record: StopRecord) -> bool:
        """Whether the venue can hold this stop itself (kind, symbol, quantity known)."""
        ...

    async def place(self, record: StopRecord) -> str:
        """Place it on the venue; the venue's reference. VenueError: lyrad watches it instead."""
        ...

    async def cancel(self, record: StopRecord) -> None:
        """Withdraw it from the venue (removed, or a sibling fired)."""
        ...
