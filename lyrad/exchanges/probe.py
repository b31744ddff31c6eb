"""What the wire saw of one request: did it leave, which status and headers came back.

ccxt turns a connection refused, a lost answer and a 503 into a few exception classes and
keeps only the last response's headers, shared by all callers. The adapter's own aiohttp
session makes its requests and responses with the two classes below, which record, per calling
task, whether the request reached the point of being written and the answer's status and
headers: enough to tell "never left" (safe to call again) from "may have left, answer lost"
(ambiguous for an order), and to read each answer's rate-limit headers.

Subclassing the request and response classes costs two context-variable reads per request;
aiohttp's tracing, which did the same job first, cost 60-170 µs of CPU per request here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import aiohttp

_NO_HEADERS: Mapping[str, str] = {}


@dataclass(slots=True)
class RequestProbe:
    sent: bool = False
    status: int | None = None
    # The answer's headers as aiohttp parsed them: case-insensitive, never copied.
    headers: Mapping[str, str] = field(default_factory=dict)


_current: ContextVar[RequestProbe | None] = ContextVar("lyrad_venue_request", default=None)


@contextmanager
def probing() -> Iterator[RequestProbe]:
    """Record the requests the current task makes inside the block (the last one wins)."""
    probe = RequestProbe()
    token = _current.set(probe)
    try:
        yield probe
    finally:
        _current.reset(token)


class ProbedRequest(aiohttp.ClientRequest):
    """Marks the probe: a new request forgets the last one; once sending starts it may have left."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        probe = _current.get()
        if probe is not None:  # a new request (a redirect, a second call): forget the last one
            probe.sent, probe.status, probe.headers = False, None, _NO_HEADERS

    async def send(self, conn: Any) -> aiohttp.ClientResponse:
        probe = _current.get()
        if probe is not None:
            # The connection is made: from here a failure may come after bytes left, which is
            # ambiguous for an order (the reconciler settles it), never "certainly unsent".
            probe.sent = True
        return await super().send(conn)


class ProbedResponse(aiohttp.ClientResponse):
    """Copies the answer's status and headers into the probe once they are read."""

    async def start(self, connection: Any) -> aiohttp.ClientResponse:
        started = await super().start(connection)
        probe = _current.get()
        if probe is not None:
            probe.sent = True
            probe.status = self.status
            probe.headers = self.headers
        return started


def probed_session(connector: aiohttp.BaseConnector) -> aiohttp.ClientSession:
    """The venue's ClientSession, whose requests report to the calling task's probe."""
    return aiohttp.ClientSession(
        connector=connector, request_class=ProbedRequest, response_class=ProbedResponse
    )
