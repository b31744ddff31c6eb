"""`lyrad vault init | keygen | set | get | list | remove | rotate-key | verify`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from lyrad.cli import ExitCode
from lyrad.security.cli_support import (
    SecurityContext,
    actor,
    add_common_arguments,
    tty_prompt,
    with_context,
)
from lyrad.security.errors import KeyUnavailable, VaultError
from lyrad.security.key_sources import (
    PASSPHRASE_FILE_ENV,
    KeySources,
    read_key_file,
    read_passphrase_file,
)
from lyrad.security.keys import MIN_PASSPHRASE_CHARS, KeyMaterial, Passphrase, ScryptParams
from lyrad.security.vault import MAX_VALUE_BYTES, Vault, generate_key_file, validate_name

NEW_PASSPHRASE_FILE_ENV = "LYRAD_VAULT_NEW_PASSPHRASE_FILE"  # noqa: S105  # a variable name


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    vault = sub.add_parser("vault", help="the encrypted secrets vault")
    actions = vault.add_subparsers(dest="vault_command", metavar="ACTION", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, help=help_text)
        add_common_arguments(parser)
        parser.add_argument("--vault", type=Path, metavar="FILE", help="vault file")
        parser.add_argument("--key-file", type=Path, metavar="FILE", help="32-byte key file")
        return parser

    action("init", "create an empty vault").set_defaults(handler=with_context(_init))
    keygen = actions.add_parser("keygen", help="write a new random 32-byte key file")
    keygen.add_argument("path", type=Path, metavar="FILE")
    keygen.set_defaults(handler=_keygen)
    set_ = action("set", "store a secret read from standard input")
    set_.add_argument("name", metavar="NAME")
    set_.set_defaults(handler=with_context(_set))
    get = action("get", "show whether a secret is set (--reveal prints it)")
    get.add_argument("name", metavar="NAME")
    get.add_argument("--reveal", action="store_true", help="print the value to stdout")
    get.set_defaults(handler=with_context(_get))
    action("list", "list entry names").set_defaults(handler=with_context(_list))
    remove = action("remove", "delete an entry")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(handler=with_context(_remove))
    rotate = action("rotate-key", "re-seal every entry under a new passphrase or key file")
    rotate.add_argument("--new-key-file", type=Path, metavar="FILE", help="switch to this key")
    rotate.set_defaults(handler=with_context(_rotate))
    action("verify", "decrypt every entry and check the file").set_defaults(
        handler=with_context(_verify)
    )


def _sources(ctx: SecurityContext) -> KeySources:
    return KeySources.from_environment(
        os.environ,
        key_file=ctx.vault.key_file,
        credential=ctx.vault.credential,
        prompt=tty_prompt(),
    )


def _params(ctx: SecurityContext) -> ScryptParams:
    return ScryptParams(ctx.vault.scrypt_n, ctx.vault.scrypt_r, ctx.vault.scrypt_p)


def _new_passphrase(env_name: str) -> Passphrase:
    path = os.environ.get(env_name)
    if path:
        material = read_passphrase_file(Path(path))
    else:
        prompt = tty_prompt()
        if prompt is None:
            raise KeyUnavailable(f"no new passphrase: set {env_name}, or run in a terminal")
        first = prompt("new vault passphrase: ")
        if not first:
            raise KeyUnavailable("no passphrase given")
        if first != prompt("again: "):
            raise KeyUnavailable("the passphrases do not match")
        material = Passphrase(first.encode())
    if len(material.value.decode(errors="replace")) < MIN_PASSPHRASE_CHARS:
        raise KeyUnavailable(f"a passphrase has at least {MIN_PASSPHRASE_CHARS} characters")
    return material


def _new_material(ctx: SecurityContext) -> KeyMaterial:
    sources = _sources(ctx)
    if sources.has_raw_key:
        return sources.raw_key()
    return _new_passphrase(PASSPHRASE_FILE_ENV)


def _init(args: argparse.Namespace, ctx: SecurityContext) -> ExitCode:
    material = _new_material(ctx)
    path = ctx.vault.path
    if path.exists():
        raise VaultError(f"{path}: a vault already exists; it is never overwritten")
    kind = "key" if not isinstance(material, Passphrase) else "passphrase"
    ctx.audited(
        "vault_created",
        {"path": path, "key": kind},
        lambda: Vault.create(path, material, _params(ctx)),
    )
    print(f"lyrad: vault created at {path} (opened with a {kind})", file=sys.stderr)
    return ExitCode.OK


def _keygen(args: argparse.Namespace) -> ExitCode:
    try:
        generate_key_file(args.path)
    except VaultError as e:
        print(f"lyrad: {e}", file=sys.stderr)
        return ExitCode.FAILURE
    print(f"lyrad: wrote a new key to {args.path} (mode 0600)", file=sys.stderr)
    return ExitCode.OK


def _read_value(name: str) -> str:
    if sys.stdin.isatty():
        prompt = tty_prompt()
        raw = prompt(f"value for {name}: ").encode() if prompt else b""
    else:
        raw = sys.stdin.buffer.read(MAX_VALUE_BYTES + 2)
        raw = raw.removesuffix(b"\n").removesuffix(b"\r")
    if not raw:
        raise VaultError(f"no value for {name!r} on standard input")
    if len(raw) > MAX_VALUE_BYTES:
        raise VaultError(f"the value for {name!r} is over {MAX_VALUE_BYTES} bytes")
    try:
        return raw.decode()
    except UnicodeDecodeError:
        raise VaultError(f"the value for {name!r} is not UTF-8 text") from None


def _set(args: argparse.Namespace, ctx: SecurityContext) -> ExitCode:
    name = validate_name(args.name)
    vault = Vault.open(ctx.vault.path, _sources(ctx))
    value = _read_value(name)
    ctx.redactor.register(value)
    ctx.audited(
        "vault_entry_set", {"path": vault.path, "name": name}, lambda: vault.set(name, value)
    )
    print(f"lyrad: {name} stored", file=sys.stderr)
    return ExitCode.OK


def _get(args: argparse.Namespace, ctx: SecurityContext) -> ExitCode:
    vault = Vault.open(ctx.vault.path, _sources(ctx))
    value = vault.get(args.name)
    if not args.reveal:
        print(f"{args.name}: set ({len(value)} characters); --reveal prints it")
        return ExitCode.OK
    ctx.audit_log().append("vault_entry_revealed", actor(), {"path": vault.path, "name": args.name})
    print(value)
    return ExitCode.OK


def _list(args: argparse.Namespace, ctx: SecurityContext) -> ExitCode:
    for name in Vault.open(ctx.vault.path, _sources(ctx)).names():
        print(name)
    return ExitCode.OK


def _remove(args: argparse.Namespace, ctx: SecurityContext) -> ExitCode:
    vault = Vault.open(ctx.vault.path, _sources(ctx))
    vault.get(args.name)  # a missing entry is refused before anything is recorded
    ctx.audited(
        "vault_entry_removed",
        {"path": vault.path, "name": args.name},
        lambda: vault.remove(args.name),
    )
    print(f"lyrad: {args.name} removed", file=sys.stderr)
    return ExitCode.OK


def _rotate(args: argparse.Namespace, ctx: SecurityContext) -> ExitCode:
    vault = Vault.open(ctx.vault.path, _sources(ctx))
    material: KeyMaterial
    if args.new_key_file is not None:
        material = read_key_file(args.new_key_file)
    else:
        material = _new_passphrase(NEW_PASSPHRASE_FILE_ENV)
    kind = "passphrase" if isinstance(material, Passphrase) else "key"
    ctx.audited(
        "vault_key_rotated",
        {"path": vault.path, "entries": len(vault.names()), "key": kind},
        lambda: vault.rotate(material, _params(ctx)),
    )
    print(f"lyrad: {len(vault.names())} entries re-sealed under the new {kind}", file=sys.stderr)
    return ExitCode.OK


def _verify(args: argparse.Namespace, ctx: SecurityContext) -> ExitCode:
    vault = Vault.open(ctx.vault.path, _sources(ctx))
    count = vault.verify()
    print(f"{vault.path}: {count} entries, all intact")
    return ExitCode.OK
