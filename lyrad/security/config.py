"""Config sections of the security work: `[vault]`, `[control]` and `[audit]`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lyrad.config.types import Duration

STRICT = ConfigDict(frozen=True, extra="forbid")

# scrypt memory is 128 * n * r bytes: 2**15 * 8 -> 32 MiB; the cap keeps a header from
# asking for gigabytes.
MIN_SCRYPT_N = 2**14
MAX_SCRYPT_N = 2**20


class VaultConfig(BaseModel):
    """Where the vault lives and where its key comes from when the daemon starts."""

    model_config = STRICT

    path: Path = Path("var/lyrad/vault.dat")
    # A 32-byte key file. Without one, the systemd credential below, then a passphrase
    # from the file named by LYRAD_VAULT_PASSPHRASE_FILE (or a prompt on a terminal).
    key_file: Path | None = None
    credential: str = Field(default="vault-key", pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    # Cost for new vaults and key rotation; an existing vault keeps what its header says.
    scrypt_n: int = Field(default=2**15, ge=MIN_SCRYPT_N, le=MAX_SCRYPT_N)
    scrypt_r: int = Field(default=8, ge=1, le=32)
    scrypt_p: int = Field(default=1, ge=1, le=16)

    @model_validator(mode="after")
    def _n_is_a_power_of_two(self) -> VaultConfig:
        if self.scrypt_n & (self.scrypt_n - 1):
            raise ValueError("scrypt_n must be a power of two (like 32768)")
        return self


class ControlConfig(BaseModel):
    """The control API: tokens, request limits, slowing down failed logins, optional TLS."""

    model_config = STRICT

    enabled: bool = True
    tokens_path: Path = Path("var/lyrad/tokens.json")
    max_body_bytes: int = Field(default=16 * 1024, ge=256, le=64 * 1024)
    max_token_lifetime: Duration = timedelta(days=365)
    # After `auth_free_failures` failures from one address within `auth_failure_window`,
    # each further failure is answered after a delay doubling from `auth_failure_delay`.
    auth_failure_window: Duration = timedelta(minutes=5)
    auth_free_failures: int = Field(default=3, ge=0, le=100)
    auth_failure_delay: Duration = timedelta(milliseconds=250)
    auth_failure_max_delay: Duration = timedelta(seconds=10)
    auth_max_delayed: int = Field(default=64, ge=1, le=10_000)
    tls_cert: Path | None = None
    tls_key: Path | None = None

    @model_validator(mode="after")
    def _tls_pair(self) -> ControlConfig:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("tls_cert and tls_key go together: set both or neither")
        if self.auth_failure_max_delay < self.auth_failure_delay:
            raise ValueError("auth_failure_max_delay must be at least auth_failure_delay")
        return self

    @property
    def is_tls(self) -> bool:
        return self.tls_cert is not None


class AuditConfig(BaseModel):
    """The hash-chained audit log."""

    model_config = STRICT

    path: Path = Path("var/lyrad/audit.jsonl")
