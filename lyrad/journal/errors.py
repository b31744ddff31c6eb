"""Refusals of the journal's API; its faults (cannot open, cannot write) are in lyrad.domain."""

from __future__ import annotations

from lyrad.domain.errors import JournalError


class UnknownOrder(JournalError):
    """The journal holds no order with this client order id."""


class DuplicateOrder(JournalError):
    """An order with this client order id is already journaled."""


class InconsistentFill(JournalError):
    """A fill that does not belong to the order it names (venue, symbol or side differ)."""
