import os
import stat
from pathlib import Path

import pytest

from lyrad.security.errors import (
    EntryNotFound,
    InsecureFile,
    KeyUnavailable,
    VaultCorrupt,
    VaultError,
    VaultExists,
    VaultNotFound,
    VaultTampered,
    WrongKey,
)
from lyrad.security.key_sources import KeySources
from lyrad.security.keys import Passphrase, RawKey
from lyrad.security.vault import Vault, generate_key_file
from tests.integration.security.conftest import FAST, private_file

SECRET = "sk-live-0123456789abcdef"


def test_round_trip_with_a_passphrase(
    tmp_path: Path, passphrase: Passphrase, passphrase_sources: KeySources
) -> None:
    path = tmp_path / "vault.dat"
    Vault.create(path, passphrase, FAST).set("binance/secret", SECRET)
    vault = Vault.open(path, passphrase_sources)
    assert vault.names() == ["binance/secret"]
    assert vault.get("binance/secret") == SECRET
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SECRET.encode() not in path.read_bytes()
    assert b"binance/secret" in path.read_bytes()  # names are visible; values are not


def test_set_replaces_and_remove_deletes(tmp_path: Path, passphrase: Passphrase) -> None:
    path = tmp_path / "vault.dat"
    vault = Vault.create(path, passphrase, FAST)
    vault.set("a", "first-value")
    vault.set("a", "second-value")
    vault.set("b", "other-value")
    vault.remove("a")
    reopened = Vault.open(path, KeySources(prompt=lambda _: PASSPHRASE_TEXT))
    assert reopened.names() == ["b"]
    with pytest.raises(EntryNotFound, match="no entry named 'a'"):
        reopened.get("a")
    with pytest.raises(EntryNotFound):
        reopened.remove("a")


PASSPHRASE_TEXT = "correct horse battery staple"


def test_round_trip_with_a_key_file(tmp_path: Path) -> None:
    key_file = tmp_path / "vault.key"
    generate_key_file(key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_bytes()) == 32
    sources = KeySources(key_file=key_file)
    path = tmp_path / "vault.dat"
    Vault.create(path, sources.raw_key(), FAST).set("x", "value-x")
    assert Vault.open(path, sources).get("x") == "value-x"
    with pytest.raises(VaultExists):
        generate_key_file(key_file)


def test_hex_key_file_and_systemd_credential_are_accepted(tmp_path: Path) -> None:
    raw = os.urandom(32)
    creds = tmp_path / "creds"
    creds.mkdir()
    private_file(creds / "vault-key", raw.hex().encode() + b"\n")
    sources = KeySources.from_environment(
        {"CREDENTIALS_DIRECTORY": str(creds)}, key_file=None, credential="vault-key", prompt=None
    )
    assert sources.raw_key() == RawKey(raw)
    path = tmp_path / "vault.dat"
    Vault.create(path, RawKey(raw), FAST).set("x", "value-x")
    assert Vault.open(path, sources).get("x") == "value-x"


def test_wrong_passphrase_fails_closed_with_one_line(
    tmp_path: Path, passphrase: Passphrase
) -> None:
    path = tmp_path / "vault.dat"
    Vault.create(path, passphrase, FAST).set("x", SECRET)
    wrong = KeySources(prompt=lambda _: "correct horse battery stapler")
    with pytest.raises(WrongKey) as info:
        Vault.open(path, wrong)
    assert str(info.value) == f"{path}: wrong passphrase for this vault"


def test_wrong_key_file_fails_closed(tmp_path: Path) -> None:
    path = tmp_path / "vault.dat"
    Vault.create(path, RawKey(b"a" * 32), FAST)
    other = private_file(tmp_path / "other.key", b"b" * 32)
    with pytest.raises(WrongKey, match="wrong key for this vault"):
        Vault.open(path, KeySources(key_file=other))


def test_a_key_vault_without_a_key_source_says_where_to_put_one(tmp_path: Path) -> None:
    path = tmp_path / "vault.dat"
    Vault.create(path, RawKey(b"a" * 32), FAST)
    with pytest.raises(KeyUnavailable, match="key_file"):
        Vault.open(path, KeySources(prompt=lambda _: "anything"))


def test_bad_key_files_are_refused(tmp_path: Path) -> None:
    short = private_file(tmp_path / "short.key", b"x" * 31)
    with pytest.raises(KeyUnavailable, match="exactly 32 bytes"):
        KeySources(key_file=short).raw_key()
    loose = tmp_path / "loose.key"
    loose.write_bytes(b"x" * 32)
    loose.chmod(0o644)
    with pytest.raises(InsecureFile, match="chmod 600"):
        KeySources(key_file=loose).raw_key()
    with pytest.raises(KeyUnavailable, match="does not exist"):
        KeySources(key_file=tmp_path / "absent").raw_key()


def test_missing_and_existing_vaults(tmp_path: Path, passphrase: Passphrase) -> None:
    path = tmp_path / "sub" / "vault.dat"
    with pytest.raises(VaultNotFound, match="lyrad vault init"):
        Vault.open(path, KeySources(prompt=lambda _: PASSPHRASE_TEXT))
    Vault.create(path, passphrase, FAST).set("keep", "kept-value")
    before = path.read_bytes()
    with pytest.raises(VaultExists):
        Vault.create(path, passphrase, FAST)
    assert path.read_bytes() == before


