from decimal import Decimal

from prometheus_client import CollectorRegistry

from lyrad.trading.risk.runtime import VarMetrics


def test_var_ratio_follows_the_equity_samples() -> None:
    registry = CollectorRegistry()
    metrics = VarMetrics(registry)
    for value in ["1000", "1010", "990", "1000", "950", "1000", "1005", "1002"]:
        metrics.add(Decimal(value))
    var95 = registry.get_sample_value("lyrad_var_ratio", {"confidence": "0.95"})
    var99 = registry.get_sample_value("lyrad_var_ratio", {"confidence": "0.99"})
    assert var95 is not None
    assert var99 is not None
    assert var99 >= var95 > 0
    assert abs(var99 - 0.05) < 1e-12  # the worst sample period: 1000 -> 950


def test_no_series_before_there_is_enough_history() -> None:
    registry = CollectorRegistry()
    VarMetrics(registry).add(Decimal(1000))
    assert registry.get_sample_value("lyrad_var_ratio", {"confidence": "0.95"}) is None
