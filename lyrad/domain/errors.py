"""lyrad's error tree, sorted by what the caller must do."""

from __future__ import annotations


class LyradError(Exception):
    """Base of every fault lyrad raises on purpose."""


# --- venue errors: the adapter translates every ccxt error into one of these -------------


class VenueError(LyradError):
    """Anything that went wrong talking to a venue."""

    def __init__(self, venue: str, message: str) -> None:
        super().__init__(f"{venue}: {message}")
        self.venue = venue
        self.reason = message


class RetryableVenueError(VenueError):
    """Transient and known not to have changed anything: safe to retry a read."""


class RateLimited(RetryableVenueError):
    """The venue asks us to slow down; wait `retry_after_s` before the next request."""

    def __init__(self, venue: str, message: str, retry_after_s: float) -> None:
        super().__init__(venue, message)
        self.retry_after_s = retry_after_s


class OrderRejected(VenueError):
    """The venue definitively refused the request; nothing changed on the venue."""


class InsufficientFunds(OrderRejected):
    """The venue refused an order for lack of balance."""


class OrderNotFound(OrderRejected):
    """The venue does not know the order."""


class AmbiguousOutcome(VenueError):
    """The request left the process and we do not know whether the venue applied it.

    The order must be treated as `unknown` until the reconciler resolves it; never re-sent.
    """


class AuthenticationFailed(VenueError):
    """Credentials were refused; retrying will not help."""


class VenueFatal(VenueError):
    """The venue answered in a way we cannot work with (bad data, unsupported call)."""


class BadVenueResponse(VenueFatal):
    """A response with missing fields or garbage numbers."""


# --- journal -------------------------------------------------------------------------


class JournalError(LyradError):
    """The journal could not be opened, read or written."""


class JournalWriteFailed(JournalError):
    """A write did not commit (disk full, I/O error): trading must halt."""


class IncompatibleJournal(JournalError):
    """The file is not a lyrad journal, or its schema is newer than this build."""


# --- bugs ----------------------------------------------------------------------------


class IllegalTransition(LyradError):
    """An order state change the state machine forbids: a bug, never an expected outcome."""
