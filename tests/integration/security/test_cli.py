"""The security subcommands run in-process: outputs, one-line refusals, no partial state."""

import io
import json
import sys
from pathlib import Path

import pytest

from lyrad.cli import run_cli
from lyrad.security.audit_verify import verify_audit
from tests.integration.security.conftest import PASSPHRASE, private_file

SECRET = "sk-live-cli-0123456789"


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    passphrase = private_file(tmp_path / "passphrase", PASSPHRASE.encode())
    monkeypatch.setenv("LYRAD_VAULT_PASSPHRASE_FILE", str(passphrase))
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    return {
        "vault": tmp_path / "vault.dat",
        "audit": tmp_path / "audit.jsonl",
        "tokens": tmp_path / "tokens.json",
        # scrypt at production cost takes a while; most tests open the vault with a key file
        "key": private_file(tmp_path / "vault.key", bytes(range(32))),
    }


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def vault(paths: dict[str, Path], *args: str, key: bool = True) -> int:
    where = ["--vault", str(paths["vault"]), "--audit", str(paths["audit"])]
    return run_cli(["vault", *args, *where, *(["--key-file", str(paths["key"])] if key else [])])


def test_vault_commands_round_trip(
    paths: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert vault(paths, "init") == 0
    _stdin(monkeypatch, SECRET.encode() + b"\n")
    assert vault(paths, "set", "binance/secret") == 0
    assert vault(paths, "get", "binance/secret") == 0
    assert vault(paths, "list") == 0
    assert vault(paths, "verify") == 0
    out = capsys.readouterr()
    assert SECRET not in out.out + out.err
    assert "binance/secret: set (22 characters); --reveal prints it" in out.out
    assert f"{paths['vault']}: 1 entries, all intact" in out.out
    assert vault(paths, "get", "binance/secret", "--reveal") == 0
    assert capsys.readouterr().out == SECRET + "\n"
    events = [json.loads(line)["event"] for line in paths["audit"].read_text().splitlines()]
    assert events == ["vault_created", "vault_entry_set", "vault_entry_revealed"]
    assert SECRET not in paths["audit"].read_text()


def test_refusals_are_one_line_and_change_nothing(
    paths: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert vault(paths, "init") == 0
    before = paths["vault"].read_bytes()
    audit_before = paths["audit"].read_bytes()
    capsys.readouterr()
    cases = [
        (("init",), "a vault already exists"),
        (("set", "bad name"), "is not a valid entry name"),
        (("get", "absent"), "no entry named 'absent'"),
        (("remove", "absent"), "no entry named 'absent'"),
    ]
    for args, message in cases:
        _stdin(monkeypatch, b"value\n")
        assert vault(paths, *args) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        assert message in err
    _stdin(monkeypatch, b"")
    assert vault(paths, "set", "empty") == 1
    assert "no value for 'empty' on standard input" in capsys.readouterr().err
    assert paths["vault"].read_bytes() == before
    assert paths["audit"].read_bytes() == audit_before


def test_a_wrong_passphrase_is_one_line(
    paths: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert vault(paths, "init", key=False) == 0
    wrong = private_file(paths["vault"].parent / "wrong", b"not the passphrase at all")
    monkeypatch.setenv("LYRAD_VAULT_PASSPHRASE_FILE", str(wrong))
    capsys.readouterr()
    assert vault(paths, "list", key=False) == 1
    assert capsys.readouterr().err == f"lyrad: {paths['vault']}: wrong passphrase for this vault\n"


def test_rotation_from_the_command_line(
    paths: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert vault(paths, "init") == 0
    _stdin(monkeypatch, b"kept-value\n")
    assert vault(paths, "set", "keep") == 0
    short = private_file(paths["vault"].parent / "short", b"too short")
    monkeypatch.setenv("LYRAD_VAULT_NEW_PASSPHRASE_FILE", str(short))
    assert vault(paths, "rotate-key") == 1
    assert "at least 12 characters" in capsys.readouterr().err
    new = private_file(paths["vault"].parent / "new", b"the brand new passphrase")
    monkeypatch.setenv("LYRAD_VAULT_NEW_PASSPHRASE_FILE", str(new))
    assert vault(paths, "rotate-key") == 0  # key file -> passphrase
    assert vault(paths, "list", key=False) == 1  # the old passphrase does not open it
    assert "wrong passphrase" in capsys.readouterr().err
    monkeypatch.setenv("LYRAD_VAULT_PASSPHRASE_FILE", str(new))
    other_key = paths["vault"].parent / "other.key"
    assert run_cli(["vault", "keygen", str(other_key)]) == 0
    assert vault(paths, "rotate-key", "--new-key-file", str(other_key), key=False) == 0
    capsys.readouterr()
    assert vault(paths, "get", "keep", "--reveal") == 1  # the first key is retired
    assert "wrong key" in capsys.readouterr().err
    paths["key"] = other_key
    assert vault(paths, "get", "keep", "--reveal") == 0
    assert capsys.readouterr().out == "kept-value\n"
    assert verify_audit(paths["audit"]).is_intact


def tokens(paths: dict[str, Path], *args: str) -> int:
    return run_cli(
        ["token", *args, "--tokens", str(paths["tokens"]), "--audit", str(paths["audit"])]
    )


def test_token_commands(paths: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert tokens(paths, "create", "--role", "operator", "--expires", "12h", "--name", "ops") == 0
    out = capsys.readouterr()
    token = out.out.strip()
    assert token.startswith("lyrad_")
    token_id = token.split("_")[1]
    assert f"token {token_id} (operator, expires " in out.err
    assert token not in paths["tokens"].read_text()
    assert tokens(paths, "list") == 0
    listing = capsys.readouterr().out
    assert token_id in listing
    assert "active" in listing
    assert token not in listing
    assert tokens(paths, "revoke", token_id) == 0
    assert tokens(paths, "list") == 0
    assert "revoked" in capsys.readouterr().out
    assert tokens(paths, "revoke", "ffffffffffff") == 1
    assert capsys.readouterr().err == "lyrad: no token with id 'ffffffffffff'\n"
    assert tokens(paths, "create", "--role", "admin", "--expires", "400d") == 1
    assert "at most 365d" in capsys.readouterr().err
    events = [json.loads(line)["event"] for line in paths["audit"].read_text().splitlines()]
    assert events == ["token_created", "token_revoked"]
    assert token not in paths["audit"].read_text()


@pytest.mark.parametrize(
    ("change", "broken"),
    [
        ("alter", 2),
        ("delete_first", 1),
        ("delete_middle", 2),
        ("delete_last", 3),
        ("reorder", 2),
    ],
)
def test_audit_verify_command(
    paths: dict[str, Path], capsys: pytest.CaptureFixture[str], change: str, broken: int
) -> None:
    for _ in range(3):
        assert tokens(paths, "create", "--role", "viewer", "--expires", "1h") == 0
    audit = ["audit", "verify", "--audit", str(paths["audit"])]
    capsys.readouterr()
    assert run_cli(audit) == 0
    assert capsys.readouterr().out == f"{paths['audit']}: 3 records, chain intact\n"
    a, b, c = paths["audit"].read_bytes().splitlines(keepends=True)
    changed = {
        "alter": a + b.replace(b'"role":"viewer"', b'"role":"admin"') + c,
        "delete_first": b + c,
        "delete_middle": a + c,
        "delete_last": a + b,
        "reorder": a + c + b,
    }[change]
    paths["audit"].write_bytes(changed)
    assert run_cli(audit) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"lyrad: audit: {paths['audit']}: record {broken}: "), err
    assert err.count("\n") == 1
