"""Fuzzing every control route's body, query and headers never produces a 500."""

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lyrad.security.roles import Role
from tests.integration.http.control_support import Harness, control_harness
from tests.integration.http.test_control_roles import ROUTES

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
# What a client can put in a header at all: printable latin-1, no control characters.
HEADER_TEXT = st.text(
    st.characters(codec="latin-1", min_codepoint=0x20).filter(lambda c: not 0x7F <= ord(c) < 0xA0),
    max_size=80,
)
CONTENT_TYPES = (
    st.sampled_from(
        ["application/json", "text/plain", "application/x-www-form-urlencoded", "", "json"]
    )
    | HEADER_TEXT
)
FIELDS = ["venue", "symbol", "side", "type", "amount", "price", "time_in_force", "reduce_only"]
FIELDS += ["flatten", "reason", "role", "expires", "name"]


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with control_harness(tmp_path) as h:
        yield h


def _mutated(valid: Any) -> st.SearchStrategy[Any]:
    base = valid if isinstance(valid, dict) else {}
    return st.builds(
        lambda k, v: {**base, k: v}, st.sampled_from(FIELDS) | st.text(max_size=8), JSON
    )


def _body(valid: Any) -> st.SearchStrategy[bytes | None]:
    return st.one_of(
        st.none(),
        st.binary(max_size=300),
        JSON.map(lambda v: json.dumps(v).encode()),
        _mutated(valid).map(lambda v: json.dumps(v).encode()),
    )


def _authorization(h: Harness) -> st.SearchStrategy[str | None]:
    return st.one_of(
        st.none(),
        st.sampled_from([f"Bearer {h.tokens[Role.ADMIN]}", f"Bearer {h.tokens[Role.AUDITOR]}"]),
        HEADER_TEXT,
        HEADER_TEXT.map(lambda t: f"Bearer {t}"),
    )


@st.composite
def requests(
    draw: st.DrawFn, h: Harness, name: str
) -> tuple[str, str, dict[str, str], bytes | None]:
    method, path, valid, _ = ROUTES[name]
    segment = quote(draw(st.text(min_size=1, max_size=30)), safe="")
    path = path.split("?")[0].replace("{spare}", segment).replace("/c1/", f"/{segment}/")
    query = draw(st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=3))
    if query:
        path += "?" + urlencode(query)
    headers: dict[str, str] = {}
    authorization = draw(_authorization(h))
    if authorization is not None:
        headers["Authorization"] = authorization
    content_type = draw(st.none() | CONTENT_TYPES)
    if content_type is not None:
        headers["Content-Type"] = content_type
    extra = draw(st.dictionaries(st.from_regex(r"\AX-[A-Za-z]{1,10}\Z"), HEADER_TEXT, max_size=2))
    return method, path, headers | extra, draw(_body(valid))


@pytest.mark.parametrize("name", sorted(ROUTES))
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_no_input_makes_a_500(harness: Harness, name: str, data: st.DataObject) -> None:
    method, path, headers, body = data.draw(requests(harness, name))
    async with harness.client.request(method, path, headers=headers, data=body) as response:
        text = await response.text()
        assert response.status < 500, (response.status, text)
        if response.status >= 400:
            assert response.content_type == "application/json", text
            error = json.loads(text)["error"]
            assert isinstance(error, str)
            assert "\n" not in error
