"""The `lyrad` command: parses arguments, dispatches to a subcommand, maps outcomes to exit codes.

Subcommands live beside the part they drive; each module exposes
`register(subparsers)` which adds its parser and sets `handler` to a function
`(argparse.Namespace) -> ExitCode`. Only this module (through `__main__`) turns an
outcome into a process exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from enum import IntEnum


class ExitCode(IntEnum):
    """The one table of exit codes."""

    OK = 0
    FAILURE = 1  # the daemon failed, a critical component gave up, a check said NO-GO
    INCOMPLETE = 2  # validate: not enough evidence; also argparse usage errors
    HARNESS_ERROR = 3  # validate: harness error or venue in maintenance
    # EX_CONFIG: with RestartPreventExitStatus=78 systemd does not loop on a bad config.
    CONFIG_ERROR = 78


Handler = Callable[[argparse.Namespace], ExitCode]
Registrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


def _registrars() -> list[Registrar]:
    # Imported here so `lyrad --help` stays cheap and each part owns its own parser.
    from lyrad.config import commands as config_commands
    from lyrad.http import client_commands
    from lyrad.runtime import commands as runtime_commands
    from lyrad.security import commands as security_commands
    from lyrad.sim import cli as sim_cli
    from lyrad.trading import commands as trading_commands
    from lyrad.trading.risk import commands as risk_commands
    from lyrad.validate import cli as validate_cli

    return [
        runtime_commands.register,
        config_commands.register,
        trading_commands.register,
        risk_commands.register,
        sim_cli.register,
        security_commands.register,
        client_commands.register,
        validate_cli.register,
    ]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lyrad", description="lyrad trading daemon")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for register in _registrars():
        register(sub)
    return parser


def run_cli(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv))
    handler: Handler = args.handler
    try:
        return int(handler(args))
    except KeyboardInterrupt:
        return int(ExitCode.FAILURE)
    except BrokenPipeError:
        # `lyrad orders | head` closes our stdout early; that is not an error.
        sys.stderr.close()
        return int(ExitCode.OK)
