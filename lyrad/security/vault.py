"""The vault: named secrets sealed with AES-256-GCM in one private, atomically replaced file."""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from lyrad.security.errors import (
    EntryNotFound,
    VaultError,
    VaultExists,
    VaultNotFound,
    VaultTampered,
    WrongKey,
)
from lyrad.security.files import atomic_write, exclusive_lock, require_private
from lyrad.security.key_sources import KeyProvider
from lyrad.security.keys import (
    KEY_BYTES,
    SALT_BYTES,
    KdfSpec,
    KeyMaterial,
    Passphrase,
    ScryptParams,
    VaultKeys,
    derive_keys,
    derive_master,
    entry_aad,
    key_check_value,
    seal_mac,
)
from lyrad.security.vault_format import (
    NAME_PATTERN,
    Header,
    SealedEntry,
    VaultDocument,
    decode_file,
    encode_body,
    encode_file,
)

MAX_VALUE_BYTES = 64 * 1024
NONCE_BYTES = 12


@dataclass(frozen=True, slots=True)
class UnlockedKey:
    header: Header
    keys: VaultKeys


def new_key(material: KeyMaterial, params: ScryptParams) -> UnlockedKey:
    """A key for a new vault (or a rotation): fresh vault id and salt."""
    vault_id = os.urandom(16)
    if isinstance(material, Passphrase):
        kdf = KdfSpec("scrypt", os.urandom(SALT_BYTES), params)
    else:
        kdf = KdfSpec("none")
    keys = derive_keys(derive_master(material, kdf), vault_id)
    return UnlockedKey(Header(vault_id, kdf, key_check_value(keys)), keys)


def _unlock(header: Header, provider: KeyProvider, where: Path) -> UnlockedKey:
    material: KeyMaterial = (
        provider.passphrase() if header.kdf.name == "scrypt" else provider.raw_key()
    )
    keys = derive_keys(derive_master(material, header.kdf), header.vault_id)
    if not hmac.compare_digest(key_check_value(keys), header.key_check):
        what = "passphrase" if header.kdf.name == "scrypt" else "key"
        raise WrongKey(f"{where}: wrong {what} for this vault")
    return UnlockedKey(header, keys)


def validate_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise VaultError(
            f"{name!r} is not a valid entry name (letters, digits, . _ / -; at most 128)"
        )
    return name