def test_a_vault_readable_by_others_is_refused(tmp_path: Path, passphrase: Passphrase) -> None:
    path = tmp_path / "vault.dat"
    Vault.create(path, passphrase, FAST)
    path.chmod(0o640)
    with pytest.raises(InsecureFile, match="mode 0640"):
        Vault.open(path, KeySources(prompt=lambda _: PASSPHRASE_TEXT))


@pytest.mark.parametrize("name", ["", "../x", "a b", "-a", "x" * 129, "é"])
def test_bad_names_and_values_leave_the_file_unchanged(
    tmp_path: Path, passphrase: Passphrase, name: str
) -> None:
    path = tmp_path / "vault.dat"
    vault = Vault.create(path, passphrase, FAST)
    before = path.read_bytes()
    with pytest.raises(VaultError, match="not a valid entry name"):
        vault.set(name, "value")
    with pytest.raises(VaultError, match="1 to 65536 bytes"):
        vault.set("ok", "")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def _small_vault(tmp_path: Path, passphrase: Passphrase) -> tuple[Path, bytes]:
    path = tmp_path / "vault.dat"
    vault = Vault.create(path, passphrase, FAST)
    vault.set("a", "alpha-secret")
    vault.set("b/c", "beta-secret")
    return path, path.read_bytes()


def test_every_flipped_byte_anywhere_is_detected(tmp_path: Path, passphrase: Passphrase) -> None:
    path, original = _small_vault(tmp_path, passphrase)
    sources = KeySources(prompt=lambda _: PASSPHRASE_TEXT)
    assert Vault.open(path, sources).get("a") == "alpha-secret"
    kinds: set[type[VaultError]] = set()
    for offset in range(len(original)):
        for mask in (0x01, 0x20, 0x80):
            damaged = bytearray(original)
            damaged[offset] ^= mask
            path.write_bytes(bytes(damaged))
            with pytest.raises(VaultError) as info:
                Vault.open(path, sources)
            assert "\n" not in str(info.value)
            assert "alpha-secret" not in str(info.value)
            kinds.add(type(info.value))
    # Damage is found before the key is used; only a changed seal MAC needs the key.
    assert kinds == {VaultCorrupt, VaultTampered}
    path.write_bytes(original)
    assert Vault.open(path, sources).get("b/c") == "beta-secret"


def test_truncated_or_extended_files_are_detected(tmp_path: Path, passphrase: Passphrase) -> None:
    path, original = _small_vault(tmp_path, passphrase)
    sources = KeySources(prompt=lambda _: PASSPHRASE_TEXT)
    for damaged in (original[:-1], original[: len(original) // 2], original + b"\n", b""):
        path.write_bytes(damaged)
        with pytest.raises(VaultCorrupt):
            Vault.open(path, sources)


def test_rotation_keeps_every_entry_and_retires_the_old_key(
    tmp_path: Path, passphrase: Passphrase
) -> None:
    path, _ = _small_vault(tmp_path, passphrase)
    old = KeySources(prompt=lambda _: PASSPHRASE_TEXT)
    vault = Vault.open(path, old)
    vault.rotate(Passphrase(b"a whole new passphrase"), FAST)
    with pytest.raises(WrongKey):
        Vault.open(path, old)
    new = Vault.open(path, KeySources(prompt=lambda _: "a whole new passphrase"))
    assert {n: new.get(n) for n in new.names()} == {"a": "alpha-secret", "b/c": "beta-secret"}
    # and on to a key file, then back to a passphrase
    key = RawKey(os.urandom(32))
    new.rotate(key, FAST)
    key_file = private_file(tmp_path / "k", key.value)
    by_key = Vault.open(path, KeySources(key_file=key_file))
    assert by_key.verify() == 2
    by_key.rotate(passphrase, FAST)
    assert Vault.open(path, old).get("a") == "alpha-secret"


def test_a_writer_with_a_stale_key_is_refused_after_rotation(
    tmp_path: Path, passphrase: Passphrase
) -> None:
    path, _ = _small_vault(tmp_path, passphrase)
    sources = KeySources(prompt=lambda _: PASSPHRASE_TEXT)
    stale = Vault.open(path, sources)
    Vault.open(path, sources).rotate(Passphrase(b"another passphrase!"), FAST)
    after = path.read_bytes()
    with pytest.raises(VaultError, match="re-keyed"):
        stale.set("c", "gamma-secret")
    assert path.read_bytes() == after


def test_an_entry_moved_under_another_name_fails_its_tag(
    tmp_path: Path, passphrase: Passphrase
) -> None:
    # Even someone who could recompute the seal cannot swap values between names.
    from lyrad.security.keys import seal_mac
    from lyrad.security.vault_format import (
        SealedEntry,
        decode_file,
        encode_body,
        encode_file,
    )

    path, original = _small_vault(tmp_path, passphrase)
    vault = Vault.open(path, KeySources(prompt=lambda _: PASSPHRASE_TEXT))
    doc = decode_file(original, str(path))
    a, bc = doc.entries
    swapped = (SealedEntry("a", bc.nonce, bc.ciphertext), SealedEntry("b/c", a.nonce, a.ciphertext))
    body = encode_body(doc.header, swapped)
    keys = vault._key.keys
    path.write_bytes(encode_file(body, seal_mac(keys, body)))
    reopened = Vault.open(path, KeySources(prompt=lambda _: PASSPHRASE_TEXT))
    with pytest.raises(VaultTampered, match="'a' failed its authentication tag"):
        reopened.get("a")
