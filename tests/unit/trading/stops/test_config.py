"""The [stops] section: strict, frozen, durations that make sense."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from lyrad.trading.stops import StopsConfig


def test_defaults_and_durations_from_text() -> None:
    config = StopsConfig.model_validate({"poll_interval": "250ms", "persist_interval": "0s"})
    assert config.poll_interval == timedelta(milliseconds=250)
    assert config.persist_interval == timedelta(0)  # save every move
    assert StopsConfig().max_attempts == 3


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"poll_interval": "0s"}, "poll_interval must be positive"),
        ({"atr_refresh": "0s"}, "atr_refresh must be positive"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"atr_candles": 1}, "atr_candles"),
        ({"poll": "1s"}, "poll"),  # unknown keys are refused
    ],
)
def test_nonsense_is_refused_by_key(values: dict[str, object], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        StopsConfig.model_validate(values)


def test_the_section_is_frozen() -> None:
    config = StopsConfig()
    with pytest.raises(ValidationError):
        config.max_attempts = 5  # type: ignore[misc]
