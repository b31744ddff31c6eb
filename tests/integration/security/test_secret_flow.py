"""Secrets resolved through the vault never reach a log line, an API answer or the audit log."""

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import structlog
from pydantic import BaseModel

from lyrad.config.types import Secret
from lyrad.domain.values import Position
from lyrad.http.control_plane import ControlStatus, ReloadOutcome, Unavailable
from lyrad.logging import configure_logging
from lyrad.security.audit_verify import verify_audit
from lyrad.security.config import AuditConfig, ControlConfig, VaultConfig
from lyrad.security.keys import RawKey
from lyrad.security.redaction import Redactor
from lyrad.security.roles import Role
from lyrad.security.startup import start_security
from lyrad.security.vault import Vault
from lyrad.trading.state import TradingState
from tests.integration.http.control_support import control_harness
from tests.integration.http.fake_plane import FakeControlPlane
from tests.integration.security.conftest import FAST, private_file

API_SECRET = "Zq9-venue-api-secret-5f3e2d1c"
API_KEY = "AKIA-venue-key-77aa88bb"


class Venue(BaseModel):
    api_key: Secret
    secret: Secret


class Config(BaseModel):
    venues: dict[str, Venue]


@dataclass
class LeakyPlane(FakeControlPlane):
    """A plane whose every answer and error echoes the venue's secret, as a careless venue might."""

    async def status(self) -> ControlStatus:
        return ControlStatus(
            TradingState.ACTIVE, f"venue said key={API_KEY}", True, {"venue": API_SECRET}
        )

    async def positions(self) -> Sequence[Position]:
        raise RuntimeError(f"signature mismatch for secret {API_SECRET}")

    async def reload(self) -> ReloadOutcome:
        return ReloadOutcome(False, f"venues.x.secret: {API_SECRET} is not valid")


async def test_vault_secrets_never_leave_the_process(tmp_path: Path) -> None:
    key = private_file(tmp_path / "vault.key", bytes(range(32)))
    vault_path = tmp_path / "vault.dat"
    vault = Vault.create(vault_path, RawKey(bytes(range(32))), FAST)
    vault.set("binance/secret", API_SECRET)
    vault.set("binance/key", API_KEY)
    config = Config.model_validate(
        {"venues": {"binance": {"api_key": "vault:binance/key", "secret": "vault:binance/secret"}}}
    )
    stream = io.StringIO()
    redactor = Redactor()
    configure_logging(level="debug", fmt="json", redactor=redactor, stream=stream)
    control = ControlConfig(tokens_path=tmp_path / "tokens.json")
    services = start_security(
        config,
        vault=VaultConfig(path=vault_path, key_file=key),
        control=control,
        audit=AuditConfig(path=tmp_path / "audit.jsonl"),
        redactor=redactor,
        environ={},
    )
    assert services.secrets == {
        "venues.binance.api_key": API_KEY,
        "venues.binance.secret": API_SECRET,
    }
    assert API_SECRET not in repr(services)
    structlog.get_logger("lyrad.test").info("venue_login", detail=f"using {API_SECRET}")

    answers: list[str] = []
    async with control_harness(
        tmp_path, config=control, plane=LeakyPlane(), redactor=redactor, capture_logs=False
    ) as h:
        for method, path, body in [
            ("GET", "/v1/status", None),
            ("GET", "/v1/positions", None),
            ("POST", "/v1/reload", None),
            ("POST", "/v1/halt", {"reason": f"pasted {API_SECRET} by mistake"}),
        ]:
            status, answer = await h.call(method, path, role=Role.OPERATOR, body=body)
            answers.append(f"{status} {json.dumps(answer)}")
        h.plane.fail_with = Unavailable(f"venue rejected {API_KEY}")
        answers.append(str(await h.call("POST", "/v1/resume", role=Role.OPERATOR)))
        status, audit_page = await h.call("GET", "/v1/audit?limit=100", role=Role.AUDITOR)
        answers.append(json.dumps(audit_page))

    everything = "\n".join(answers)
    assert "[REDACTED]" in everything  # the answers were there, masked
    assert answers[1].startswith("500 ")
    audit_bytes = (tmp_path / "audit.jsonl").read_text()
    logs = stream.getvalue()
    assert "vault_unlocked" in audit_bytes
    assert "signature mismatch" in logs  # the 500 was logged, masked
    for secret in (API_SECRET, API_KEY):
        assert secret not in everything
        assert secret not in audit_bytes
        assert secret not in logs
    assert verify_audit(tmp_path / "audit.jsonl").is_intact
