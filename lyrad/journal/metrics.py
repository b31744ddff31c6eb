"""The journal's Prometheus metrics, registered on the registry it is given and removed at close."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

COMMIT_BUCKETS = (
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
)


class JournalMetrics:
    """`lyrad_journal_commit_seconds`, `..._transactions_total`, `..._write_failures_total`."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry
        self.commit_seconds = Histogram(
            "lyrad_journal_commit_seconds",
            "Time to run and commit one group of journal transactions (one fsync)",
            buckets=COMMIT_BUCKETS,
            registry=registry,
        )
        self.transactions = Counter(
            "lyrad_journal_transactions_total",
            "Journal transactions committed",
            registry=registry,
        )
        self.write_failures = Counter(
            "lyrad_journal_write_failures_total",
            "Journal transactions that failed to commit or were refused after a failure",
            registry=registry,
        )

    def committed(self, transactions: int, seconds: float) -> None:
        self.commit_seconds.observe(seconds)
        self.transactions.inc(transactions)

    def failed(self, transactions: int) -> None:
        self.write_failures.inc(transactions)

    def unregister(self) -> None:
        """Remove the collectors, so that a restarted journal can register them again."""
        for collector in (self.commit_seconds, self.transactions, self.write_failures):
            self._registry.unregister(collector)
