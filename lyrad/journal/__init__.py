"""The write-ahead journal: SQLite (WAL) event log plus orders, fills, positions and balances."""

from lyrad.journal.codec import Details, JournalEvent, JsonValue, NewEvent
from lyrad.journal.errors import DuplicateOrder, InconsistentFill, UnknownOrder
from lyrad.journal.journal import Journal
from lyrad.journal.metrics import JournalMetrics
from lyrad.journal.protocol import OrderJournal
from lyrad.journal.readonly import JournalView, open_readonly
from lyrad.journal.schema import APPLICATION_ID, SCHEMA_VERSION
from lyrad.journal.writer import CommitObserver

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "CommitObserver",
    "Details",
    "DuplicateOrder",
    "InconsistentFill",
    "Journal",
    "JournalEvent",
    "JournalMetrics",
    "JournalView",
    "JsonValue",
    "NewEvent",
    "OrderJournal",
    "UnknownOrder",
    "open_readonly",
]
