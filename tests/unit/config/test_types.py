from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lyrad.config.types import (
    SecretRef,
    format_duration,
    parse_duration,
    parse_listen,
    parse_secret_ref,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("500ms", 0.5), ("30s", 30), ("5m", 300), ("12h", 43200), ("7d", 604800), ("1.5s", 1.5)],
)
def test_durations_are_written_as_operators_write_them(text: str, seconds: float) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["5", "5x", "s", "", "1h30m", "fast"])
def test_a_duration_needs_one_number_and_one_unit(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


def test_a_negative_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        parse_duration("-5s")


def test_a_bare_number_is_refused_because_its_unit_is_ambiguous() -> None:
    with pytest.raises(ValueError, match="string with a unit"):
        parse_duration(30)


@given(st.integers(min_value=0, max_value=10**10))
def test_formatting_round_trips(ms: int) -> None:
    value = timedelta(milliseconds=ms)
    assert parse_duration(format_duration(value)) == value


def test_formatting_picks_the_largest_exact_unit() -> None:
    assert format_duration(timedelta(days=7)) == "7d"
    assert format_duration(timedelta(minutes=90)) == "90m"
    assert format_duration(timedelta(milliseconds=1500)) == "1500ms"


def test_listen_address_parses_host_and_port() -> None:
    address = parse_listen("127.0.0.1:9100")
    assert (address.host, address.port, address.is_loopback) == ("127.0.0.1", 9100, True)
    assert str(parse_listen("[::1]:80")) == "[::1]:80"
    assert not parse_listen("0.0.0.0:80").is_loopback


@pytest.mark.parametrize("text", ["127.0.0.1", ":80", "host:port", "h:70000"])
def test_bad_listen_addresses_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"HOST:PORT|outside"):
        parse_listen(text)


def test_secret_references_and_literals() -> None:
    assert parse_secret_ref("env:API_KEY") == SecretRef("env", "API_KEY")
    assert parse_secret_ref("vault:binance/key") == SecretRef("vault", "binance/key")
    literal = parse_secret_ref("s3cr3t-value")
    assert literal.scheme == "literal"
    assert "s3cr3t" not in str(literal)
    assert "s3cr3t" not in repr(literal)
    with pytest.raises(ValueError, match="names nothing"):
        parse_secret_ref("env:")
