"""`lyrad validate`: the exchange readiness suite from the command line.

Exit codes (VALIDATION.md §6.1): 0 GO; 1 NO-GO, NOT READY or NOT YET; 2 INCOMPLETE (and bad
input: an unknown venue, symbol or check id); 3 harness error or venue in maintenance.
On a terminal each check prints a progress line; with `--format json` and stdout piped, the
JSON report is all that goes to stdout. Bad input is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import secrets
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TextIO

import structlog

from lyrad.cli import ExitCode
from lyrad.config.sections import VenueConfig
from lyrad.logging import configure_logging
from lyrad.runtime.commands import add_config_argument, load_or_report
from lyrad.security.redaction import Redactor
from lyrad.validate.catalogue import CATALOGUE
from lyrad.validate.context import Mode, RunOptions
from lyrad.validate.deviations import DeviationError, load_deviations
from lyrad.validate.model import CheckResult, UnknownSymbol
from lyrad.validate.report.diff import BaselineError, load_baseline
from lyrad.validate.report.jsonview import items
from lyrad.validate.runner import Progress
from lyrad.validate.scoring import Verdict
from lyrad.validate.session import FORMATS, Session, SessionResult, run_session
from lyrad.validate.wiring import (
    VenueAccess,
    access_for,
    config_hash,
    credential_source,
    mode_of,
)

log = structlog.get_logger("lyrad.validate", component="validate")

DEFAULT_REPORT_DIR = Path("var/lyrad/validation")
_EXIT = {
    Verdict.GO: ExitCode.OK,
    Verdict.NOT_YET: ExitCode.FAILURE,
    Verdict.NOT_READY: ExitCode.FAILURE,
    Verdict.NO_GO: ExitCode.FAILURE,
    Verdict.INCOMPLETE: ExitCode.INCOMPLETE,
    Verdict.POSTPONED: ExitCode.HARNESS_ERROR,
}


class BadInput(Exception):
    """One line for stderr; the command exits INCOMPLETE (2) without running anything."""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "validate",
        help="certify a venue: 58 checks, a score and a GO / NO-GO verdict",
        description="Run the exchange readiness suite against one configured venue.",
    )
    parser.add_argument("--venue", required=True, metavar="NAME", help="[venues.NAME] to test")
    add_config_argument(parser)
    parser.add_argument("--symbol", help="market to test (default: the venue's first symbol)")
    parser.add_argument("--sandbox", action="store_true", help="the venue's url is a sandbox")
    parser.add_argument("--read-only", action="store_true", help="no order placement at all")
    parser.add_argument(
        "--allow-trades", action="store_true", help="run the micro round-trip checks (X)"
    )
    parser.add_argument("--max-loss", metavar="X", help="quote currency a run may lose")
    parser.add_argument("--max-notional", metavar="Y", help="largest order, in quote currency")
    parser.add_argument("--only", metavar="IDS", help="run only these checks (comma-separated)")
    parser.add_argument("--skip", metavar="IDS", help="do not run these checks")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the order plan, send no order"
    )
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=DEFAULT_REPORT_DIR,
        metavar="DIR",
        help=f"where reports, the run's journal and log go (default: {DEFAULT_REPORT_DIR})",
    )
    parser.add_argument("--format", default="json,html,md", help="any of json,html,md")
    parser.add_argument("--baseline", type=Path, metavar="PREVIOUS.json", help="diff against it")
    parser.set_defaults(handler=_handle)


def _ids(text: str | None, flag: str) -> frozenset[str] | None:
    if text is None:
        return None
    ids = frozenset(part.strip().upper() for part in text.split(",") if part.strip())
    unknown = sorted(ids - set(CATALOGUE))
    if unknown:
        raise BadInput(f"{flag}: no check {unknown[0]} (ids look like TEC-01 ... PRD-15)")
    return ids


def _amount(text: str | None, flag: str) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadInput(f"{flag}: {text!r} is not a number") from None
    if not value.is_finite() or value <= 0:
        raise BadInput(f"{flag}: must be above zero")
    return value


def _formats(text: str) -> frozenset[str]:
    chosen = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(chosen - set(FORMATS))
    if unknown or not chosen:
        raise BadInput(f"--format: {', '.join(unknown) or 'nothing'} (use json, html, md)")
    return chosen


def _check_flags(args: argparse.Namespace) -> None:
    if args.allow_trades and (args.max_loss is None or args.max_notional is None):
        raise BadInput("--allow-trades needs --max-loss and --max-notional")
    if args.allow_trades and args.read_only:
        raise BadInput("--allow-trades and --read-only exclude each other")


def _venue(args: argparse.Namespace) -> tuple[VenueConfig, str]:
    settings = load_or_report(args.config)
    if settings is None:
        raise BadInput("the config is invalid (see above)")
    config = settings.venues.get(args.venue)
    if config is None:
        known = ", ".join(sorted(settings.venues)) or "none"
        raise BadInput(f"no venue named {args.venue!r} in the config (venues: {known})")
    symbol = args.symbol or config.symbols[0]
    return config, symbol


def _print_progress(out: TextIO, result: CheckResult) -> None:
    title = result.spec.title[:44]
    out.write(f"{result.spec.id}  {title:<44} {result.state.value:<8} {result.duration_s:6.2f}s\n")
    out.flush()


def _handle(args: argparse.Namespace) -> ExitCode:
    try:
        _check_flags(args)
        only, skip = _ids(args.only, "--only"), _ids(args.skip, "--skip") or frozenset()
        formats = _formats(args.format)
        max_loss = _amount(args.max_loss, "--max-loss")
        max_notional = _amount(args.max_notional, "--max-notional")
        baseline = load_baseline(args.baseline) if args.baseline is not None else None
        config, symbol = _venue(args)
        mode = mode_of(config, sandbox=args.sandbox)
        # a loopback venue is `lyrad sim` (embedded or standalone): the sim's deviations apply
        deviations = load_deviations("sim" if mode is Mode.SIM else config.exchange)
    except (BadInput, BaselineError, DeviationError) as e:
        print(f"lyrad: validate: {e}", file=sys.stderr)
        return ExitCode.INCOMPLETE
    if args.sandbox and config.url is None:
        print("lyrad: validate: --sandbox needs the venue's sandbox url", file=sys.stderr)
        return ExitCode.INCOMPLETE
    redactor = Redactor()
    report_dir: Path = args.report_dir
    report_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    log_path = report_dir / f"validation-{args.venue}-{stamp}.log"
    with log_path.open("a", encoding="utf-8") as log_file:
        configure_logging(level="info", fmt="json", redactor=redactor, stream=log_file)
        options = RunOptions(
            venue=args.venue,
            exchange=config.exchange,
            symbol=symbol,
            mode=mode,
            has_credentials=False,
            credential_source=credential_source(config),
            read_only=args.read_only,
            allow_trades=args.allow_trades,
            max_loss=max_loss,
            max_notional=max_notional,
            dry_run=args.dry_run,
            only=only,
            skip=skip,
            config_hash=config_hash(config),
        )
        session = Session(
            options=options,
            access=VenueAccess(args.venue, config.exchange, None, None, None, None, 10.0),
            report_dir=report_dir,
            deviations=deviations,
            redactor=redactor,
            formats=formats,
            baseline=baseline,
            log_text=lambda: log_path.read_text(encoding="utf-8", errors="replace"),
        )
        return _run(session, config, log_path)


def _run(session: Session, config: VenueConfig, log_path: Path) -> ExitCode:
    terminal = sys.stdout.isatty()
    progress: Progress | None = (lambda r: _print_progress(sys.stdout, r)) if terminal else None
    try:
        outcome = asyncio.run(_main(session, config, progress))
    except UnknownSymbol as e:
        print(f"lyrad: validate: {e}", file=sys.stderr)
        return ExitCode.INCOMPLETE
    except Exception as e:
        log.exception("validate_harness_error")
        text = session.redactor.redact_text(f"{type(e).__name__}: {e}")
        print(f"lyrad: validate: harness error: {text} (log: {log_path})", file=sys.stderr)
        return ExitCode.HARNESS_ERROR
    result, notes = outcome
    if not terminal and "json" in session.formats:
        sys.stdout.write(json.dumps(result.report, indent=1) + "\n")
    for note in notes:
        print(f"lyrad: validate: {note}", file=sys.stderr)
    for step in items(result.report.get("order_plan")):
        print(f"lyrad: validate: dry run would send: {json.dumps(step)}", file=sys.stderr)
    card = result.card
    print(
        f"lyrad: validate: {session.options.venue} {session.options.symbol}: "
        f"{card.verdict.value} (total {card.total:.1f}, coverage {card.coverage:.0%}); "
        f"report {result.paths['json']}",
        file=sys.stderr,
    )
    return _EXIT[card.verdict]


async def _main(
    session: Session, config: VenueConfig, progress: Progress | None
) -> tuple[SessionResult, list[str]]:
    notes: list[str] = []
    async with AsyncExitStack() as stack:
        if config.kind == "sim":
            access = await stack.enter_async_context(_embedded_sim(session, config))
        else:
            access, note = access_for(session.options.venue, config, redactor=session.redactor)
            if note:
                notes.append(note)
        options = replace(
            session.options, has_credentials=access.has_credentials, key_id=access.key_id
        )
        if not access.has_credentials:
            notes.append("public checks only: the verdict can be at best INCOMPLETE")
        result = await run_session(replace(session, access=access, options=options), progress)
    return result, notes


@asynccontextmanager
async def _embedded_sim(session: Session, config: VenueConfig) -> AsyncIterator[VenueAccess]:
    """A venue of kind "sim": `lyrad sim` in this process, at real speed, with a fresh account."""
    from lyrad.sim.engine import AccountSpec
    from lyrad.sim.server import SimServer

    api_key, secret = secrets.token_hex(32), secrets.token_hex(32)
    session.redactor.register(api_key)
    session.redactor.register(secret)
    account = AccountSpec(
        name="validate", api_key=api_key, secret=secret, balances=dict(config.starting_balances)
    )
    # Real speed whatever the config says: freshness and latency are judged in real time.
    async with SimServer(
        scenario=config.scenario, seed=config.seed, speed=1.0, accounts=[account]
    ) as sim:
        yield VenueAccess(
            session.options.venue,
            config.exchange,
            sim.base_url,
            api_key,
            secret,
            None,
            config.request_timeout.total_seconds(),
        )
