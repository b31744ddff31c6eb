"""`lyrad check-config FILE`: validate and print the effective config, secrets redacted."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lyrad.cli import ExitCode
from lyrad.runtime.commands import load_or_report


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = sub.add_parser(
        "check-config", help="validate a config file and print the effective configuration"
    )
    check.add_argument("file", type=Path, metavar="FILE")
    check.set_defaults(handler=_check_config)


def _check_config(args: argparse.Namespace) -> ExitCode:
    settings = load_or_report(args.file)
    if settings is None:
        return ExitCode.CONFIG_ERROR
    # SecretRef serializes literal values as a mask; env:/vault: references are not secrets.
    print(json.dumps(settings.model_dump(mode="json"), indent=2))
    print(f"lyrad: {args.file}: configuration is valid", file=sys.stderr)
    return ExitCode.OK
