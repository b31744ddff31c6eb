import io
import json
import logging

import structlog

from lyrad.logging import configure_logging
from lyrad.security.redaction import MASK, Redactor

SECRET = "sk-live-9f8e7d6c5b4a"


def configured(fmt: str = "json") -> tuple[io.StringIO, Redactor]:
    stream = io.StringIO()
    redactor = Redactor()
    redactor.register(SECRET)
    configure_logging(level="debug", fmt=fmt, redactor=redactor, stream=stream)
    return stream, redactor


def test_secret_in_a_field_a_nested_dict_and_an_exception_never_appears() -> None:
    stream, _ = configured()
    log = structlog.get_logger("lyrad.test", component="test")
    log.info("event_with_secret", note=f"key is {SECRET}", nested={"a": [{"b": SECRET}]})
    try:
        raise ValueError(f"venue echoed {SECRET}")
    except ValueError:
        log.exception("venue_failed")
    output = stream.getvalue()
    assert SECRET not in output
    records = [json.loads(line) for line in output.splitlines()]
    assert records[0]["note"] == f"key is {MASK}"
    assert records[0]["nested"] == {"a": [{"b": MASK}]}
    assert records[0]["component"] == "test"
    assert "ValueError: venue echoed " + MASK in records[1]["exception"]


def test_third_party_stdlib_logs_are_redacted_too() -> None:
    stream, _ = configured()
    try:
        raise RuntimeError(SECRET)
    except RuntimeError:
        logging.getLogger("aiohttp.client").exception("request to %s failed", SECRET)
    assert SECRET not in stream.getvalue()
    assert MASK in stream.getvalue()


def test_console_format_is_redacted() -> None:
    stream, _ = configured(fmt="console")
    structlog.get_logger("lyrad.test").warning("plain", value=SECRET)
    assert SECRET not in stream.getvalue()
    assert "plain" in stream.getvalue()


def test_secret_named_keys_are_masked_whatever_their_value() -> None:
    redactor = Redactor()
    out = redactor.redact({"api_key": "abc", "password": "hunter2", "signature": "ff", "name": "x"})
    assert out == {"api_key": MASK, "password": MASK, "signature": MASK, "name": "x"}


def test_url_encoded_secret_is_masked() -> None:
    redactor = Redactor()
    redactor.register("a b/c+d=e")
    assert redactor.redact_text("q=a%20b%2Fc%2Bd%3De&x=a+b%2Fc%2Bd%3De") == f"q={MASK}&x={MASK}"


def test_short_values_are_not_registered() -> None:
    redactor = Redactor()
    redactor.register("ab")
    assert redactor.redact_text("ab cd") == "ab cd"
