from __future__ import annotations

import pytest

from lyrad.journal.rows import CHUNK_ROWS, EXACT_ROWS, RowInsert, chunk_sizes, chunks


def test_row_insert_sql_lists_one_placeholder_group_per_row() -> None:
    insert = RowInsert("events", ("a", "b"))
    assert insert.sql(1) == "INSERT INTO events (a, b) VALUES (?, ?)"
    assert insert.sql(3) == "INSERT INTO events (a, b) VALUES (?, ?), (?, ?), (?, ?)"
    assert insert.sql(3) is insert.sql(3)


@pytest.mark.parametrize(
    "n", [0, 1, 2, 3, 7, 100, EXACT_ROWS, EXACT_ROWS + 1, CHUNK_ROWS, CHUNK_ROWS * 2 + 200]
)
def test_chunks_cover_everything_in_order_in_few_statements_of_few_sizes(n: int) -> None:
    items = list(range(n))
    pieces = list(chunks(items))
    assert [x for piece in pieces for x in piece] == items
    assert [len(p) for p in pieces] == chunk_sizes(n)
    assert len(pieces) <= n // CHUNK_ROWS + 2
    assert all(0 < len(p) <= EXACT_ROWS or len(p) == CHUNK_ROWS for p in pieces)


def test_up_to_exact_rows_is_one_statement() -> None:
    assert [chunk_sizes(n) for n in (1, 10, EXACT_ROWS)] == [[1], [10], [EXACT_ROWS]]
