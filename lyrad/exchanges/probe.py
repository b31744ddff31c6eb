"""What the wire saw of one request: did it leave, which status and headers came back.

ccxt turns a connection refused, a lost answer and a 503 into a few exception classes and
keeps only the last response's headers, shared by all callers. The adapter's own aiohttp
session carries a trace that records, per calling task, whether the request's headers were
written and the answer's status and headers: enough to tell "never left" (safe to call again)
from "left, answer lost" (ambiguous for an order), and to read each answer's rate-limit headers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import SimpleNamespace

import aiohttp


@dataclass(slots=True)
class RequestProbe:
    sent: bool = False
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


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


async def _on_request_start(
    session: aiohttp.ClientSession,
    context: SimpleNamespace,
    params: aiohttp.TraceRequestStartParams,
) -> None:
    probe = _current.get()
    if probe is not None:  # a new request (a redirect, a second call): forget the last one
        probe.sent, probe.status, probe.headers = False, None, {}


async def _on_headers_sent(
    session: aiohttp.ClientSession,
    context: SimpleNamespace,
    params: aiohttp.TraceRequestHeadersSentParams,
) -> None:
    probe = _current.get()
    if probe is not None:
        probe.sent = True


async def _on_request_end(
    session: aiohttp.ClientSession, context: SimpleNamespace, params: aiohttp.TraceRequestEndParams
) -> None:
    probe = _current.get()
    if probe is not None:
        probe.sent = True
        probe.status = params.response.status
        probe.headers = dict(params.response.headers)


def trace_config() -> aiohttp.TraceConfig:
    """The trace to give the venue's ClientSession."""
    config = aiohttp.TraceConfig()
    config.on_request_start.append(_on_request_start)
    config.on_request_headers_sent.append(_on_headers_sent)
    config.on_request_end.append(_on_request_end)
    return config
