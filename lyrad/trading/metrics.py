"""Order path metrics: orders, acks, fills, reconciliation, positions and equity."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from lyrad.domain.orders import Order
from lyrad.trading.decision import RejectReason


class TradingMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.orders = Counter(
            "lyrad_orders_total",
            "Order state changes, by the state reached",
            ["venue", "symbol", "side", "type", "state"],
            registry=registry,
        )
        self._order_series: dict[tuple[str, ...], Any] = {}
        self.order_ack_seconds = Histogram(
            "lyrad_order_ack_seconds",
            "From intent to the venue's answer to the order request",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=registry,
        )
        self.fills = Counter(
            "lyrad_fills_total", "Fills applied", ["venue", "symbol", "side"], registry=registry
        )
        self.intents_rejected = Counter(
            "lyrad_risk_rejections_total",
            "Intents refused before sending, by reason",
            ["reason"],
            registry=registry,
        )
        for reason in RejectReason:  # every reason visible at zero from the start
            self.intents_rejected.labels(reason.value)
        self.discrepancies = Counter(
            "lyrad_reconcile_discrepancies_total",
            "Differences between the journal and the venue found by reconciliation",
            ["kind"],
            registry=registry,
        )
        self.reconcile_seconds = Histogram(
            "lyrad_reconcile_seconds",
            "Duration of one reconciliation pass of one venue",
            ["venue"],
            registry=registry,
        )
        self.position_notional = Gauge(
            "lyrad_position_notional",
            "Absolute position value in quote currency at the last mark",
            ["venue", "symbol"],
            registry=registry,
        )
        self.equity = Gauge(
            "lyrad_equity",
            "Account equity per quote currency at the last marks",
            ["currency"],
            registry=registry,
        )

    def count_order(self, order: Order) -> None:
        """One more order reached `order.state` (label children resolved once per series)."""
        key = (order.venue, order.symbol, order.side.value, order.type.value, order.state.value)
        child = self._order_series.get(key)
        if child is None:
            child = self._order_series[key] = self.orders.labels(*key)
        child.inc()
