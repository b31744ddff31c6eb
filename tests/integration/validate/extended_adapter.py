"""The validation suite's adapter for tests: production's, with faster read retries."""

from __future__ import annotations

from functools import partial

from lyrad.exchanges.retry import RetryPolicy
from lyrad.validate.wiring import ccxt_builder

# Reads retried as in production, but without waiting long between tries: the sim is local.
FAST_RETRY = RetryPolicy(initial_backoff_s=0.005, max_backoff_s=0.02)

extended_builder = partial(ccxt_builder, retry=FAST_RETRY)
