"""A clock that only moves when someone sleeps on it: limiter and retry tests never wait."""

from __future__ import annotations

import asyncio
import math


class FakeClock:
    """Every sleep advances time by its duration (to the next millisecond) and yields once."""

    def __init__(self, start_ms: int = 1_700_000_000_000) -> None:
        self.now_ms = start_ms
        self.sleeps: list[float] = []

    def time_ms(self) -> int:
        return self.now_ms

    def monotonic(self) -> float:
        return self.now_ms / 1000

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now_ms += max(0, math.ceil(seconds * 1000))
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        self.now_ms += math.ceil(seconds * 1000)
