"""Venue quirks as data, and the venue metric families on a registry of their own."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry

from lyrad.exchanges.metrics import VenueMetrics
from lyrad.exchanges.quirks import BINANCE, Endpoint, EndpointWeight, quirks_for


def test_binance_weights() -> None:
    book = BINANCE.weights[Endpoint.FETCH_ORDER_BOOK]
    assert [book.of(limit=n) for n in (5, 100, 101, 500, 1000, 5000, 9999)] == [
        5, 5, 25, 25, 50, 250, 250,
    ]  # fmt: skip
    assert book.of() == 5
    open_orders = BINANCE.weights[Endpoint.FETCH_OPEN_ORDERS]
    assert (open_orders.of(), open_orders.of(has_symbol=False)) == (6, 80)
    assert set(BINANCE.weights) == set(Endpoint)
    assert EndpointWeight(3).of(has_symbol=False) == 3


def test_writes_are_create_and_cancel() -> None:
    assert {e for e in Endpoint if e.is_write} == {Endpoint.CREATE_ORDER, Endpoint.CANCEL_ORDER}


def test_quirks_lookup() -> None:
    assert quirks_for("binance") is BINANCE
    with pytest.raises(KeyError, match="known: \\['binance'\\]"):
        quirks_for("kraken")


def test_metric_families_and_labels() -> None:
    registry = CollectorRegistry()
    metrics = VenueMetrics(registry)
    metrics.register_venue("main")
    metrics.record("main", Endpoint.CREATE_ORDER, "ambiguous", 0.2)
    metrics.record("main", Endpoint.CREATE_ORDER, "ambiguous", None)
    metrics.set_weight_used("main", 42)
    value = registry.get_sample_value
    labels = {"venue": "main", "endpoint": "create_order"}
    assert value("lyrad_venue_requests_total", {**labels, "outcome": "ambiguous"}) == 2
    assert value("lyrad_venue_requests_total", {**labels, "outcome": "ok"}) == 0
    assert value("lyrad_venue_request_seconds_count", labels) == 1
    assert value("lyrad_rate_limit_weight_used", {"venue": "main"}) == 42
    metrics.unregister()
    assert value("lyrad_rate_limit_weight_used", {"venue": "main"}) is None
    VenueMetrics(registry)  # registers afresh after unregister
