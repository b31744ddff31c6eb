"""The vault file: a header line, one line per sealed entry, and a seal line.

The seal carries a SHA-256 of every byte before it (damage is found before any key is
used) and an HMAC under a vault subkey (deliberate edits are found once the key is known).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from lyrad.security.errors import VaultCorrupt
from lyrad.security.keys import KdfSpec, ScryptParams, scrypt_problem

FORMAT = "lyrad-vault"
VERSION = 1
CIPHER = "AES-256-GCM"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class Header:
    vault_id: bytes
    kdf: KdfSpec
    key_check: bytes


@dataclass(frozen=True, slots=True)
class SealedEntry:
    name: str
    nonce: bytes
    ciphertext: bytes


@dataclass(frozen=True, slots=True)
class VaultDocument:
    header: Header
    entries: tuple[SealedEntry, ...]
    body: bytes  # the exact bytes the seal covers
    mac: bytes


def canonical(obj: object) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _header_json(header: Header) -> dict[str, Any]:
    kdf: dict[str, Any] = {"name": header.kdf.name}
    if header.kdf.params is not None:
        p = header.kdf.params
        kdf.update(salt=_b64(header.kdf.salt), n=p.n, r=p.r, p=p.p)
    return {
        "format": FORMAT,
        "version": VERSION,
        "cipher": CIPHER,
        "vault_id": _b64(header.vault_id),
        "kdf": kdf,
        "key_check": _b64(header.key_check),
    }


def encode_body(header: Header, entries: tuple[SealedEntry, ...]) -> bytes:
    lines = [canonical(_header_json(header))]
    for entry in sorted(entries, key=lambda e: e.name):
        lines.append(
            canonical(
                {"name": entry.name, "nonce": _b64(entry.nonce), "ct": _b64(entry.ciphertext)}
            )
        )
    return b"".join(line + b"\n" for line in lines)


def encode_file(body: bytes, mac: bytes) -> bytes:
    seal = {"sha256": hashlib.sha256(body).hexdigest(), "mac": mac.hex()}
    return body + canonical(seal) + b"\n"


class _Damage(Exception):
    """Internal: why the file cannot be parsed."""


def decode_file(data: bytes, where: str) -> VaultDocument:
    """Parse and run the keyless checks; raise VaultCorrupt with one line."""
    try:
        return _decode(data)
    except _Damage as e:
        raise VaultCorrupt(f"{where}: vault file is damaged or altered ({e})") from None


def _decode(data: bytes) -> VaultDocument:
    if not data.endswith(b"\n"):
        raise _Damage("it does not end with a complete line")
    seal_start = data.rfind(b"\n", 0, len(data) - 1) + 1
    body, seal_raw = data[:seal_start], data[seal_start:-1]
    seal = _json_object(seal_raw, "seal")
    if canonical(seal) != seal_raw or set(seal) != {"sha256", "mac"}:
        raise _Damage("the seal line is malformed")
    digest, mac = seal["sha256"], seal["mac"]
    if not isinstance(digest, str) or not isinstance(mac, str):
        raise _Damage("the seal line is malformed")
    if not _HEX64.match(digest) or not _HEX64.match(mac):
        raise _Damage("the seal line is malformed")
    if hashlib.sha256(body).hexdigest() != digest:
        raise _Damage("checksum mismatch")
    lines = body.split(b"\n")[:-1]
    if not lines:
        raise _Damage("there is no header")
    header = _header(_json_object(lines[0], "header"))
    entries = tuple(_entry(_json_object(line, "entry")) for line in lines[1:])
    names = [e.name for e in entries]
    if names != sorted(set(names)):
        raise _Damage("entries are duplicated or out of order")
    return VaultDocument(header, entries, body, bytes.fromhex(mac))


def _json_object(raw: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _Damage(f"the {what} line is not JSON") from None
    if not isinstance(value, dict):
        raise _Damage(f"the {what} line is not an object")
    return value


def _bytes(value: object, what: str, size: int | None = None) -> bytes:
    if not isinstance(value, str):
        raise _Damage(f"{what} is not base64 text")
    try:
        decoded = base64.b64decode(value, validate=True)
    except binascii.Error:
        raise _Damage(f"{what} is not base64") from None
    if size is not None and len(decoded) != size:
        raise _Damage(f"{what} has the wrong length")
    return decoded


def _header(obj: dict[str, Any]) -> Header:
    if obj.get("format") != FORMAT or obj.get("cipher") != CIPHER:
        raise _Damage("this is not a lyrad vault")
    if obj.get("version") != VERSION:
        raise _Damage(f"unsupported vault version {obj.get('version')!r}")
    kdf_obj = obj.get("kdf")
    if not isinstance(kdf_obj, dict):
        raise _Damage("the header has no kdf")
    return Header(
        vault_id=_bytes(obj.get("vault_id"), "vault_id", 16),
        kdf=_kdf(kdf_obj),
        key_check=_bytes(obj.get("key_check"), "key_check", 32),
    )


def _kdf(obj: dict[str, Any]) -> KdfSpec:
    name = obj.get("name")
    if name == "none" and set(obj) == {"name"}:
        return KdfSpec("none")
    if name != "scrypt" or set(obj) != {"name", "salt", "n", "r", "p"}:
        raise _Damage("the kdf is not understood")
    n, r, p = obj["n"], obj["r"], obj["p"]
    if not all(type(v) is int for v in (n, r, p)):
        raise _Damage("the scrypt parameters are not integers")
    problem = scrypt_problem(n, r, p)
    if problem is not None:
        raise _Damage(problem)
    return KdfSpec("scrypt", _bytes(obj["salt"], "salt", 16), ScryptParams(n, r, p))


def _entry(obj: dict[str, Any]) -> SealedEntry:
    name = obj.get("name")
    if set(obj) != {"name", "nonce", "ct"} or not isinstance(name, str):
        raise _Damage("an entry line is malformed")
    if not NAME_PATTERN.match(name):
        raise _Damage("an entry name is malformed")
    return SealedEntry(name, _bytes(obj["nonce"], "nonce", 12), _bytes(obj["ct"], "ct"))
