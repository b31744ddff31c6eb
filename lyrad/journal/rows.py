"""Row inserts the writer may merge: consecutive appends to one table become multi-row INSERTs.

A multi-row INSERT is one statement, so it is atomic: if it fails, nothing of it was written and
the writer runs its rows one by one to find the culprit. Merging saves the per-statement cost and,
above all, the GIL hand-over that every statement makes while the event loop is busy.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

CHUNK_ROWS = 256  # rows per statement at most
EXACT_ROWS = 128  # up to this many rows, one statement of the exact size (at most 129 SQLs cached)


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


def chunk_sizes(rows: int) -> list[int]:
    """Statement sizes for `rows` rows: full chunks of CHUNK_ROWS, then at most two more."""
    if rows <= EXACT_ROWS:
        return [rows] if rows else []
    sizes = [CHUNK_ROWS] * (rows // CHUNK_ROWS)
    rest = rows % CHUNK_ROWS
    if rest > EXACT_ROWS:
        sizes.append(EXACT_ROWS)
        rest -= EXACT_ROWS
    if rest:
        sizes.append(rest)
    return sizes


def chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """Slices of `chunk_sizes`: 100 -> 100; 600 -> 256, 256, 88."""
    start = 0
    for size in chunk_sizes(len(items)):
        yield items[start : start + size]
        start += size
