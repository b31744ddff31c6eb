"""`lyrad audit verify`: walk the chain and name the first record that breaks it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from lyrad.security.audit import GENESIS, head_path, is_record_shape, record_hash
from lyrad.security.vault_format import canonical


@dataclass(frozen=True, slots=True)
class AuditVerdict:
    records: int  # records that verified before the break (all of them when intact)
    broken_at: int | None  # 1-based record (line) number of the first break
    reason: str | None

    @property
    def is_intact(self) -> bool:
        return self.reason is None


class _Broken(Exception):
    def __init__(self, number: int, reason: str) -> None:
        super().__init__(reason)
        self.number = number
        self.reason = reason


def verify_audit(path: Path) -> AuditVerdict:
    """Check every link, every hash and the head; never raises for a damaged log."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return AuditVerdict(0, None, f"{path}: no audit log here")
    except OSError as e:
        return AuditVerdict(0, None, f"{path}: cannot read: {e.strerror or e}")
    lines = data.split(b"\n")
    complete, torn = lines[:-1], lines[-1]
    hashes: list[str] = []
    try:
        for number, line in enumerate(complete, start=1):
            hashes.append(_check_line(line, number, hashes[-1] if hashes else GENESIS))
        if torn:
            raise _Broken(len(complete) + 1, "an incomplete record at the end (a torn write)")
        _check_head(path, hashes)
    except _Broken as e:
        return AuditVerdict(e.number - 1, e.number, f"record {e.number}: {e.reason}")
    return AuditVerdict(len(hashes), None, None)


def _check_line(line: bytes, number: int, prev: str) -> str:
    try:
        obj = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _Broken(number, "not valid JSON (altered)") from None
    if not is_record_shape(obj) or canonical(obj) != line:
        raise _Broken(number, "not a well-formed audit record (altered)")
    if record_hash(obj) != obj["hash"]:
        raise _Broken(number, "its content does not match its hash (altered)")
    if obj["seq"] != number:
        raise _Broken(
            number,
            f"numbered {obj['seq']} at position {number} (records deleted, inserted or moved)",
        )
    if obj["prev"] != prev:
        raise _Broken(number, "does not follow the record before it (deleted, inserted or moved)")
    hash_: str = obj["hash"]
    return hash_


def _check_head(path: Path, hashes: list[str]) -> None:
    last = len(hashes)
    where = head_path(path)
    try:
        head = json.loads(where.read_bytes())
    except FileNotFoundError:
        if last == 0:
            return
        raise _Broken(last, f"the head file {where} is missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise _Broken(last, f"the head file {where} is unreadable") from None
    seq, hash_ = (head.get("seq"), head.get("hash")) if isinstance(head, dict) else (None, None)
    if type(seq) is not int or not isinstance(hash_, str) or seq < 0:
        raise _Broken(last, f"the head file {where} is malformed")
    if seq > last:
        raise _Broken(last + 1, f"missing: the log ends at {last} but its head says {seq}")
    # A head one record behind is what a crash between the record's fsync and the head's leaves.
    if seq < last - 1:
        raise _Broken(seq + 1, f"the head says the log ends at {seq}, but it goes on to {last}")
    if seq > 0 and hashes[seq - 1] != hash_:
        raise _Broken(seq, "its hash differs from the head's (the end was rewritten)")
