"""What the security subcommands share: their config sections, prompts, one-line failures."""

from __future__ import annotations

import argparse
import contextlib
import functools
import getpass
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from lyrad.cli import ExitCode
from lyrad.logging import configure_logging
from lyrad.runtime.commands import add_config_argument, load_or_report
from lyrad.security.audit import AuditLog
from lyrad.security.config import AuditConfig, ControlConfig, VaultConfig
from lyrad.security.errors import SecurityError
from lyrad.security.redaction import Redactor
from lyrad.security.tokens import utc_now

S = TypeVar("S", bound=BaseModel)
T = TypeVar("T")
Handler = Callable[[argparse.Namespace], ExitCode]


@dataclass(frozen=True, slots=True)
class SecurityContext:
    vault: VaultConfig
    control: ControlConfig
    audit: AuditConfig
    redactor: Redactor

    def audit_log(self) -> AuditLog:
        return AuditLog(self.audit.path, now=utc_now, redactor=self.redactor)

    def audited(self, event: str, details: dict[str, Any], action: Callable[[], T]) -> T:
        """Record the action, then do it; a failure after the record is recorded too."""
        audit = self.audit_log()
        who = actor()
        audit.append(event, who, details)
        try:
            return action()
        except Exception as e:
            reason = str(e) if isinstance(e, SecurityError | OSError) else type(e).__name__
            with contextlib.suppress(SecurityError):
                audit.append(f"{event}_failed", who, {"error": reason})
            raise


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    parser.add_argument("--audit", type=Path, metavar="FILE", help="audit log (default: config)")


def _section(settings: object, name: str, kind: type[S]) -> S:
    # Until Settings carries these sections, their defaults apply.
    value = getattr(settings, name, None)
    return value if isinstance(value, kind) else kind()


def load_context(args: argparse.Namespace) -> SecurityContext | None:
    """The sections with command-line overrides applied, or None after printing why not."""
    settings = load_or_report(args.config)
    if settings is None:
        return None
    vault = _section(settings, "vault", VaultConfig)
    control = _section(settings, "control", ControlConfig)
    audit = _section(settings, "audit", AuditConfig)
    if getattr(args, "vault", None) is not None:
        vault = vault.model_copy(update={"path": args.vault})
    if getattr(args, "key_file", None) is not None:
        vault = vault.model_copy(update={"key_file": args.key_file})
    if getattr(args, "tokens", None) is not None:
        control = control.model_copy(update={"tokens_path": args.tokens})
    if args.audit is not None:
        audit = audit.model_copy(update={"path": args.audit})
    redactor = Redactor()
    # Log lines (audit anchors, warnings) go to stderr: stdout carries only the answer.
    configure_logging(level="warning", fmt="console", redactor=redactor, stream=sys.stderr)
    return SecurityContext(vault, control, audit, redactor)


def with_context(
    run: Callable[[argparse.Namespace, SecurityContext], ExitCode],
) -> Handler:
    """Load the context; turn every SecurityError or OS error into one line on stderr."""

    @functools.wraps(run)
    def handler(args: argparse.Namespace) -> ExitCode:
        context = load_context(args)
        if context is None:
            return ExitCode.CONFIG_ERROR
        try:
            return run(args, context)
        except SecurityError as e:
            fail(context.redactor.redact_text(str(e)))
        except OSError as e:
            where = f"{e.filename}: " if e.filename else ""
            fail(f"{where}{e.strerror or e}")
        return ExitCode.FAILURE

    return handler


def fail(message: str) -> None:
    print(f"lyrad: {' '.join(message.split())}", file=sys.stderr)


def actor() -> str:
    """Who ran the command, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return f"cli:uid{os.getuid()}"


def tty_prompt() -> Callable[[str], str] | None:
    """A no-echo prompt on the controlling terminal, or None without one (never stdin)."""
    try:
        with open("/dev/tty", "rb"):
            pass
    except OSError:
        return None
    return lambda text: getpass.getpass(text)
