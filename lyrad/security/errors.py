"""Security refusals: each carries one line that names the thing refused, never a secret."""

from __future__ import annotations

from lyrad.domain.errors import LyradError


class SecurityError(LyradError):
    """A refusal whose message is one line, safe to print and log."""


class InsecureFile(SecurityError):
    """A file holding secrets is readable by group or others."""


class VaultError(SecurityError):
    """The vault cannot be used as asked."""


class VaultNotFound(VaultError):
    """There is no vault file at the configured path."""


class VaultExists(VaultError):
    """`init` would overwrite an existing vault."""


class VaultCorrupt(VaultError):
    """The file is damaged or altered (detected before any key is used)."""


class WrongKey(VaultError):
    """The passphrase or key does not open this vault."""


class VaultTampered(VaultError):
    """The key is right but the file's authentication code or an entry's tag is not."""


class EntryNotFound(VaultError):
    """The vault holds no entry of that name."""


class KeyUnavailable(VaultError):
    """No passphrase, key file or credential could be read."""


class SecretUnavailable(SecurityError):
    """A `env:`/`vault:` reference that cannot be resolved."""


class TokenError(SecurityError):
    """The token store cannot be read or written, or names no such token."""


class AuditError(SecurityError):
    """The audit log cannot be appended to or read."""
