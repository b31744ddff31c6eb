import json
import stat
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lyrad.security.audit import AuditLog, head_path, record_hash
from lyrad.security.audit_verify import verify_audit
from lyrad.security.errors import AuditError
from lyrad.security.redaction import MASK, Redactor
from lyrad.security.vault_format import canonical

RECORDS = 5


def fixed_now() -> datetime:
    return datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def _log(tmp_path: Path, redactor: Redactor | None = None) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl", now=fixed_now, redactor=redactor)


def _filled(tmp_path: Path) -> tuple[AuditLog, list[bytes]]:
    log = _log(tmp_path)
    for i in range(RECORDS):
        log.append("halt", f"token:{i:012x}", {"flatten": i % 2 == 0, "n": i})
    return log, log.path.read_bytes().splitlines(keepends=True)


def test_appends_chain_and_verify(tmp_path: Path) -> None:
    log, lines = _filled(tmp_path)
    assert len(lines) == RECORDS
    records = [json.loads(line) for line in lines]
    assert [r["seq"] for r in records] == [1, 2, 3, 4, 5]
    assert records[0]["prev"] == "0" * 64
    assert all(records[i]["prev"] == records[i - 1]["hash"] for i in range(1, RECORDS))
    assert records[0]["ts"] == "2025-01-02T03:04:05.000Z"
    verdict = verify_audit(log.path)
    assert verdict.is_intact
    assert verdict.records == RECORDS
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    assert json.loads(head_path(log.path).read_bytes()) == {"seq": 5, "hash": records[-1]["hash"]}
    assert [r.seq for r in log.read(after=2, limit=2)] == [3, 4]


def _write(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(lines))


@pytest.mark.parametrize("index", range(RECORDS))
def test_altering_any_record_is_detected(tmp_path: Path, index: int) -> None:
    log, lines = _filled(tmp_path)
    record = json.loads(lines[index])
    record["details"]["flatten"] = not record["details"]["flatten"]
    _write(log.path, [*lines[:index], canonical(record) + b"\n", *lines[index + 1 :]])
    verdict = verify_audit(log.path)
    assert verdict.broken_at == index + 1
    assert verdict.reason == f"record {index + 1}: its content does not match its hash (altered)"


@pytest.mark.parametrize("index", range(RECORDS))
def test_altering_a_record_and_its_hash_is_detected(tmp_path: Path, index: int) -> None:
    log, lines = _filled(tmp_path)
    record = json.loads(lines[index])
    record["actor"] = "someone-else"
    record["hash"] = record_hash(record)
    _write(log.path, [*lines[:index], canonical(record) + b"\n", *lines[index + 1 :]])
    verdict = verify_audit(log.path)
    # The next record's link breaks; for the last one, the head does.
    assert verdict.broken_at == min(index + 2, RECORDS)
    assert not verdict.is_intact


@pytest.mark.parametrize("index", range(RECORDS))
def test_deleting_any_record_is_detected(tmp_path: Path, index: int) -> None:
    log, lines = _filled(tmp_path)
    _write(log.path, [*lines[:index], *lines[index + 1 :]])
    verdict = verify_audit(log.path)
    assert verdict.broken_at == index + 1
    assert verdict.reason is not None
    assert verdict.reason.startswith(f"record {index + 1}: ")


@pytest.mark.parametrize("index", range(RECORDS - 1))
def test_reordering_records_is_detected(tmp_path: Path, index: int) -> None:
    log, lines = _filled(tmp_path)
    swapped = list(lines)
    swapped[index], swapped[index + 1] = swapped[index + 1], swapped[index]
    _write(log.path, swapped)
    verdict = verify_audit(log.path)
    assert verdict.broken_at == index + 1


def test_whitespace_or_case_changes_are_detected(tmp_path: Path) -> None:
    log, lines = _filled(tmp_path)
    _write(log.path, [lines[0].replace(b'"seq":1', b'"seq": 1'), *lines[1:]])
    assert verify_audit(log.path).broken_at == 1


def test_deleting_everything_or_the_head_is_detected(tmp_path: Path) -> None:
    log, _ = _filled(tmp_path)
    log.path.write_bytes(b"")
    assert (
        verify_audit(log.path).reason == "record 1: missing: the log ends at 0 but its head says 5"
    )
    (tmp_path / "again").mkdir()
    other, _ = _filled(tmp_path / "again")
    head_path(other.path).unlink()
    assert "head file" in (verify_audit(other.path).reason or "")
    assert verify_audit(tmp_path / "absent.jsonl").reason == (
        f"{tmp_path / 'absent.jsonl'}: no audit log here"
    )


def test_a_torn_tail_is_reported_then_discarded_in_the_chain(tmp_path: Path) -> None:
    log, _lines = _filled(tmp_path)
    with log.path.open("ab") as f:
        f.write(b'{"seq":6,"ts":"2025-')
    assert verify_audit(log.path).broken_at == RECORDS + 1
    record = log.append("resume", "token:abc")
    assert record.seq == RECORDS + 2
    events = [json.loads(line)["event"] for line in log.path.read_bytes().splitlines()]
    assert events[-2:] == ["audit_torn_tail_discarded", "resume"]
    assert verify_audit(log.path).is_intact


def test_secrets_in_details_are_masked(tmp_path: Path) -> None:
    redactor = Redactor()
    redactor.register("sk-live-supersecret")
    log = _log(tmp_path, redactor)
    log.append(
        "reload", "cli:op", {"note": "echo sk-live-supersecret", "nested": ["sk-live-supersecret"]}
    )
    text = log.path.read_text()
    assert "sk-live-supersecret" not in text
    assert MASK in text
    assert verify_audit(log.path).is_intact


def test_an_unwritable_log_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "audit.jsonl").mkdir()  # (tests may run as root: permissions would not stop it)
    log = AuditLog(tmp_path / "audit.jsonl", now=fixed_now)
    with pytest.raises(AuditError) as info:
        log.append("halt", "x")
    assert "cannot append" in str(info.value)
    assert "\n" not in str(info.value)


APPENDER = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from lyrad.security.audit import AuditLog
log = AuditLog(Path(sys.argv[1]), now=lambda: datetime.now(UTC))
for i in range(int(sys.argv[2])):
    log.append("auth_failed", f"proc{sys.argv[3]}", {"i": i})
"""


def test_threads_and_processes_appending_at_once_keep_one_chain(tmp_path: Path) -> None:
    log = _log(tmp_path)
    procs = [
        subprocess.Popen([sys.executable, "-c", APPENDER, str(log.path), "10", str(p)])
        for p in range(3)
    ]
    threads = [
        threading.Thread(target=lambda: [log.append("halt", "thread") for _ in range(10)])
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [p.wait() for p in procs] == [0, 0, 0]
    verdict = verify_audit(log.path)
    assert verdict.is_intact, verdict.reason
    assert verdict.records == 60
