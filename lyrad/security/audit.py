"""The audit log: JSON lines, each carrying the hash of the one before; fsynced appends.

A `<log>.head` file beside the log holds the last record's number and hash, so records
cut from the end are noticed too. Any process may append: a file lock serializes writers.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

import structlog

from lyrad.security.errors import AuditError
from lyrad.security.redaction import Redactor
from lyrad.security.vault_format import canonical

GENESIS = "0" * 64
RECORD_FIELDS = frozenset({"seq", "ts", "event", "actor", "details", "prev", "hash"})
_TAIL_CHUNK = 4096
HEAD_BYTES = 128

Clock = Callable[[], datetime]

log = structlog.get_logger("lyrad.audit", component="audit")


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    ts: str
    event: str
    actor: str
    details: Mapping[str, Any]
    prev: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "ts": self.ts,
            "event": self.event,
            "actor": self.actor,
            "details": dict(self.details),
            "prev": self.prev,
            "hash": self.hash,
        }


class AuditSink(Protocol):
    """Where control actions and security events are recorded."""

    def append(
        self, event: str, actor: str, details: Mapping[str, object] | None = None
    ) -> AuditRecord: ...


def record_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 over the canonical JSON of every field but `hash`."""
    return hashlib.sha256(canonical({k: v for k, v in fields.items() if k != "hash"})).hexdigest()


def head_path(path: Path) -> Path:
    return path.with_name(path.name + ".head")


def to_json_value(value: object) -> Any:
    """Details as plain JSON: Decimals, enums, paths and datetimes become exact text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Enum):
        return to_json_value(value.value)
    if isinstance(value, Mapping):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json_value(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal | Path):
        return str(value)
    return str(value)


def format_ts(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class AuditLog:
    """Appends records durably; safe across threads and processes."""

    def __init__(self, path: Path, *, now: Clock, redactor: Redactor | None = None) -> None:
        self.path = path
        self._now = now
        self._redactor = redactor
        self._lock = threading.Lock()

    def append(
        self, event: str, actor: str, details: Mapping[str, object] | None = None
    ) -> AuditRecord:
        """Append one record and fsync it before returning; AuditError if it cannot be."""
        clean = self._mask(to_json_value(dict(details or {})))
        try:
            with self._lock:
                record = self._append_locked(event, self._mask(actor), clean)
        except OSError as e:
            raise AuditError(f"{self.path}: cannot append: {e.strerror or e}") from None
        # The journal (journald) gets each link too: an anchor outside the log's own disk.
        log.info("audit_appended", seq=record.seq, audit_event=event, hash=record.hash)
        return record

    def _mask(self, value: Any) -> Any:
        if self._redactor is None:
            return value
        if isinstance(value, str):
            return self._redactor.redact_text(value)
        if isinstance(value, dict):
            return {k: self._mask(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._mask(v) for v in value]
        return value

    def _append_locked(self, event: str, actor: str, details: dict[str, Any]) -> AuditRecord:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            seq, prev, torn = _tail(fd, self.path)
            pending: list[tuple[str, str, dict[str, Any]]] = []
            if torn:
                # A write cut short never returned to its caller (fsync comes first), so the
                # action it announced never ran; discard it, but say so in the chain.
                os.ftruncate(fd, os.fstat(fd).st_size - torn)
                pending.append(("audit_torn_tail_discarded", "lyrad", {"bytes": torn}))
            pending.append((event, actor, details))
            records: list[AuditRecord] = []
            for ev, who, det in pending:
                seq += 1
                records.append(self._build(seq, ev, who, det, prev))
                prev = records[-1].hash
            _write_all(fd, b"".join(canonical(r.to_json()) + b"\n" for r in records))
            os.fsync(fd)
            _write_head(self.path, seq, prev)
            return records[-1]
        finally:
            os.close(fd)

    def _build(
        self, seq: int, event: str, actor: str, details: dict[str, Any], prev: str
    ) -> AuditRecord:
        fields: dict[str, Any] = {
            "seq": seq,
            "ts": format_ts(self._now()),
            "event": event,
            "actor": actor,
            "details": details,
            "prev": prev,
        }
        return AuditRecord(**fields, hash=record_hash(fields))

    def read(self, after: int = 0, limit: int = 100) -> list[AuditRecord]:
        """Records with seq > `after`, at most `limit`, in order."""
        records: list[AuditRecord] = []
        try:
            with self.path.open("rb") as f:
                for number, line in enumerate(f, start=1):
                    if number <= after:
                        continue
                    records.append(_parse(line.rstrip(b"\n"), self.path, number))
                    if len(records) >= limit:
                        break
        except FileNotFoundError:
            return []
        except OSError as e:
            raise AuditError(f"{self.path}: cannot read: {e.strerror or e}") from None
        return records


def _write_head(path: Path, seq: int, last_hash: str) -> None:
    # Rewritten in place at a fixed size (one sector), so a crash cannot leave half of it.
    text = canonical({"seq": seq, "hash": last_hash})
    data = text.ljust(HEAD_BYTES - 1) + b"\n"
    fd = os.open(head_path(path), os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        os.pwrite(fd, data, 0)
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _tail(fd: int, path: Path) -> tuple[int, str, int]:
    """(last seq, last hash, length of an incomplete final line) of the open log."""
    size = os.fstat(fd).st_size
    buffer, end = b"", size
    last_nl = prev_nl = -1
    while end > 0:
        start = max(0, end - _TAIL_CHUNK)
        buffer = os.pread(fd, end - start, start) + buffer
        end = start
        last_nl = buffer.rfind(b"\n")
        prev_nl = buffer.rfind(b"\n", 0, max(last_nl, 0))
        if prev_nl >= 0:
            break
    torn = len(buffer) - (last_nl + 1)
    if last_nl < 0:
        return 0, GENESIS, torn
    last = _parse(buffer[prev_nl + 1 : last_nl], path, None)
    return last.seq, last.hash, torn


def _parse(line: bytes, path: Path, number: int | None) -> AuditRecord:
    where = f"line {number}" if number is not None else "the last record"
    try:
        obj = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise AuditError(f"{path}: {where} is not JSON; run `lyrad audit verify`") from None
    if not is_record_shape(obj):
        raise AuditError(f"{path}: {where} is not an audit record; run `lyrad audit verify`")
    return AuditRecord(**obj)


def is_record_shape(obj: object) -> bool:
    """The right fields with the right JSON types (the content is not checked)."""
    if not isinstance(obj, dict) or set(obj) != RECORD_FIELDS:
        return False
    texts = ("ts", "event", "actor", "prev", "hash")
    return (
        type(obj["seq"]) is int
        and all(isinstance(obj[k], str) for k in texts)
        and isinstance(obj["details"], dict)
    )
