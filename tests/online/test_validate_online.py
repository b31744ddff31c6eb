"""`lyrad validate` against a real exchange sandbox (opt-in: `make online`, marker `online`).

Binance's spot testnet (https://testnet.binance.vision) with the daemon's own adapter. Public
checks need nothing; the order lifecycle needs a testnet key in the environment:
LYRAD_ONLINE_BINANCE_TESTNET_KEY and LYRAD_ONLINE_BINANCE_TESTNET_SECRET.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from lyrad.security.redaction import Redactor
from lyrad.validate.context import Mode, RunOptions
from lyrad.validate.deviations import load_deviations
from lyrad.validate.model import State
from lyrad.validate.scoring import Verdict
from lyrad.validate.session import Session, SessionResult, run_session
from lyrad.validate.wiring import VenueAccess

pytestmark = pytest.mark.online

TESTNET = "https://testnet.binance.vision"
KEY_ENV, SECRET_ENV = "LYRAD_ONLINE_BINANCE_TESTNET_KEY", "LYRAD_ONLINE_BINANCE_TESTNET_SECRET"


async def _run(
    tmp_path: Path, key: str | None, secret: str | None, **flags: object
) -> SessionResult:
    access = VenueAccess("binance-testnet", "binance", TESTNET, key, secret, None, 10.0)
    redactor = Redactor()
    for value in (key, secret):
        if value:
            redactor.register(value)
    options = RunOptions(
        venue="binance-testnet",
        exchange="binance",
        symbol="BTC/USDT",
        mode=Mode.SANDBOX,
        has_credentials=access.has_credentials,
        credential_source="env",
        key_id=access.key_id,
        **flags,  # type: ignore[arg-type]
    )
    session = Session(
        options=options,
        access=access,
        report_dir=tmp_path,
        deviations=load_deviations("binance"),
        redactor=redactor,
    )
    return await run_session(session)


async def test_public_checks_against_the_binance_testnet(tmp_path: Path) -> None:
    result = await _run(tmp_path, None, None, read_only=True)
    states = {r.spec.id: r.state for r in result.results}
    assert states["TEC-01"] is State.PASS
    assert states["TEC-06"] is State.PASS
    assert State.ERROR not in states.values()
    assert result.card.verdict is Verdict.INCOMPLETE


async def test_the_order_lifecycle_on_the_binance_testnet(tmp_path: Path) -> None:
    key, secret = os.environ.get(KEY_ENV), os.environ.get(SECRET_ENV)
    if not (key and secret):
        pytest.skip(f"set {KEY_ENV} and {SECRET_ENV} to a Binance spot testnet key")
    result = await _run(tmp_path, key, secret, max_notional=Decimal(20))
    states = {r.spec.id: r.state for r in result.results}
    assert states["SEC-02"] is State.PASS
    assert states["TRD-02"] is State.PASS
    assert states["TRD-06"] is State.PASS
    assert states["TRD-18"] is State.PASS  # nothing of the run left open
    assert State.ERROR not in states.values()
    text = result.paths["json"].read_text(encoding="utf-8")
    assert key not in text
    assert secret not in text
