"""Venue metrics: requests by outcome, latency, rate-limit weight. One instance per registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from lyrad.exchanges.quirks import Endpoint

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

# Every value of the `outcome` label (a bounded set; see errors.outcome_of).
OUTCOMES = (
    "ok",
    "rejected",
    "insufficient_funds",
    "not_found",
    "rate_limited",
    "retryable",
    "ambiguous",
    "auth_failed",
    "fatal",
    "bad_response",
    "refused_locally",
)


@dataclass(frozen=True, slots=True)
class RequestSeries:
    """The series every request to one endpoint of one venue touches, resolved once."""

    ok: Any  # the `outcome="ok"` child of lyrad_venue_requests_total
    seconds: Any  # the child of lyrad_venue_request_seconds


class VenueMetrics:
    """`lyrad_venue_requests_total`, `lyrad_venue_request_seconds`, `lyrad_rate_limit_weight_used`.

    Shared by every venue of the daemon (the `venue` label tells them apart).
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry
        self.requests = Counter(
            "lyrad_venue_requests_total",
            "Requests to a venue by adapter call and outcome",
            ["venue", "endpoint", "outcome"],
            registry=registry,
        )
        self.request_seconds = Histogram(
            "lyrad_venue_request_seconds",
            "Time from sending a request to a venue until its answer (or failure)",
            ["venue", "endpoint"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self._series: dict[tuple[str, Endpoint], RequestSeries] = {}
        self.weight_used = Gauge(
            "lyrad_rate_limit_weight_used",
            "Request weight counted as used in the venue's current window",
            ["venue"],
            registry=registry,
        )

    def register_venue(self, venue: str) -> None:
        """Create the venue's series at zero so dashboards and rate() see them from the start."""
        for endpoint in Endpoint:
            self.request_seconds.labels(venue=venue, endpoint=endpoint.value)
            for outcome in ("ok", "retryable", "ambiguous", "bad_response"):
                self.requests.labels(venue=venue, endpoint=endpoint.value, outcome=outcome)
        self.weight_used.labels(venue=venue).set(0)

    def series(self, venue: str, endpoint: Endpoint) -> RequestSeries:
        """Resolving labels costs microseconds; the order path asks for these on every request."""
        found = self._series.get((venue, endpoint))
        if found is None:
            found = RequestSeries(
                ok=self.requests.labels(venue=venue, endpoint=endpoint.value, outcome="ok"),
                seconds=self.request_seconds.labels(venue=venue, endpoint=endpoint.value),
            )
            self._series[(venue, endpoint)] = found
        return found

    def record(self, venue: str, endpoint: Endpoint, outcome: str, seconds: float | None) -> None:
        self.requests.labels(venue=venue, endpoint=endpoint.value, outcome=outcome).inc()
        if seconds is not None:
            self.request_seconds.labels(venue=venue, endpoint=endpoint.value).observe(seconds)

    def set_weight_used(self, venue: str, used: int) -> None:
        self.weight_used.labels(venue=venue).set(used)

    def unregister(self) -> None:
        """Remove the families from the registry (a restarted component registers afresh)."""
        for collector in (self.requests, self.request_seconds, self.weight_used):
            self._registry.unregister(collector)
