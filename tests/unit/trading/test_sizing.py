"""Position sizing: hand-computed sizes, degenerate inputs, parameter errors and invariants."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lyrad.trading.sizing import (
    fixed_fractional,
    fractional_kelly,
    inverse_volatility_weights,
    kelly_fraction,
    kelly_fraction_from_returns,
    risk_parity,
    round_down,
    volatility_target,
)

D = Decimal
STEP = D("0.001")


# --- rounding ---------------------------------------------------------------------------------


def test_round_down_truncates_to_the_step() -> None:
    assert round_down(D("1.23456"), STEP) == D("1.234")
    assert round_down(D("1.2349999"), D("0.5")) == D("1.0")
    assert round_down(D("7"), D("0")) == D("7")  # a venue without a step


@pytest.mark.parametrize("quantity", [D("-1"), D("0"), D("NaN"), D("Infinity")])
def test_round_down_never_returns_a_negative_or_non_finite_size(quantity: Decimal) -> None:
    assert round_down(quantity, STEP) == 0


@pytest.mark.parametrize("step", [D("-0.1"), D("NaN")])
def test_an_invalid_step_is_named(step: Decimal) -> None:
    with pytest.raises(ValueError, match="step"):
        round_down(D(1), step)


# --- fixed fractional ---------------------------------------------------------------------------


def test_fixed_fractional_risks_the_fraction_between_entry_and_stop() -> None:
    # Risk 1% of 10,000 = 100 over a 2,000 stop distance: 0.05 BTC (notional 3,000 < equity).
    size = fixed_fractional(
        D(10_000), risk_fraction=D("0.01"), entry_price=D(60_000), stop_price=D(58_000), step=STEP
    )
    assert size == D("0.050")
    # A short with its stop above the entry sizes the same.
    short = fixed_fractional(
        D(10_000), risk_fraction=D("0.01"), entry_price=D(60_000), stop_price=D(62_000), step=STEP
    )
    assert short == size


def test_fixed_fractional_caps_a_tight_stop_at_the_leverage_limit() -> None:
    # Risk 100 over a 10 stop distance would be 10 BTC (600,000 notional); the cap allows 2x.
    size = fixed_fractional(
        D(10_000),
        risk_fraction=D("0.01"),
        entry_price=D(60_000),
        stop_price=D(59_990),
        step=STEP,
        max_leverage=D(2),
    )
    assert size == D("0.333")


@pytest.mark.parametrize(
    ("equity", "entry", "stop"),
    [
        (D(0), D(100), D(90)),
        (D(-5), D(100), D(90)),
        (D(1000), D(100), D(100)),
        (D(1000), D(0), D(90)),
        (D(1000), D(100), D(0)),
    ],
)
def test_fixed_fractional_sizes_degenerate_inputs_to_zero(
    equity: Decimal, entry: Decimal, stop: Decimal
) -> None:
    size = fixed_fractional(
        equity, risk_fraction=D("0.02"), entry_price=entry, stop_price=stop, step=STEP
    )
    assert size == 0


@pytest.mark.parametrize("fraction", [D(0), D("-0.01"), D("1.01"), D("NaN")])
def test_fixed_fractional_rejects_a_fraction_outside_the_unit_interval(fraction: Decimal) -> None:
    with pytest.raises(ValueError, match="risk_fraction"):
        fixed_fractional(
            D(1000), risk_fraction=fraction, entry_price=D(100), stop_price=D(90), step=STEP
        )


# --- Kelly --------------------------------------------------------------------------------------


def test_kelly_fraction_of_a_known_bet() -> None:
    assert kelly_fraction(0.6, 1.0) == pytest.approx(0.2)  # even money at 60%
    assert kelly_fraction(0.5, 2.0) == pytest.approx(0.25)  # 2:1 at a coin flip
    assert kelly_fraction(0.4, 1.0) == pytest.approx(-0.2)  # no edge: negative
    assert kelly_fraction(0.9, 0.0) == 0.0
    assert kelly_fraction(0.9, math.inf) == 0.0


@pytest.mark.parametrize("probability", [-0.1, 1.1, math.nan])
def test_kelly_rejects_an_impossible_probability(probability: float) -> None:
    with pytest.raises(ValueError, match="win_probability"):
        kelly_fraction(probability, 1.0)


def test_kelly_from_returns_is_mean_over_variance() -> None:
    # mean 0.01, sample variance 2.5e-4 -> 40
    assert kelly_fraction_from_returns([0.01, 0.02, -0.01, 0.03, 0.0]) == pytest.approx(40.0)
    assert kelly_fraction_from_returns([0.01]) == 0.0
    assert kelly_fraction_from_returns([0.01, 0.01]) == 0.0


def test_fractional_kelly_takes_the_fraction_of_full_kelly() -> None:
    # Half of a 20% Kelly = 10% of 10,000 = 1,000 at 250: 4 units.
    size = fractional_kelly(
        D(10_000), D(250), kelly=0.2, fraction=D("0.5"), cap=D("0.25"), step=D(1)
    )
    assert size == D(4)


def test_fractional_kelly_is_capped() -> None:
    # Half of 40 (from returns) is 20x equity; the cap holds it to 25%: 2,500 at 250 = 10 units.
    size = fractional_kelly(
        D(10_000), D(250), kelly=40.0, fraction=D("0.5"), cap=D("0.25"), step=D(1)
    )
    assert size == D(10)


@pytest.mark.parametrize("kelly", [0.0, -0.3, math.nan, math.inf])
def test_fractional_kelly_without_an_edge_is_zero(kelly: float) -> None:
    size = fractional_kelly(D(10_000), D(250), kelly=kelly, fraction=D("0.5"), cap=D(1), step=STEP)
    assert size == 0


@pytest.mark.parametrize(
    ("fraction", "cap", "name"),
    [
        (D(0), D(1), "fraction"),
        (D(2), D(1), "fraction"),
        (D("0.5"), D("-0.1"), "cap"),
        (D("0.5"), D("NaN"), "cap"),
    ],
)
def test_fractional_kelly_names_an_invalid_parameter(
    fraction: Decimal, cap: Decimal, name: str
) -> None:
    with pytest.raises(ValueError, match=name):
        fractional_kelly(D(10_000), D(250), kelly=0.2, fraction=fraction, cap=cap, step=STEP)


# --- volatility targeting -----------------------------------------------------------------------


def test_volatility_target_scales_exposure_by_target_over_volatility() -> None:
    # 20% target / 80% asset volatility = 25% of 10,000 = 2,500 at 50,000: 0.05.
    size = volatility_target(
        D(10_000), D(50_000), target_volatility=D("0.2"), volatility=0.8, step=STEP
    )
    assert size == D("0.050")


def test_volatility_target_is_capped_for_calm_assets() -> None:
    # 20% / 5% would be 4x equity; max_leverage 1.5 holds it: 15,000 at 50,000 = 0.3.
    size = volatility_target(
        D(10_000),
        D(50_000),
        target_volatility=D("0.2"),
        volatility=0.05,
        step=STEP,
        max_leverage=D("1.5"),
    )
    assert size == D("0.300")


@pytest.mark.parametrize("volatility", [0.0, -0.1, math.nan, math.inf])
def test_volatility_target_without_a_usable_volatility_is_zero(volatility: float) -> None:
    size = volatility_target(
        D(10_000), D(50_000), target_volatility=D("0.2"), volatility=volatility, step=STEP
    )
    assert size == 0


@pytest.mark.parametrize(
    ("target", "leverage", "name"),
    [(D(0), D(1), "target_volatility"), (D("0.2"), D(-1), "max_leverage")],
)
def test_volatility_target_names_an_invalid_parameter(
    target: Decimal, leverage: Decimal, name: str
) -> None:
    with pytest.raises(ValueError, match=name):
        volatility_target(
            D(1), D(1), target_volatility=target, volatility=0.5, step=STEP, max_leverage=leverage
        )


# --- risk parity --------------------------------------------------------------------------------


def test_inverse_volatility_weights_of_known_volatilities() -> None:
    # 1/0.2 : 1/0.4 : 1/0.8 = 4 : 2 : 1
    weights = inverse_volatility_weights({"BTC": 0.4, "ETH": 0.8, "USDC": 0.2})
    assert weights["USDC"] == pytest.approx(D(4) / D(7))
    assert weights["BTC"] == pytest.approx(D(2) / D(7))
    assert weights["ETH"] == pytest.approx(D(1) / D(7))


def test_unusable_volatilities_get_no_weight() -> None:
    weights = inverse_volatility_weights({"A": 0.5, "B": 0.0, "C": math.nan, "D": 5e-324})
    assert weights == {"A": D(1), "B": D(0), "C": D(0), "D": D(0)}
    assert inverse_volatility_weights({"A": 0.0}) == {"A": D(0)}
    assert inverse_volatility_weights({}) == {}


def test_risk_parity_quantities_split_the_budget_and_round_down() -> None:
    prices = {"BTC/USDT": D(50_000), "ETH/USDT": D(2_500)}
    vols = {"BTC/USDT": 0.5, "ETH/USDT": 1.0}  # weights 2/3 and 1/3
    steps = {"BTC/USDT": D("0.0001"), "ETH/USDT": D("0.01")}
    sizes = risk_parity(D(30_000), prices, vols, steps=steps)
    assert sizes == {"BTC/USDT": D("0.4"), "ETH/USDT": D(4)}  # 20,000 and 10,000 exactly


def test_risk_parity_leaves_unpriced_symbols_out_of_the_split() -> None:
    prices = {"A": D(10), "B": D(0)}
    sizes = risk_parity(
        D(100), prices, {"A": 0.5, "B": 0.5, "C": 0.5}, steps=dict.fromkeys("ABC", STEP)
    )
    assert sizes == {"A": D("10.000"), "B": D(0), "C": D(0)}


def test_risk_parity_needs_a_step_for_every_symbol() -> None:
    with pytest.raises(ValueError, match="steps has no entry for B"):
        risk_parity(D(100), {"A": D(1), "B": D(1)}, {"A": 0.1, "B": 0.2}, steps={"A": STEP})


# --- invariants ---------------------------------------------------------------------------------

money = st.decimals(min_value=D("-1000"), max_value=D("1e7"), allow_nan=False, places=2)
prices = st.decimals(min_value=D("-1"), max_value=D("1e6"), allow_nan=False, places=4)
fractions = st.decimals(min_value=D("0.0001"), max_value=D(1), places=4)
caps = st.decimals(min_value=D(0), max_value=D(10), places=3)
steps = st.sampled_from([D(0), D("0.00001"), D("0.001"), D("0.1"), D(1)])


def notional_within(size: Decimal, price: Decimal, equity: Decimal, cap: Decimal) -> bool:
    return size == 0 or size * price <= equity * cap


@given(money, prices, st.floats(allow_nan=True), fractions, caps, steps)
def test_fractional_kelly_never_exceeds_the_cap_nor_goes_negative(
    equity: Decimal, price: Decimal, kelly: float, fraction: Decimal, cap: Decimal, step: Decimal
) -> None:
    size = fractional_kelly(equity, price, kelly=kelly, fraction=fraction, cap=cap, step=step)
    assert size >= 0
    assert notional_within(size, price, equity, cap)


@given(money, prices, prices, fractions, caps, steps)
def test_fixed_fractional_never_exceeds_the_cap_nor_goes_negative(
    equity: Decimal, entry: Decimal, stop: Decimal, fraction: Decimal, cap: Decimal, step: Decimal
) -> None:
    size = fixed_fractional(
        equity,
        risk_fraction=fraction,
        entry_price=entry,
        stop_price=stop,
        step=step,
        max_leverage=cap,
    )
    assert size >= 0
    assert notional_within(size, entry, equity, cap)
    if size > 0:  # the loss at the stop stays within the risked fraction
        assert size * abs(entry - stop) <= equity * fraction


@given(money, prices, fractions, st.floats(allow_nan=True), caps, steps)
def test_volatility_target_never_exceeds_the_cap_nor_goes_negative(
    equity: Decimal, price: Decimal, target: Decimal, vol: float, cap: Decimal, step: Decimal
) -> None:
    size = volatility_target(
        equity, price, target_volatility=target, volatility=vol, step=step, max_leverage=cap
    )
    assert size >= 0
    assert notional_within(size, price, equity, cap)


@given(st.dictionaries(st.text(min_size=1, max_size=6), st.floats(1e-6, 1e3), min_size=1))
def test_risk_parity_weights_sum_to_one_and_are_inverse_to_volatility(
    volatilities: dict[str, float],
) -> None:
    weights = inverse_volatility_weights(volatilities)
    assert math.isclose(sum(weights.values()), 1, abs_tol=1e-20)
    risk = [float(weights[s]) * vol for s, vol in volatilities.items()]  # weight * vol is equal
    assert all(math.isclose(r, risk[0], rel_tol=1e-12) for r in risk)


@given(st.decimals(min_value=D(0), max_value=D("1e9"), places=8), steps)
def test_round_down_lands_on_the_step_just_below(quantity: Decimal, step: Decimal) -> None:
    rounded = round_down(quantity, step)
    assert 0 <= rounded <= quantity
    if step > 0:
        assert rounded % step == 0
        assert quantity - rounded < step


@given(
    money,
    st.dictionaries(
        st.sampled_from(["A", "B", "C", "D"]),
        st.tuples(prices, st.floats(allow_nan=True), steps),
        min_size=1,
    ),
    caps,
)
def test_risk_parity_never_spends_more_than_the_budget(
    equity: Decimal, books: dict[str, tuple[Decimal, float, Decimal]], leverage: Decimal
) -> None:
    prices = {symbol: price for symbol, (price, _, _) in books.items()}
    vols = {symbol: vol for symbol, (_, vol, _) in books.items()}
    sizes = risk_parity(
        equity,
        prices,
        vols,
        steps={s: step for s, (_, _, step) in books.items()},
        gross_leverage=leverage,
    )
    assert set(sizes) == set(books)
    assert all(size >= 0 for size in sizes.values())
    spent = sum((size * prices[symbol] for symbol, size in sizes.items()), D(0))
    assert spent <= max(equity, D(0)) * leverage * (1 + D("1e-20"))
