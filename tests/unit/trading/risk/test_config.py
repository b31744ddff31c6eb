"""Risk config: contradictory limits are refused, naming the key, at load and reload alike."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from lyrad.trading.risk.config import RiskConfig
from lyrad.trading.state import TradingState


def problem(data: dict[str, Any]) -> str:
    """The one error as a config error line shows it: dotted key, then the message."""
    with pytest.raises(ValidationError) as caught:
        RiskConfig.model_validate(data)
    errors = caught.value.errors(include_url=False)
    assert len(errors) == 1, errors
    key = ".".join(str(part) for part in errors[0]["loc"])
    return f"{key}: {errors[0]['msg']}"


def test_the_defaults_switch_every_limit_and_breaker_off() -> None:
    config = RiskConfig()
    assert config.limits.quotes == {}
    assert config.limits.max_orders_per_second is None
    assert config.breakers.daily_loss is None
    assert not config.rollout.enabled
    assert [s.cap for s in config.rollout.stages] == [100, 1000, 10_000, 100_000]


def test_a_full_section_as_written_in_toml() -> None:
    config = RiskConfig.model_validate(
        {
            "limits": {
                "price_band_pct": "5",
                "quotes": {"USDT": {"min_order_notional": "10", "max_order_notional": "1000"}},
                "symbols": {"BTC/USDT": {"max_position_quantity": "0.5"}},
            },
            "breakers": {
                "error_rate": {"max_error_pct": "20", "window": "2m", "action": "reducing"},
                "daily_loss": {"max_loss": "500", "max_loss_pct": "3"},
            },
            "rollout": {
                "enabled": True,
                "stages": [{"cap": "100", "min_time": "3d"}, {"cap": 1e3}],
            },
        }
    )
    assert config.limits.quotes["USDT"].max_order_notional == Decimal(1000)
    error_rate = config.breakers.error_rate
    assert error_rate is not None
    assert error_rate.window == timedelta(minutes=2)
    assert error_rate.demand is TradingState.REDUCING
    assert config.rollout.stages[0].min_time == timedelta(days=3)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"limits": {"quotes": {"USDT": {"min_order_notional": 10, "max_order_notional": 5}}}},
            "limits.quotes.USDT.max_order_notional: Value error, 5 is below min_order_notional",
        ),
        (
            {"limits": {"quotes": {"USDT": {"min_order_notional": 10, "max_gross_exposure": 1}}}},
            "limits.quotes.USDT.max_gross_exposure:",
        ),
        (
            {
                "limits": {
                    "quotes": {"USDT": {"min_order_notional": 10}},
                    "symbols": {"BTC/USDT": {"max_position_notional": 5}},
                }
            },
            "limits: Value error, symbols.BTC/USDT.max_position_notional (5) is below "
            "quotes.USDT.min_order_notional (10)",
        ),
        ({"limits": {"max_leverage": "-1"}}, "limits.max_leverage: Input should be greater"),
        ({"limits": {"max_orders_per_second": 0}}, "limits.max_orders_per_second:"),
        (
            {"limits": {"symbols": {"BTC/USDT": {"max_order_quantity": "-0.1"}}}},
            "limits.symbols.BTC/USDT.max_order_quantity:",
        ),
        ({"limits": {"price_band_pct": "NaN"}}, "limits.price_band_pct: Input should be a finite"),
        (
            {"breakers": {"daily_loss": {"max_loss_pct": "100.5"}}},
            "breakers.daily_loss.max_loss_pct: Input should be less than or equal to 100",
        ),
        ({"breakers": {"daily_loss": {}}}, "breakers.daily_loss: Value error, set max_loss"),
        ({"breakers": {"drawdown": {"max_drawdown_pct": 0}}}, "breakers.drawdown.max_drawdown_pct"),
        ({"breakers": {"latency": {"cool_down": "0s"}}}, "breakers.latency.cool_down: Value error"),
        ({"breakers": {"error_rate": {"window": "-5s"}}}, "breakers.error_rate.window:"),
        ({"breakers": {"stale_data": {"action": "active"}}}, "breakers.stale_data.action:"),
        (
            {"rollout": {"stages": [{"cap": 1000}, {"cap": 100}]}},
            "rollout: Value error, stages.1.cap (100) must be above stages.0.cap (1000)",
        ),
        ({"rollout": {"stages": []}}, "rollout.stages:"),
        ({"limits": {"max_order_notional": 5}}, "limits.max_order_notional: Extra inputs"),
    ],
)
def test_contradictory_or_negative_limits_are_refused_by_key(
    data: dict[str, Any], expected: str
) -> None:
    assert problem(data).startswith(expected)
