import json
import stat
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lyrad.security.audit import AuditLog, AuditRecord
from lyrad.security.audit_verify import verify_audit
from lyrad.security.errors import AuditError, TokenError
from lyrad.security.roles import Role
from lyrad.security.tokens import AuthFailure, TokenRecord, TokenStore


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class BrokenAudit:
    def append(
        self, event: str, actor: str, details: Mapping[str, object] | None = None
    ) -> AuditRecord:
        raise AuditError("audit.jsonl: cannot append: No space left on device")


def _setup(tmp_path: Path) -> tuple[TokenStore, AuditLog, Clock]:
    clock = Clock()
    store = TokenStore(tmp_path / "tokens.json", now=clock, max_lifetime=timedelta(days=30))
    return store, AuditLog(tmp_path / "audit.jsonl", now=clock), clock


def test_a_created_token_authenticates_and_is_stored_only_as_a_digest(tmp_path: Path) -> None:
    store, audit, _ = _setup(tmp_path)
    issued = store.create(Role.TRADER, timedelta(days=1), "bot", audit=audit, actor="cli:root")
    record = store.authenticate(issued.token)
    assert isinstance(record, TokenRecord)
    assert record.role is Role.TRADER
    assert record.name == "bot"
    text = store.path.read_text()
    assert issued.token not in text
    assert issued.token.split("_")[2] not in text
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert issued.token not in repr(issued)
    (created,) = audit.read()
    assert created.event == "token_created"
    assert created.details["id"] == issued.record.id
    assert issued.token not in audit.path.read_text()


def test_expired_revoked_unknown_and_malformed_tokens_are_refused(tmp_path: Path) -> None:
    store, audit, clock = _setup(tmp_path)
    issued = store.create(Role.VIEWER, timedelta(hours=1), "", audit=audit, actor="cli")
    assert store.authenticate("garbage") is AuthFailure.MALFORMED
    forged = issued.token[:-4] + ("AAAA" if not issued.token.endswith("AAAA") else "BBBB")
    assert store.authenticate(forged) is AuthFailure.UNKNOWN
    clock.now += timedelta(hours=1)
    assert store.authenticate(issued.token) is AuthFailure.EXPIRED
    clock.now -= timedelta(minutes=1)
    assert isinstance(store.authenticate(issued.token), TokenRecord)
    store.revoke(issued.record.id, audit=audit, actor="cli")
    assert store.authenticate(issued.token) is AuthFailure.REVOKED
    assert [r.event for r in audit.read()] == ["token_created", "token_revoked"]
    assert [r.status(clock.now) for r in store.records()] == ["revoked"]


def test_changes_by_another_process_apply_without_a_restart(tmp_path: Path) -> None:
    store, audit, clock = _setup(tmp_path)
    daemon_view = TokenStore(store.path, now=clock, max_lifetime=timedelta(days=30))
    assert daemon_view.authenticate("lyrad_000000000000_" + "A" * 43) is AuthFailure.UNKNOWN
    issued = store.create(Role.ADMIN, timedelta(days=1), "ops", audit=audit, actor="cli")
    assert isinstance(daemon_view.authenticate(issued.token), TokenRecord)
    store.revoke(issued.record.id, audit=audit, actor="cli")
    assert daemon_view.authenticate(issued.token) is AuthFailure.REVOKED


@pytest.mark.parametrize(
    ("lifetime", "name", "message"),
    [
        (timedelta(0), "x", "more than 0s"),
        (timedelta(days=31), "x", "at most 30d"),
        (timedelta(days=1), "bad\nname", "token name"),
    ],
)
def test_bad_requests_leave_nothing_behind(
    tmp_path: Path, lifetime: timedelta, name: str, message: str
) -> None:
    store, audit, _ = _setup(tmp_path)
    with pytest.raises(TokenError, match=message):
        store.create(Role.VIEWER, lifetime, name, audit=audit, actor="cli")
    assert not store.path.exists()
    assert not audit.path.exists()


def test_no_token_exists_without_its_audit_record(tmp_path: Path) -> None:
    store, audit, _ = _setup(tmp_path)
    store.create(Role.VIEWER, timedelta(days=1), "first", audit=audit, actor="cli")
    before = store.path.read_bytes()
    with pytest.raises(AuditError):
        store.create(Role.ADMIN, timedelta(days=1), "second", audit=BrokenAudit(), actor="cli")
    assert store.path.read_bytes() == before
    (only,) = store.records()
    with pytest.raises(AuditError):
        store.revoke(only.id, audit=BrokenAudit(), actor="cli")
    assert store.records()[0].revoked_at is None
    assert verify_audit(audit.path).is_intact


def test_revoking_an_unknown_id_is_one_line(tmp_path: Path) -> None:
    store, audit, _ = _setup(tmp_path)
    with pytest.raises(TokenError) as info:
        store.revoke("deadbeef0000", audit=audit, actor="cli")
    assert str(info.value) == "no token with id 'deadbeef0000'"


def test_a_damaged_or_exposed_token_file_fails_closed(tmp_path: Path) -> None:
    store, audit, _ = _setup(tmp_path)
    issued = store.create(Role.VIEWER, timedelta(days=1), "", audit=audit, actor="cli")
    doc = json.loads(store.path.read_text())
    doc["tokens"][0]["role"] = "superuser"
    store.path.write_text(json.dumps(doc))
    with pytest.raises(TokenError, match="not a readable token file"):
        store.authenticate(issued.token)
    store.path.chmod(0o644)
    with pytest.raises(TokenError, match="chmod 600"):
        store.authenticate(issued.token)
