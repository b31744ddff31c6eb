"""A journal on a real SQLite file in tmp_path, with its own metrics registry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from lyrad.journal import Journal


class TickingClock:
    """Milliseconds that advance by one on every reading: deterministic event timestamps."""

    def __init__(self, start_ms: int = 1_700_000_001_000) -> None:
        self.now_ms = start_ms

    def __call__(self) -> int:
        self.now_ms += 1
        return self.now_ms


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite3"


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
async def journal(journal_path: Path, registry: CollectorRegistry) -> AsyncIterator[Journal]:
    async with Journal.open(journal_path, registry=registry, clock=TickingClock()) as opened:
        yield opened
