"""The security commands as real processes: vault, tokens, audit; refusals are one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SECRET = "sk-live-e2e-4f5a6b7c8d9e"


def lyrad(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lyrad", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
        start_new_session=True,  # no controlling terminal: nothing may prompt
    )


def _private(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    path.chmod(0o600)
    return path


def test_vault_with_a_passphrase(tmp_path: Path) -> None:
    env = {"LYRAD_VAULT_PASSPHRASE_FILE": str(_private(tmp_path / "pass", b"an e2e passphrase!"))}
    where = ("--vault", str(tmp_path / "vault.dat"), "--audit", str(tmp_path / "audit.jsonl"))
    assert lyrad("vault", "init", *where, env=env).returncode == 0
    stored = lyrad("vault", "set", "binance/secret", *where, stdin=SECRET + "\n", env=env)
    assert stored.returncode == 0, stored.stderr
    shown = lyrad("vault", "get", "binance/secret", *where, env=env)
    revealed = lyrad("vault", "get", "binance/secret", "--reveal", *where, env=env)
    assert revealed.stdout == SECRET + "\n"
    for result in (stored, shown):
        assert SECRET not in result.stdout + result.stderr
    assert (tmp_path / "vault.dat").stat().st_mode & 0o777 == 0o600
    assert SECRET not in (tmp_path / "vault.dat").read_text()
    assert SECRET not in (tmp_path / "audit.jsonl").read_text()

    wrong = {"LYRAD_VAULT_PASSPHRASE_FILE": str(_private(tmp_path / "bad", b"not the passphrase"))}
    refused = lyrad("vault", "list", *where, env=wrong)
    assert refused.returncode == 1
    assert refused.stderr == f"lyrad: {tmp_path / 'vault.dat'}: wrong passphrase for this vault\n"

    data = bytearray((tmp_path / "vault.dat").read_bytes())
    data[len(data) // 2] ^= 0x01
    (tmp_path / "vault.dat").write_bytes(bytes(data))
    damaged = lyrad("vault", "verify", *where, env=env)
    assert damaged.returncode == 1
    assert damaged.stderr.count("\n") == 1
    assert "vault file is damaged or altered (checksum mismatch)" in damaged.stderr
    assert "Traceback" not in damaged.stderr


def test_several_cli_writers_at_once(tmp_path: Path) -> None:
    key = tmp_path / "vault.key"
    vault, audit = str(tmp_path / "vault.dat"), str(tmp_path / "audit.jsonl")
    where = ("--vault", vault, "--audit", audit, "--key-file", str(key))
    assert lyrad("vault", "keygen", str(key)).returncode == 0
    assert lyrad("vault", "init", *where).returncode == 0
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "lyrad", "vault", "set", f"entry{i}", *where],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for i in range(4)
    ]
    for i, writer in enumerate(writers):
        _, err = writer.communicate(f"value-{i}\n", timeout=60)
        assert writer.returncode == 0, err
    listing = lyrad("vault", "list", *where)
    assert listing.stdout.split() == [f"entry{i}" for i in range(4)]
    verified = lyrad("audit", "verify", "--audit", str(tmp_path / "audit.jsonl"))
    assert verified.stdout.endswith("5 records, chain intact\n")


def test_tokens_and_a_tampered_audit_log(tmp_path: Path) -> None:
    where = ("--tokens", str(tmp_path / "tokens.json"), "--audit", str(tmp_path / "audit.jsonl"))
    created = lyrad("token", "create", "--role", "trader", "--expires", "1h", *where)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    token_id = token.split("_")[1]
    assert "shown only this once" in created.stderr
    assert token not in (tmp_path / "tokens.json").read_text()
    assert lyrad("token", "revoke", token_id, *where).returncode == 0
    listing = lyrad("token", "list", *where).stdout
    assert token_id in listing
    assert "revoked" in listing
    assert token not in listing
    bad = lyrad("token", "create", "--role", "root", "--expires", "1h", *where)
    assert bad.returncode == 2  # argparse usage error
    assert "invalid choice: 'root'" in bad.stderr

    audit = tmp_path / "audit.jsonl"
    records = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [r["event"] for r in records] == ["token_created", "token_revoked"]
    records[0]["details"]["role"] = "admin"
    audit.write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records))
    verdict = lyrad("audit", "verify", "--audit", str(audit))
    assert verdict.returncode == 1
    assert (
        verdict.stderr
        == f"lyrad: audit: {audit}: record 1: its content does not match its hash (altered)\n"
    )
