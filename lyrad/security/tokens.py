"""API bearer tokens: shown once, stored only as SHA-256 digests, each with a role and expiry."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from lyrad.security.audit import AuditSink, format_ts
from lyrad.security.errors import InsecureFile, TokenError
from lyrad.security.files import atomic_write, exclusive_lock, require_private
from lyrad.security.roles import Role

TOKEN_PREFIX = "lyrad"  # noqa: S105  # the visible prefix, not a secret
_TOKEN = re.compile(r"^lyrad_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
_NAME = re.compile(r"^[A-Za-z0-9 ._@:-]{0,64}$")
FORMAT = "lyrad-tokens"

Clock = Callable[[], datetime]


class AuthFailure(StrEnum):
    MISSING = "missing"
    MALFORMED = "malformed"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class TokenRecord:
    id: str
    role: Role
    name: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    digest: str = field(default="", repr=False)

    def status(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if now >= self.expires_at else "active"

    def public_json(self, now: datetime) -> dict[str, Any]:
        """Everything but the digest."""
        return {
            "id": self.id,
            "role": self.role.value,
            "name": self.name,
            "created_at": format_ts(self.created_at),
            "expires_at": format_ts(self.expires_at),
            "revoked_at": format_ts(self.revoked_at) if self.revoked_at else None,
            "status": self.status(now),
        }


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str = field(repr=False)  # the only time it exists outside the holder's hands
    record: TokenRecord


def token_digest(token: str) -> str:
    # Tokens carry 256 random bits: a fast hash is enough, no password stretching needed.
    return hashlib.sha256(token.encode()).hexdigest()


def token_id_of(token: str) -> str | None:
    match = _TOKEN.match(token)
    return match.group(1) if match else None


def _parse_time(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("a time is text")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("a time needs a zone")
    return moment


def _record_from(obj: dict[str, Any]) -> TokenRecord:
    revoked = obj.get("revoked_at")
    return TokenRecord(
        id=str(obj["id"]),
        role=Role(obj["role"]),
        name=str(obj.get("name", "")),
        created_at=_parse_time(obj["created_at"]),
        expires_at=_parse_time(obj["expires_at"]),
        revoked_at=_parse_time(revoked) if revoked is not None else None,
        digest=str(obj["digest"]),
    )


def _record_json(record: TokenRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "role": record.role.value,
        "name": record.name,
        "created_at": format_ts(record.created_at),
        "expires_at": format_ts(record.expires_at),
        "revoked_at": format_ts(record.revoked_at) if record.revoked_at else None,
        "digest": record.digest,
    }


class TokenStore:
    """The token file, re-read whenever it changes so CLI changes apply without a restart."""

    def __init__(self, path: Path, *, now: Clock, max_lifetime: timedelta) -> None:
        self.path = path
        self._now = now
        self._max_lifetime = max_lifetime
        self._stamp: tuple[int, int, int, int] | None = None
        self._records: dict[str, TokenRecord] = {}

    def now(self) -> datetime:
        return self._now()

    def authenticate(self, token: str) -> TokenRecord | AuthFailure:
        """The token's record if it is known, unexpired and unrevoked; else why not."""
        token_id = token_id_of(token)
        if token_id is None:
            return AuthFailure.MALFORMED
        record = self._current().get(token_id)
        if record is None or not hmac.compare_digest(record.digest, token_digest(token)):
            return AuthFailure.UNKNOWN
        if record.revoked_at is not None:
            return AuthFailure.REVOKED
        if self._now() >= record.expires_at:
            return AuthFailure.EXPIRED
        return record

    def records(self) -> list[TokenRecord]:
        return sorted(self._current().values(), key=lambda r: (r.created_at, r.id))

    def create(
        self, role: Role, lifetime: timedelta, name: str, *, audit: AuditSink, actor: str
    ) -> IssuedToken:
        """Audit first, then store: a token never exists without its audit record."""
        if not timedelta(0) < lifetime <= self._max_lifetime:
            raise TokenError(f"a token lives more than 0s and at most {self._max_lifetime.days}d")
        if not _NAME.match(name):
            raise TokenError("a token name is at most 64 letters, digits, spaces or ._@:-")
        with exclusive_lock(self.path):
            records = self._load()
            token_id = secrets.token_hex(6)
            while token_id in records:
                token_id = secrets.token_hex(6)
            token = f"{TOKEN_PREFIX}_{token_id}_{secrets.token_urlsafe(32)}"
            now = self._now()
            record = TokenRecord(
                token_id, role, name, now, now + lifetime, None, token_digest(token)
            )
            audit.append(
                "token_created",
                actor,
                {"id": token_id, "role": role.value, "name": name, "expires_at": record.expires_at},
            )
            self._save({**records, token_id: record})
        return IssuedToken(token, record)

    def revoke(self, token_id: str, *, audit: AuditSink, actor: str) -> TokenRecord:
        with exclusive_lock(self.path):
            records = self._load()
            record = records.get(token_id)
            if record is None:
                raise TokenError(f"no token with id {token_id!r}")
            if record.revoked_at is not None:
                return record
            revoked = replace(record, revoked_at=self._now())
            audit.append("token_revoked", actor, {"id": token_id, "role": record.role.value})
            self._save({**records, token_id: revoked})
        return revoked

    def _current(self) -> dict[str, TokenRecord]:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self._stamp, self._records = None, {}
            return self._records
        except OSError as e:
            raise TokenError(f"{self.path}: cannot read: {e.strerror or e}") from None
        stamp = (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)
        if stamp != self._stamp:
            self._records = self._load()
            self._stamp = stamp
        return self._records

    def _load(self) -> dict[str, TokenRecord]:
        try:
            require_private(self.path)
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except InsecureFile as e:
            raise TokenError(str(e)) from None
        except OSError as e:
            raise TokenError(f"{self.path}: cannot read: {e.strerror or e}") from None
        try:
            doc = json.loads(raw)
            if doc.get("format") != FORMAT or doc.get("version") != 1:
                raise ValueError("not a token file")
            records = [_record_from(obj) for obj in doc["tokens"]]
        except (ValueError, KeyError, TypeError, AttributeError):
            raise TokenError(f"{self.path}: not a readable token file") from None
        return {r.id: r for r in records}

    def _save(self, records: dict[str, TokenRecord]) -> None:
        doc = {
            "format": FORMAT,
            "version": 1,
            "tokens": [_record_json(r) for r in sorted(records.values(), key=lambda r: r.id)],
        }
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write(self.path, json.dumps(doc, indent=1).encode() + b"\n")


def utc_now() -> datetime:
    """The wall clock, for the composition root and CLI to inject."""
    return datetime.now(UTC)
