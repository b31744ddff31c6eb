"""`lyrad token create | list | revoke`: local changes to the token file, audited."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lyrad.cli import ExitCode
from lyrad.config.types import format_duration, parse_duration
from lyrad.security.audit import format_ts
from lyrad.security.cli_support import SecurityContext, actor, add_common_arguments, with_context
from lyrad.security.roles import Role
from lyrad.security.tokens import TokenStore, utc_now


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    token = sub.add_parser("token", help="control API tokens")
    actions = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, help=help_text)
        add_common_arguments(parser)
        parser.add_argument("--tokens", type=Path, metavar="FILE", help="token file")
        return parser

    create = action("create", "make a token; it is printed once and stored only as a hash")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--expires", required=True, type=_duration, metavar="DURATION")
    create.add_argument("--name", default="", help="a label for listings")
    create.set_defaults(handler=with_context(_create))
    action("list", "list tokens (never their values)").set_defaults(handler=with_context(_list))
    revoke = action("revoke", "revoke a token by id")
    revoke.add_argument("id", metavar="ID")
    revoke.set_defaults(handler=with_context(_revoke))


def _duration(text: str) -> object:
    try:
        return parse_duration(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _store(ctx: SecurityContext) -> TokenStore:
    return TokenStore(
        ctx.control.tokens_path, now=utc_now, max_lifetime=ctx.control.max_token_lifetime
    )


def _create(args: argparse.Namespace, ctx: SecurityContext) -> ExitCode:
    issued = _store(ctx).create(
        Role(args.role), args.expires, args.name, audit=ctx.audit_log(), actor=actor()
    )
    print(issued.token)  # stdout holds only the token, for `> token-file`
    record = issued.record
    print(
        f"lyrad: token {record.id} ({record.role}, expires {format_ts(record.expires_at)}) "
        "created; it is shown only this once",
        file=sys.stderr,
    )
    return ExitCode.OK


def _list(args: argparse.Namespace, ctx: SecurityContext) -> ExitCode:
    now = utc_now()
    print(f"{'ID':12}  {'ROLE':8}  {'STATUS':7}  {'EXPIRES':24}  NAME")
    for record in _store(ctx).records():
        expires = format_ts(record.expires_at)
        left = record.expires_at - now
        hint = f" (in {format_duration(left)})" if record.status(now) == "active" else ""
        print(
            f"{record.id:12}  {record.role.value:8}  {record.status(now):7}  "
            f"{expires + hint:24}  {record.name}"
        )
    return ExitCode.OK


def _revoke(args: argparse.Namespace, ctx: SecurityContext) -> ExitCode:
    record = _store(ctx).revoke(args.id, audit=ctx.audit_log(), actor=actor())
    print(f"lyrad: token {record.id} ({record.role}) revoked", file=sys.stderr)
    return ExitCode.OK
