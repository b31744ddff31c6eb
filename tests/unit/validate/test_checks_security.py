"""Security checks against fakes: key permissions, credential source, endpoints, leaks."""

from __future__ import annotations

import dataclasses

import pytest

from lyrad.validate.checks import security
from lyrad.validate.context import Mode
from lyrad.validate.model import NotApplicable, State
from lyrad.validate.venue_extras import KeyPermissions
from tests.unit.validate.fakes import NOW_MS, context

DAY_MS = 86_400_000


async def test_sec_01_wants_the_vault_in_live_mode() -> None:
    ctx, *_ = context()
    assert (await security.sec_01(ctx)).state is State.PASS
    ctx.options = dataclasses.replace(ctx.options, credential_source="env")
    outcome = await security.sec_01(ctx)
    assert (outcome.state, outcome.measured["source"]) == (State.FAIL, "env")
    ctx.options = dataclasses.replace(ctx.options, mode=Mode.SANDBOX)
    assert (await security.sec_01(ctx)).state is State.WARN
    ctx.options = dataclasses.replace(ctx.options, mode=Mode.SIM)
    with pytest.raises(NotApplicable):
        await security.sec_01(ctx)


async def test_sec_02_authenticates_and_records_it() -> None:
    ctx, *_ = context()
    outcome = await security.sec_02(ctx)
    assert outcome.state is State.PASS
    assert ctx.facts.authenticated
    assert outcome.measured["key"] == "…abcd"


async def test_sec_03_a_bad_secret_is_refused_once_and_filed_for_prd_09() -> None:
    ctx, *_ = context()
    ctx.facts.authenticated = True
    outcome = await security.sec_03(ctx)
    assert outcome.state is State.PASS, outcome.summary
    assert outcome.measured["sent"] == 1
    assert [e.provoked for e in ctx.facts.errors] == ["AuthenticationError"]
    assert ctx.factory.opened == [{"secret": True, "timeout_s": None}]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("permissions", "check", "state"),
    [
        (KeyPermissions(ip_restricted=True, withdrawals=True), "sec_04", State.FAIL),
        (KeyPermissions(ip_restricted=True, withdrawals=False), "sec_04", State.PASS),
        (KeyPermissions(ip_restricted=False, withdrawals=False), "sec_05", State.FAIL),
        (KeyPermissions(ip_restricted=None, withdrawals=False), "sec_05", State.WARN),
        (KeyPermissions(True, False, futures=True), "sec_06", State.FAIL),
        (KeyPermissions(True, False, margin=False, futures=False), "sec_06", State.PASS),
        (KeyPermissions(True, False, trading_expires_ms=NOW_MS + DAY_MS), "sec_07", State.FAIL),
        (
            KeyPermissions(True, False, trading_expires_ms=NOW_MS + 90 * DAY_MS),
            "sec_07",
            State.PASS,
        ),
    ],
)
async def test_key_permissions(permissions: KeyPermissions, check: str, state: State) -> None:
    ctx, _, extras, _ = context()
    ctx.facts.authenticated = True
    ctx.wall_ms = lambda: NOW_MS
    extras.permissions = permissions
    assert (await getattr(security, check)(ctx)).state is state


async def test_a_venue_that_cannot_tell_makes_sec_04_not_applicable() -> None:
    ctx, _, extras, _ = context()
    ctx.facts.authenticated = True
    extras.permissions = None
    with pytest.raises(NotApplicable, match="attest them by hand"):
        await security.sec_04(ctx)


async def test_sec_08_and_09_pin_hosts_and_transport() -> None:
    ctx, *_ = context()
    assert (await security.sec_08(ctx)).state is State.PASS
    assert (await security.sec_09(ctx)).state is State.PASS
    ctx.options = dataclasses.replace(ctx.options, mode=Mode.SANDBOX)
    outcome = await security.sec_08(ctx)
    assert outcome.summary == "sandbox mode calls hosts outside the venue's: api.binance.com"


async def test_sec_10_finds_each_secret_in_each_artefact_but_names_none() -> None:
    ctx, *_ = context()
    ctx.leak_sources = lambda: [("report", "all clean"), ("logs", "sig=canary-123456")]
    outcome = await security.sec_10(ctx)
    assert outcome.state is State.FAIL
    assert outcome.summary == "the canary appears in the logs"
    assert "canary-123456" not in outcome.summary
    ctx.leak_sources = lambda: [("journal", "apiKey=key-abcd"), ("report", "secret%2Dvalue")]
    outcome = await security.sec_10(ctx)
    assert outcome.problems == ("the api key appears in the journal",)
    ctx.leak_sources = lambda: [("report", "key …abcd only")]
    assert (await security.sec_10(ctx)).state is State.PASS
