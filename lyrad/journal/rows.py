"""Row inserts the writer may merge: consecutive appends to one table become multi-row INSERTs.

A multi-row INSERT is one statement, so it is atomic: if it fails, nothing of it was written and
the writer runs its rows one by one to find the culprit. Merging saves the per-statement cost and,
above all, the GIL hand-over that every statement makes while the event loop is busy.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

CHUNK_ROWS = 256  # rows per statement at most; smaller chunks are powers of two (few cached SQLs)


class RowInsert:
    """`INSERT INTO table (columns) VALUES (...), (...)` with the SQL for each chunk size cached."""

    __slots__ = ("_prefix", "_row", "_sql", "columns", "table")

    def __init__(self, table: str, columns: Sequence[str]) -> None:
        self.table = table
        self.columns = tuple(columns)
        columns_sql = ", ".join(self.columns)
        self._prefix = f"INSERT INTO {table} ({columns_sql}) VALUES "  # noqa: S608  identifiers from code
        self._row = f"({', '.join('?' * len(self.columns))})"
        self._sql: dict[int, str] = {}

    def sql(self, rows: int) -> str:
        """The statement inserting `rows` rows (parameters row after row)."""
        statement = self._sql.get(rows)
        if statement is None:
            statement = self._sql[rows] = self._prefix + ", ".join([self._row] * rows)
        return statement


def chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """Slices of at most CHUNK_ROWS, the rest in powers of two: 100 -> 64, 32, 4."""
    start = 0
    size = CHUNK_ROWS
    while start < len(items):
        while size > len(items) - start:
            size //= 2
        yield items[start : start + size]
        start += size
