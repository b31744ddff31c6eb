"""Drawdown from the running peak on hand-made equity paths."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lyrad.analytics import Drawdown, current_drawdown, drawdown_series, max_drawdown


def test_the_worst_drawdown_after_a_new_peak_is_measured_from_that_peak() -> None:
    # From the start the worst fall is 100 -> 60 (40%); from the peak it is 120 -> 60 (50%).
    path = [100, 90, 120, 60, 130]
    assert max_drawdown(path) == Drawdown(depth=0.5, peak_index=2, trough_index=3, recovery_index=4)


def test_an_earlier_deeper_drawdown_wins_over_a_later_shallower_one() -> None:
    path = [100, 70, 105, 95, 100]
    worst = max_drawdown(path)
    assert worst.depth == pytest.approx(0.3)
    assert (worst.peak_index, worst.trough_index, worst.recovery_index) == (0, 1, 2)


def test_a_drawdown_still_under_water_has_no_recovery() -> None:
    path = [Decimal("1000.00"), Decimal("800.00"), Decimal("900.00")]
    worst = max_drawdown(path)
    assert worst.depth == pytest.approx(0.2)
    assert (worst.peak_index, worst.trough_index, worst.recovery_index) == (0, 1, None)
    assert current_drawdown(path) == pytest.approx(0.1)


def test_a_path_that_never_falls_has_no_drawdown() -> None:
    assert max_drawdown([100, 100, 101, 150]).depth == 0.0
    assert current_drawdown([100, 101]) == 0.0
    assert max_drawdown([]).depth == 0.0
    assert current_drawdown([]) == 0.0


def test_drawdown_series_resets_at_each_new_peak() -> None:
    assert drawdown_series([100, 90, 120, 60, 130]) == pytest.approx([0, 0.1, 0, 0.5, 0])


def test_a_wiped_out_account_is_a_full_drawdown() -> None:
    assert max_drawdown([100, 50, 0]).depth == 1.0


@pytest.mark.parametrize("start", [0, -10])
def test_a_path_must_start_positive(start: int) -> None:
    with pytest.raises(ValueError, match="equity must start positive"):
        max_drawdown([start, 10])


positive_paths = st.lists(
    st.floats(min_value=1e-6, max_value=1e9, allow_nan=False), min_size=1, max_size=200
)


@given(positive_paths)
def test_drawdowns_of_positive_paths_lie_in_the_unit_interval(path: list[float]) -> None:
    worst = max_drawdown(path)
    series = drawdown_series(path)
    assert 0.0 <= worst.depth <= 1.0
    assert worst.depth == pytest.approx(max(series))
    assert 0.0 <= current_drawdown(path) <= worst.depth + 1e-12
    assert worst.peak_index <= worst.trough_index
