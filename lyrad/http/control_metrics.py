"""Control API metrics: requests by route and status, authentication failures by reason."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class ControlMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "lyrad_control_requests_total",
            "Control API requests by route and HTTP status",
            ["route", "status"],
            registry=registry,
        )
        self.auth_failures = Counter(
            "lyrad_control_auth_failures_total",
            "Control API requests refused for a missing, bad, expired or revoked token",
            ["reason"],
            registry=registry,
        )
        self.denied = Counter(
            "lyrad_control_denied_total",
            "Control API requests refused because the token's role lacks the right",
            ["route"],
            registry=registry,
        )
