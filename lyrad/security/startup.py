"""What the daemon does with security when it starts: audit log, vault, secrets, tokens."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import structlog
from pydantic import BaseModel

from lyrad.security.audit import AuditLog, AuditSink, Clock
from lyrad.security.audit_verify import verify_audit
from lyrad.security.config import AuditConfig, ControlConfig, VaultConfig
from lyrad.security.errors import AuditError, SecurityError
from lyrad.security.key_sources import KeySources, Prompt
from lyrad.security.redaction import Redactor
from lyrad.security.secrets import needs_vault, resolve_all
from lyrad.security.tokens import TokenStore, utc_now
from lyrad.security.vault import Vault

log = structlog.get_logger("lyrad.security", component="security")

DAEMON_ACTOR = "lyrad"


@dataclass(frozen=True, slots=True)
class SecurityServices:
    audit: AuditLog
    tokens: TokenStore
    vault: Vault | None
    # Dotted config key -> value (`venues.binance.secret`); every value is in the redactor.
    secrets: Mapping[str, str] = field(repr=False)


def unlock_vault(
    config: VaultConfig,
    *,
    audit: AuditSink,
    redactor: Redactor,
    environ: Mapping[str, str],
    prompt: Prompt | None = None,
) -> Vault:
    """Open the vault, register every entry with the redactor, and audit the outcome."""
    sources = KeySources.from_environment(
        environ, key_file=config.key_file, credential=config.credential, prompt=prompt
    )
    try:
        vault = Vault.open(config.path, sources)
        for name in vault.names():
            redactor.register(vault.get(name))
    except SecurityError as e:
        with contextlib.suppress(AuditError):
            audit.append(
                "vault_unlock_failed", DAEMON_ACTOR, {"path": config.path, "error": str(e)}
            )
        raise
    audit.append(
        "vault_unlocked",
        DAEMON_ACTOR,
        {
            "path": config.path,
            "entries": len(vault.names()),
            "key": sources.describe(vault.material_kind),
        },
    )
    log.info("vault_unlocked", path=str(config.path), entries=len(vault.names()))
    return vault


def start_security(
    settings: BaseModel,
    *,
    vault: VaultConfig,
    control: ControlConfig,
    audit: AuditConfig,
    redactor: Redactor,
    environ: Mapping[str, str],
    prompt: Prompt | None = None,
    now: Clock = utc_now,
) -> SecurityServices:
    """Audit log first (it records the rest), then the vault if the config refers to it,
    then every secret reference. Raises SecurityError with one line (a start must stop)."""
    audit_log = AuditLog(audit.path, now=now, redactor=redactor)
    verdict = verify_audit(audit.path)
    if not verdict.is_intact and verdict.broken_at is not None:
        # Trading is not stopped for it, but nobody should miss it.
        log.error("audit_chain_broken", path=str(audit.path), reason=verdict.reason)
    opened = None
    if needs_vault(settings):
        opened = unlock_vault(
            vault, audit=audit_log, redactor=redactor, environ=environ, prompt=prompt
        )
    secrets = resolve_all(settings, redactor=redactor, vault=opened, environ=environ)
    tokens = TokenStore(control.tokens_path, now=now, max_lifetime=control.max_token_lifetime)
    tokens.records()  # an unreadable token file stops the start here, not at the first request
    return SecurityServices(audit_log, tokens, opened, secrets)
