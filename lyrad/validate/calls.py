"""Every venue call of a run, timed and classified, filed under the check that made it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from lyrad.domain.errors import VenueError
from lyrad.exchanges.clock import Clock
from lyrad.validate.model import CallRecord

T = TypeVar("T")


class CallKind(StrEnum):
    """Which latency series a call belongs to."""

    PUBLIC = "public"
    PRIVATE = "private"
    ORDER_ACK = "order_ack"
    CANCEL_ACK = "cancel_ack"


StatusSource = Callable[[], "int | None"]


def library_class(error: BaseException) -> str | None:
    """The name of the client library's exception behind a lyrad error (ccxt's, here)."""
    cause: BaseException | None = error.__cause__
    while cause is not None:
        if type(cause).__module__.split(".")[0] == "ccxt":
            return type(cause).__name__
        cause = cause.__cause__
    return None


def ccxt_lineage(error: BaseException) -> tuple[str, ...]:
    """Every class name of the library exception behind `error`, most specific first."""
    cause: BaseException | None = error.__cause__
    while cause is not None:
        if type(cause).__module__.split(".")[0] == "ccxt":
            return tuple(c.__name__ for c in type(cause).__mro__ if c.__module__.startswith("ccxt"))
        cause = cause.__cause__
    return ()


@dataclass(slots=True)
class _Filed:
    check: str
    record: CallRecord
    kind: CallKind


@dataclass(slots=True)
class CallLog:
    """The run's call records; `begin(check)` files the following calls under that check."""

    clock: Clock
    redact: Callable[[str], str]
    status: StatusSource | None = None
    unhandled: int = 0  # non-venue exceptions raised by calls (bugs in lyrad or the suite)
    _check: str = "run"
    _provoked: bool = False
    _filed: list[_Filed] = field(default_factory=list)

    def begin(self, check: str) -> None:
        self._check = check

    def records(self, check: str | None = None) -> tuple[CallRecord, ...]:
        return tuple(f.record for f in self._filed if check is None or f.check == check)

    def latencies_ms(self, kind: CallKind) -> list[float]:
        """Durations of the successful calls of one kind."""
        return [
            f.record.duration_ms for f in self._filed if f.kind is kind and f.record.outcome == "ok"
        ]

    def outcomes(self) -> list[CallRecord]:
        return [f.record for f in self._filed]

    @contextmanager
    def provoking(self) -> Iterator[None]:
        """Calls inside are expected to fail: their errors are not unplanned."""
        previous, self._provoked = self._provoked, True
        try:
            yield
        finally:
            self._provoked = previous

    async def call(
        self, method: str, target: str, kind: CallKind, send: Callable[[], Awaitable[T]]
    ) -> T:
        started = self.clock.monotonic()
        try:
            value = await send()
        except VenueError as error:
            self._file(method, target, kind, started, error)
            raise
        except Exception as error:
            self.unhandled += 1
            self._file(method, target, kind, started, error)
            raise
        self._file(method, target, kind, started, None)
        return value

    def _file(
        self,
        method: str,
        target: str,
        kind: CallKind,
        started: float,
        error: BaseException | None,
    ) -> None:
        duration_ms = (self.clock.monotonic() - started) * 1000
        status = self.status() if self.status is not None else None
        if error is None:
            record = CallRecord(method, target, duration_ms, "ok", status=status)
        else:
            reason = error.reason if isinstance(error, VenueError) else str(error)
            record = CallRecord(
                method,
                target,
                duration_ms,
                type(error).__name__,
                ccxt_class=library_class(error),
                reason=self.redact(reason)[:300],
                status=status,
                provoked=self._provoked,
            )
        self._filed.append(_Filed(self._check, record, kind))
