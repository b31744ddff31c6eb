"""The validation suite's adapter for tests: production's, with faster read retries."""

from __future__ import annotations

from lyrad.exchanges.adapter import ExchangeAdapter
from lyrad.exchanges.ccxt_validation import ValidatingCcxtAdapter
from lyrad.exchanges.retry import RetryPolicy
from lyrad.validate.wiring import AdapterSpec

# Reads retried as in production, but without waiting long between tries: the sim is local.
FAST_RETRY = RetryPolicy(initial_backoff_s=0.005, max_backoff_s=0.02)


def extended_builder(spec: AdapterSpec) -> ExchangeAdapter:
    access = spec.access
    return ValidatingCcxtAdapter(
        access.venue,
        access.exchange,
        base_url=access.base_url,
        api_key=access.api_key,
        secret=access.secret,
        password=access.password,
        timeout_s=access.timeout_s,
        limiter=spec.limiter,
        metrics=spec.metrics,
        clock=spec.clock,
        quirks=spec.quirks,
        retry=FAST_RETRY,
    )
