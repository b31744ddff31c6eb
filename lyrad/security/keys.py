"""Vault key material and derivation: scrypt for passphrases, HKDF for purpose-bound subkeys."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Literal

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

KEY_BYTES = 32
SALT_BYTES = 16
MIN_PASSPHRASE_CHARS = 12
# Bounds on what a vault header may ask for, so a damaged or hostile header cannot make
# unlocking allocate gigabytes: 128 * n * r bytes of memory.
MAX_SCRYPT_MEMORY = 128 * 2**20 * 8
MAX_SCRYPT_P = 16


@dataclass(frozen=True, slots=True)
class ScryptParams:
    """scrypt cost. Production default n=2**15 (32 MiB, tens of milliseconds)."""

    n: int = 2**15
    r: int = 8
    p: int = 1

    def __post_init__(self) -> None:
        problem = scrypt_problem(self.n, self.r, self.p)
        if problem is not None:
            raise ValueError(problem)


def scrypt_problem(n: int, r: int, p: int) -> str | None:
    """Why these parameters are refused, or None."""
    if n < 2 or n & (n - 1):
        return f"scrypt n={n} is not a power of two"
    if r < 1 or not 1 <= p <= MAX_SCRYPT_P:
        return f"scrypt r={r}, p={p} out of range"
    if 128 * n * r > MAX_SCRYPT_MEMORY:
        return f"scrypt n={n}, r={r} would need more than {MAX_SCRYPT_MEMORY >> 20} MiB"
    return None


@dataclass(frozen=True, slots=True)
class Passphrase:
    value: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not self.value:
            raise ValueError("the passphrase is empty")


@dataclass(frozen=True, slots=True)
class RawKey:
    value: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.value) != KEY_BYTES:
            raise ValueError(f"a vault key is {KEY_BYTES} bytes")


KeyMaterial = Passphrase | RawKey


@dataclass(frozen=True, slots=True)
class KdfSpec:
    """How the master key is made from the material: recorded in the vault header."""

    name: Literal["scrypt", "none"]
    salt: bytes = b""
    params: ScryptParams | None = None

    @property
    def material_kind(self) -> str:
        return "passphrase" if self.name == "scrypt" else "key"


@dataclass(frozen=True, slots=True)
class VaultKeys:
    """Subkeys bound to one vault: entry encryption, the file seal, the key check."""

    entries: bytes = field(repr=False)
    seal: bytes = field(repr=False)
    check: bytes = field(repr=False)


def derive_master(material: KeyMaterial, kdf: KdfSpec) -> bytes:
    if kdf.name == "scrypt":
        if not isinstance(material, Passphrase) or kdf.params is None:
            raise TypeError("a scrypt vault is opened with a passphrase")
        params = kdf.params
        return Scrypt(salt=kdf.salt, length=KEY_BYTES, n=params.n, r=params.r, p=params.p).derive(
            material.value
        )
    if not isinstance(material, RawKey):
        raise TypeError("a key-file vault is opened with a raw key")
    return material.value


def _subkey(master: bytes, vault_id: bytes, purpose: bytes) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=vault_id,
        info=b"lyrad-vault/1 " + purpose,
    )
    return hkdf.derive(master)


def derive_keys(master: bytes, vault_id: bytes) -> VaultKeys:
    return VaultKeys(
        entries=_subkey(master, vault_id, b"entries"),
        seal=_subkey(master, vault_id, b"seal"),
        check=_subkey(master, vault_id, b"check"),
    )


def key_check_value(keys: VaultKeys) -> bytes:
    """Tells a wrong key from a damaged file without decrypting anything."""
    return hmac.new(keys.check, b"lyrad-vault key check", sha256).digest()


def seal_mac(keys: VaultKeys, body: bytes) -> bytes:
    return hmac.new(keys.seal, body, sha256).digest()


def entry_aad(vault_id: bytes, name: str) -> bytes:
    """Associated data: an entry cannot be renamed or moved to another vault unnoticed."""
    return b"lyrad-vault/1\x00" + vault_id + b"\x00" + name.encode()
