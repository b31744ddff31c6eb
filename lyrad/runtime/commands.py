"""`lyrad run` and `lyrad version`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import structlog

from lyrad import __version__
from lyrad.cli import ExitCode
from lyrad.config.errors import ConfigError
from lyrad.config.settings import Settings, load_settings

log = structlog.get_logger("lyrad.cli", component="cli")


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="FILE",
        help="TOML config file (default: built-in defaults); LYRAD_<SECTION>__<KEY> overrides",
    )


def load_or_report(path: Path | None) -> Settings | None:
    """Settings, or None after printing one line per problem to stderr."""
    try:
        return load_settings(path)
    except ConfigError as e:
        for line in e.lines:
            print(f"lyrad: config error: {line}", file=sys.stderr)
        return None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = sub.add_parser("run", help="run the trading daemon")
    add_config_argument(run)
    run.set_defaults(handler=_run)
    version = sub.add_parser("version", help="print the version")
    version.set_defaults(handler=_version)


def _version(args: argparse.Namespace) -> ExitCode:
    print(f"lyrad {__version__}")
    return ExitCode.OK


def _run(args: argparse.Namespace) -> ExitCode:
    settings = load_or_report(args.config)
    if settings is None:
        return ExitCode.CONFIG_ERROR
    import uvloop

    from lyrad.app import run_daemon
    from lyrad.logging import configure_logging
    from lyrad.security.errors import SecurityError
    from lyrad.security.redaction import Redactor

    # Configured before anything can fail, so even an early crash is logged as configured.
    configure_logging(level=settings.log.level, fmt=settings.log.format, redactor=Redactor())
    try:
        outcome_ok = uvloop.run(run_daemon(settings, args.config))
    except SecurityError as e:
        # A vault that will not open or a secret that is missing: a config problem.
        print(f"lyrad: {e}", file=sys.stderr)
        return ExitCode.CONFIG_ERROR
    except Exception:
        # Logging is configured by now and redacts; never a raw traceback on stderr.
        log.exception("daemon_crashed")
        return ExitCode.FAILURE
    return ExitCode.OK if outcome_ok else ExitCode.FAILURE
