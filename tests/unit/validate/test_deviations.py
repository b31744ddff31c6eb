"""Known-deviation files: skips with reasons and dates, never for gates; the shipped files."""

from __future__ import annotations

import datetime as dt

import pytest

from lyrad.validate.deviations import DeviationError, load_deviations, parse_deviations

TODAY = dt.date(2026, 6, 1)


def test_a_skip_applies_until_its_date() -> None:
    text = """
hold_before_cancel_s = 5
[[skip]]
check = "TEC-11"
reason = "no public streams"
until = 2026-12-31
[[skip]]
check = "TEC-09"
reason = "candles lag"
until = 2026-01-01
[tolerances]
"ticker.open" = "may be 0"
"""
    deviations = parse_deviations("kraken", text, where="kraken.toml")
    assert deviations.hold_before_cancel_s == 5
    skip = deviations.skip_for("TEC-11", TODAY)
    assert skip is not None
    assert skip.reason == "no public streams"
    assert deviations.skip_for("TEC-09", TODAY) is None
    assert [s.check for s in deviations.expired(TODAY)] == ["TEC-09"]
    assert deviations.tolerances == {"ticker.open": "may be 0"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[skip]]\ncheck = "SEC-04"\nreason = "x"\nuntil = 2030-01-01', "gate"),
        ('[[skip]]\ncheck = "XYZ-01"\nreason = "x"\nuntil = 2030-01-01', "not a check id"),
        ('[[skip]]\ncheck = "TEC-11"\nreason = " "\nuntil = 2030-01-01', "needs a reason"),
        ('[[skip]]\ncheck = "TEC-11"\nreason = "x"\nuntil = "soon"', "expected a date"),
        ("speed = 3", "speed: unknown key"),
        ("hold_before_cancel_s = -1", "expected a number"),
        ("[tolerances]\n'ticker.open' = 3", "tolerances"),
        ("= broken", "TOML syntax error"),
    ],
)
def test_bad_files_name_the_entry(text: str, message: str) -> None:
    with pytest.raises(DeviationError, match=message):
        parse_deviations("v", text, where="v.toml")


def test_the_shipped_files_load_and_a_venue_without_one_has_none() -> None:
    sim = load_deviations("sim")
    assert "orderbook.timestamp" in sim.tolerances
    assert load_deviations("binance").young_cancel_s == 2
    assert load_deviations("kraken").hold_before_cancel_s == 5
    assert load_deviations("nosuchvenue").skips == ()
