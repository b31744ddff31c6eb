"""Where a vault key comes from: a passphrase (file or prompt), a key file, a credential."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lyrad.security.errors import InsecureFile, KeyUnavailable
from lyrad.security.files import require_private
from lyrad.security.keys import KEY_BYTES, Passphrase, RawKey

PASSPHRASE_FILE_ENV = "LYRAD_VAULT_PASSPHRASE_FILE"  # noqa: S105  # a variable name
CREDENTIALS_DIRECTORY_ENV = "CREDENTIALS_DIRECTORY"
MAX_KEY_FILE_BYTES = 4096

Prompt = Callable[[str], str]


class KeyProvider(Protocol):
    """Hands over the key material a vault's header asks for."""

    def passphrase(self) -> Passphrase: ...

    def raw_key(self) -> RawKey: ...


def _read_secret_file(path: Path, what: str) -> bytes:
    try:
        require_private(path)
        with path.open("rb") as f:
            data = f.read(MAX_KEY_FILE_BYTES + 1)
    except InsecureFile:
        raise
    except FileNotFoundError:
        raise KeyUnavailable(f"{what} {path} does not exist") from None
    except OSError as e:
        raise KeyUnavailable(f"{what} {path} cannot be read: {e.strerror or e}") from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise KeyUnavailable(f"{what} {path} is too large")
    return data


def read_key_file(path: Path, what: str = "key file") -> RawKey:
    """32 raw bytes, or 64 hex digits (with an optional final newline)."""
    data = _read_secret_file(path, what)
    if len(data) == KEY_BYTES:
        return RawKey(data)
    text = data.strip()
    if len(text) == 2 * KEY_BYTES:
        try:
            return RawKey(bytes.fromhex(text.decode("ascii")))
        except (UnicodeDecodeError, ValueError):
            pass
    raise KeyUnavailable(
        f"{what} {path} must hold exactly {KEY_BYTES} bytes or {2 * KEY_BYTES} hex digits"
    )


def read_passphrase_file(path: Path) -> Passphrase:
    data = _read_secret_file(path, "passphrase file")
    value = data.removesuffix(b"\n").removesuffix(b"\r")
    if not value:
        raise KeyUnavailable(f"passphrase file {path} is empty")
    return Passphrase(value)


@dataclass(frozen=True, slots=True)
class KeySources:
    """The places a key may come from, tried in a fixed order."""

    key_file: Path | None = None
    credential_file: Path | None = None  # $CREDENTIALS_DIRECTORY/<name>, when present
    passphrase_file: Path | None = None
    prompt: Prompt | None = None

    @classmethod
    def from_environment(
        cls,
        environ: Mapping[str, str],
        *,
        key_file: Path | None,
        credential: str | None,
        prompt: Prompt | None,
    ) -> KeySources:
        credential_file = None
        directory = environ.get(CREDENTIALS_DIRECTORY_ENV)
        if credential and directory and (Path(directory) / credential).is_file():
            credential_file = Path(directory) / credential
        passphrase_file = environ.get(PASSPHRASE_FILE_ENV)
        return cls(
            key_file=key_file,
            credential_file=credential_file,
            passphrase_file=Path(passphrase_file) if passphrase_file else None,
            prompt=prompt,
        )

    @property
    def has_raw_key(self) -> bool:
        return self.key_file is not None or self.credential_file is not None

    def raw_key(self) -> RawKey:
        if self.key_file is not None:
            return read_key_file(self.key_file)
        if self.credential_file is not None:
            return read_key_file(self.credential_file, "credential")
        raise KeyUnavailable(
            "this vault is opened with a key: set vault.key_file (or --key-file), "
            f"or provide it as a systemd credential in ${CREDENTIALS_DIRECTORY_ENV}"
        )

    def passphrase(self) -> Passphrase:
        if self.passphrase_file is not None:
            return read_passphrase_file(self.passphrase_file)
        if self.prompt is not None:
            text = self.prompt("vault passphrase: ")
            if not text:
                raise KeyUnavailable("no passphrase given")
            return Passphrase(text.encode())
        raise KeyUnavailable(
            f"this vault is opened with a passphrase: set {PASSPHRASE_FILE_ENV} "
            "to a file holding it, or run the command in a terminal"
        )

    def describe(self, material_kind: str) -> str:
        """Where the key for a vault of this kind came from, for the audit log (never the key)."""
        if material_kind == "key":
            return f"key file {self.key_file}" if self.key_file is not None else "credential"
        return "passphrase file" if self.passphrase_file is not None else "passphrase prompt"
