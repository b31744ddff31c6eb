from __future__ import annotations

import pytest

from lyrad.journal.rows import CHUNK_ROWS, RowInsert, chunks


def test_row_insert_sql_lists_one_placeholder_group_per_row() -> None:
    insert = RowInsert("events", ("a", "b"))
    assert insert.sql(1) == "INSERT INTO events (a, b) VALUES (?, ?)"
    assert insert.sql(3) == "INSERT INTO events (a, b) VALUES (?, ?), (?, ?), (?, ?)"
    assert insert.sql(3) is insert.sql(3)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 100, CHUNK_ROWS, CHUNK_ROWS * 2 + 5])
def test_chunks_cover_everything_in_order_with_few_distinct_sizes(n: int) -> None:
    items = list(range(n))
    pieces = list(chunks(items))
    assert [x for piece in pieces for x in piece] == items
    sizes = {len(p) for p in pieces}
    assert all(size & (size - 1) == 0 and size <= CHUNK_ROWS for size in sizes)
