"""The security subcommands: `lyrad vault ...`, `lyrad token ...`, `lyrad audit verify`."""

from __future__ import annotations

import argparse
import sys

from lyrad.cli import ExitCode
from lyrad.security import token_commands, vault_commands
from lyrad.security.audit_verify import verify_audit
from lyrad.security.cli_support import SecurityContext, add_common_arguments, with_context


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    vault_commands.register(sub)
    token_commands.register(sub)
    audit = sub.add_parser("audit", help="the hash-chained audit log")
    actions = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="check the chain; name the first broken record")
    add_common_arguments(verify)
    verify.set_defaults(handler=with_context(_verify))


def _verify(args: argparse.Namespace, ctx: SecurityContext) -> ExitCode:
    path = ctx.audit.path
    verdict = verify_audit(path)
    if verdict.reason is not None:
        prefix = "" if verdict.broken_at is None else f"{path}: "
        print(f"lyrad: audit: {prefix}{verdict.reason}", file=sys.stderr)
        return ExitCode.FAILURE
    print(f"{path}: {verdict.records} records, chain intact")
    return ExitCode.OK
