"""The daemon's read side: one read-only connection on one thread, one hop per query."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from lyrad.domain.errors import JournalError
from lyrad.journal import schema

T = TypeVar("T")


class Reader:
    """Runs whole queries (SQL and conversion to domain values) in its thread."""

    def __init__(
        self,
        path: Path,
        executor: ThreadPoolExecutor,
        conn: sqlite3.Connection,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self._path = path
        self._executor = executor
        self._conn = conn
        self._loop = loop
        self._closed = False

    @classmethod
    async def open(cls, path: Path, loop: asyncio.AbstractEventLoop) -> Reader:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lyrad-journal-read")
        try:
            conn = await loop.run_in_executor(executor, schema.open_reader, path)
        except BaseException:
            executor.shutdown(wait=False)
            raise
        return cls(path, executor, conn, loop)

    async def run(self, query: Callable[[sqlite3.Connection], T]) -> T:
        if self._closed:
            raise JournalError(f"journal {self._path} is closed")
        return await self._loop.run_in_executor(self._executor, query, self._conn)

    async def close(self) -> None:
        """Finish the queries already queued, then close the connection."""
        if self._closed:
            return
        self._closed = True
        try:
            await self._loop.run_in_executor(self._executor, self._conn.close)
        finally:
            self._executor.shutdown(wait=False)
