import json
from pathlib import Path

import pytest
from pydantic import BaseModel

from lyrad.config.types import Secret
from lyrad.security.audit_verify import verify_audit
from lyrad.security.config import AuditConfig, ControlConfig, VaultConfig
from lyrad.security.errors import KeyUnavailable, SecretUnavailable, TokenError, WrongKey
from lyrad.security.keys import RawKey
from lyrad.security.redaction import MASK, Redactor
from lyrad.security.startup import start_security
from lyrad.security.vault import Vault
from tests.integration.security.conftest import FAST, private_file


class Config(BaseModel):
    secret: Secret | None = None


def _start(tmp_path: Path, config: Config, environ: dict[str, str], key: Path | None) -> Redactor:
    redactor = Redactor()
    start_security(
        config,
        vault=VaultConfig(path=tmp_path / "vault.dat", key_file=key),
        control=ControlConfig(tokens_path=tmp_path / "tokens.json"),
        audit=AuditConfig(path=tmp_path / "audit.jsonl"),
        redactor=redactor,
        environ=environ,
    )
    return redactor


def _events(tmp_path: Path) -> list[str]:
    path = tmp_path / "audit.jsonl"
    if not path.exists():
        return []
    return [json.loads(line)["event"] for line in path.read_text().splitlines()]


def test_every_vault_entry_is_registered_even_unreferenced_ones(tmp_path: Path) -> None:
    key = private_file(tmp_path / "k", b"k" * 32)
    vault = Vault.create(tmp_path / "vault.dat", RawKey(b"k" * 32), FAST)
    vault.set("used", "used-secret-value")
    vault.set("spare", "spare-secret-value")
    redactor = _start(tmp_path, Config(secret="vault:used"), {}, key)
    assert redactor.redact_text("spare-secret-value used-secret-value") == f"{MASK} {MASK}"
    assert _events(tmp_path) == ["vault_unlocked"]


def test_without_vault_references_the_vault_is_left_alone(tmp_path: Path) -> None:
    redactor = _start(tmp_path, Config(secret="env:X_SECRET"), {"X_SECRET": "env-secret-1"}, None)
    assert redactor.redact_text("env-secret-1") == MASK
    assert _events(tmp_path) == []


def test_a_failed_unlock_is_audited_and_stops_the_start(tmp_path: Path) -> None:
    Vault.create(tmp_path / "vault.dat", RawKey(b"k" * 32), FAST)
    wrong = private_file(tmp_path / "wrong", b"w" * 32)
    with pytest.raises(WrongKey):
        _start(tmp_path, Config(secret="vault:x"), {}, wrong)
    with pytest.raises(KeyUnavailable):
        _start(tmp_path, Config(secret="vault:x"), {}, None)
    assert _events(tmp_path) == ["vault_unlock_failed", "vault_unlock_failed"]
    assert verify_audit(tmp_path / "audit.jsonl").is_intact


def test_a_missing_secret_or_token_file_problem_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(SecretUnavailable, match="secret: secret env:NOPE"):
        _start(tmp_path, Config(secret="env:NOPE"), {}, None)
    (tmp_path / "tokens.json").write_text("garbage")
    (tmp_path / "tokens.json").chmod(0o600)
    with pytest.raises(TokenError, match="not a readable token file"):
        _start(tmp_path, Config(), {}, None)