class Vault:
    """An unlocked vault. Reads come from memory; each change re-reads, then replaces the file."""

    def __init__(self, path: Path, key: UnlockedKey, entries: tuple[SealedEntry, ...]) -> None:
        self.path = path
        self._key = key
        self._entries = {e.name: e for e in entries}

    @property
    def material_kind(self) -> str:
        return self._key.header.kdf.material_kind

    @classmethod
    def create(cls, path: Path, material: KeyMaterial, params: ScryptParams) -> Vault:
        """Write a new, empty vault; refuse to replace an existing one."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = new_key(material, params)
        with exclusive_lock(path):
            if path.exists():
                raise VaultExists(f"{path}: a vault already exists; it is never overwritten")
            vault = cls(path, key, ())
            vault._write({})
        return vault

    @classmethod
    def open(cls, path: Path, provider: KeyProvider) -> Vault:
        """Read, check and unlock; any damage, wrong key or edit fails closed."""
        document = _read(path)
        key = _unlock(document.header, provider, path)
        _check_seal(document, key, path)
        return cls(path, key, document.entries)

    def names(self) -> list[str]:
        return sorted(self._entries)

    def __contains__(self, name: str) -> bool:
        return name in self._entries

    def get(self, name: str) -> str:
        entry = self._entries.get(name)
        if entry is None:
            raise EntryNotFound(f"{self.path}: no entry named {name!r}")
        return self._decrypt(entry)

    def set(self, name: str, value: str) -> None:
        validate_name(name)
        data = value.encode()
        if not data or len(data) > MAX_VALUE_BYTES:
            raise VaultError(f"the value for {name!r} must be 1 to {MAX_VALUE_BYTES} bytes")
        with exclusive_lock(self.path):
            entries = self._reload()
            entries[name] = self._encrypt(self._key, name, data)
            self._write(entries)

    def remove(self, name: str) -> None:
        with exclusive_lock(self.path):
            entries = self._reload()
            if entries.pop(name, None) is None:
                raise EntryNotFound(f"{self.path}: no entry named {name!r}")
            self._write(entries)

    def verify(self) -> int:
        """Decrypt every entry; the number of entries."""
        for entry in self._entries.values():
            self._decrypt(entry)
        return len(self._entries)

    def rotate(self, material: KeyMaterial, params: ScryptParams) -> None:
        """Re-seal every entry under a new key; the old key no longer opens the file."""
        with exclusive_lock(self.path):
            entries = self._reload()
            plain = {name: self._decrypt(e).encode() for name, e in entries.items()}
            key = new_key(material, params)
            resealed = {name: self._encrypt(key, name, value) for name, value in plain.items()}
            data = _encode(key, resealed)
            # Prove the new file opens with the new key before the old one is replaced.
            document = decode_file(data, str(self.path))
            _check_seal(document, key, self.path)
            for entry in document.entries:
                _decrypt(key, entry, self.path)
            atomic_write(self.path, data)
            self._key = key
            self._entries = resealed

    def _reload(self) -> dict[str, SealedEntry]:
        """The file as it is now (another process may have changed it), under our key."""
        document = _read(self.path)
        if document.header != self._key.header:
            raise VaultError(f"{self.path}: the vault was re-keyed meanwhile; run it again")
        _check_seal(document, self._key, self.path)
        self._entries = {e.name: e for e in document.entries}
        return dict(self._entries)

    def _write(self, entries: dict[str, SealedEntry]) -> None:
        atomic_write(self.path, _encode(self._key, entries))
        self._entries = dict(entries)

    @staticmethod
    def _encrypt(key: UnlockedKey, name: str, data: bytes) -> SealedEntry:
        nonce = os.urandom(NONCE_BYTES)
        aad = entry_aad(key.header.vault_id, name)
        return SealedEntry(name, nonce, AESGCM(key.keys.entries).encrypt(nonce, data, aad))

    def _decrypt(self, entry: SealedEntry) -> str:
        return _decrypt(self._key, entry, self.path)


def _encode(key: UnlockedKey, entries: dict[str, SealedEntry]) -> bytes:
    body = encode_body(key.header, tuple(entries.values()))
    return encode_file(body, seal_mac(key.keys, body))


def _read(path: Path) -> VaultDocument:
    try:
        require_private(path)
        data = path.read_bytes()
    except FileNotFoundError:
        raise VaultNotFound(f"{path}: no vault here; create one with `lyrad vault init`") from None
    except IsADirectoryError:
        raise VaultNotFound(f"{path}: is a directory, not a vault") from None
    except PermissionError:
        raise VaultError(f"{path}: permission denied") from None
    return decode_file(data, str(path))


def _check_seal(document: VaultDocument, key: UnlockedKey, path: Path) -> None:
    if not hmac.compare_digest(seal_mac(key.keys, document.body), document.mac):
        raise VaultTampered(f"{path}: vault file failed its authentication check (altered)")


def _decrypt(key: UnlockedKey, entry: SealedEntry, path: Path) -> str:
    aad = entry_aad(key.header.vault_id, entry.name)
    try:
        data = AESGCM(key.keys.entries).decrypt(entry.nonce, entry.ciphertext, aad)
    except InvalidTag:
        raise VaultTampered(f"{path}: entry {entry.name!r} failed its authentication tag") from None
    try:
        return data.decode()
    except UnicodeDecodeError:
        raise VaultTampered(f"{path}: entry {entry.name!r} is not text") from None


def generate_key_file(path: Path) -> None:
    """Write a new random 32-byte key file (mode 0600); never overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with exclusive_lock(path):
        if path.exists():
            raise VaultExists(f"{path}: a file already exists; it is never overwritten")
        atomic_write(path, os.urandom(KEY_BYTES))
