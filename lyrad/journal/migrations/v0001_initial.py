"""The first schema: the event log and the projections written with it."""

from __future__ import annotations

# Money is TEXT holding a Decimal's exact string; SQL never does arithmetic on it.
STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        ts_ms INTEGER NOT NULL,
        kind TEXT NOT NULL,
        venue TEXT,
        client_order_id TEXT,
        payload TEXT NOT NULL
    )
    """,
    "CREATE INDEX events_by_order ON events (client_order_id) WHERE client_order_id IS NOT NULL",
    """
    CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
    """,
    """
    CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
    """,
    """
    CREATE TABLE orders (
        client_order_id TEXT PRIMARY KEY,
        intent_id TEXT NOT NULL,
        venue TEXT NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
        type TEXT NOT NULL,
        amount TEXT NOT NULL,
        price TEXT,
        time_in_force TEXT NOT NULL,
        state TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        venue_order_id TEXT,
        filled TEXT NOT NULL,
        cost TEXT NOT NULL,
        fee TEXT NOT NULL,
        fee_currency TEXT,
        reason TEXT
    ) WITHOUT ROWID
    """,
    "CREATE INDEX orders_by_venue_state ON orders (venue, state)",
    "CREATE INDEX orders_by_state ON orders (state)",
    """
    CREATE UNIQUE INDEX orders_by_venue_order_id ON orders (venue, venue_order_id)
    WHERE venue_order_id IS NOT NULL
    """,
    """
    CREATE TABLE fills (
        venue TEXT NOT NULL,
        trade_id TEXT NOT NULL,
        client_order_id TEXT NOT NULL REFERENCES orders (client_order_id),
        venue_order_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
        price TEXT NOT NULL,
        amount TEXT NOT NULL,
        cost TEXT NOT NULL,
        fee TEXT NOT NULL,
        fee_currency TEXT NOT NULL,
        is_maker INTEGER NOT NULL,
        timestamp_ms INTEGER NOT NULL,
        applied_ms INTEGER NOT NULL,
        PRIMARY KEY (venue, trade_id)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX fills_by_order ON fills (client_order_id)",
    "CREATE INDEX fills_by_time ON fills (venue, timestamp_ms)",
    """
    CREATE TABLE positions (
        venue TEXT NOT NULL,
        symbol TEXT NOT NULL,
        quantity TEXT NOT NULL,
        average_cost TEXT NOT NULL,
        realized_pnl TEXT NOT NULL,
        fees_paid TEXT NOT NULL,
        updated_ms INTEGER NOT NULL,
        PRIMARY KEY (venue, symbol)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE balances (
        venue TEXT NOT NULL,
        asset TEXT NOT NULL,
        free TEXT NOT NULL,
        used TEXT NOT NULL,
        updated_ms INTEGER NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('fill', 'venue')),
        PRIMARY KEY (venue, asset)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE kv (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_ms INTEGER NOT NULL
    ) WITHOUT ROWID
    """,
)
