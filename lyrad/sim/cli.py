"""`lyrad sim`: run the simulated exchange on loopback until SIGTERM or SIGINT.

Once listening it prints exactly one JSON line on stdout (URLs, admin token, account
credentials, symbols) for the process that started it; logs go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from pathlib import Path

from lyrad.cli import ExitCode
from lyrad.sim.accounts import AccountsError, load_accounts
from lyrad.sim.engine import AccountSpec
from lyrad.sim.scenarios import (
    DEFAULT_SCENARIO,
    Scenario,
    ScenarioError,
    list_scenarios,
    load_scenario,
)
from lyrad.sim.server import SimServer
from lyrad.sim.venue import first_id_after_earlier_runs, wall_clock_ms

log = logging.getLogger("lyrad.sim")


# Binance's ids are signed 64-bit; leave room for every id a run can hand out.
MAX_FIRST_ID = 2**62


def _port(text: str) -> int:
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a TCP port (0 picks a free one)")
    return port


def _speed(text: str) -> float:
    speed = float(text)
    if not 0 < speed < float("inf"):
        raise argparse.ArgumentTypeError("speed must be a positive number")
    return speed


def _first_id(text: str) -> int:
    first = int(text)
    if not 1 <= first <= MAX_FIRST_ID:
        raise argparse.ArgumentTypeError(f"the first id must be from 1 to {MAX_FIRST_ID}")
    return first


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "sim",
        help="run the simulated exchange (Binance spot REST API on loopback)",
        description="Run a simulated Binance spot venue on 127.0.0.1 until SIGTERM/SIGINT.",
    )
    parser.add_argument(
        "--scenario",
        default=DEFAULT_SCENARIO,
        metavar="NAME",
        help=f"a shipped scenario or a scenario TOML file (default: {DEFAULT_SCENARIO})",
    )
    parser.add_argument("--port", type=_port, default=0, help="API port (default: 0, any free)")
    parser.add_argument(
        "--admin-port", type=_port, default=0, help="admin API port (default: 0, any free)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument(
        "--speed", type=_speed, default=1.0, help="sim seconds per real second (default: 1)"
    )
    parser.add_argument(
        "--accounts", type=Path, default=None, metavar="FILE", help="accounts TOML file"
    )
    parser.add_argument(
        "--first-id",
        type=_first_id,
        default=None,
        metavar="N",
        help="first order and trade id (default: from the clock, so that ids never repeat"
        " across restarts, as on a real venue)",
    )
    parser.add_argument(
        "--list-scenarios", action="store_true", help="print the shipped scenarios and exit"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> ExitCode:
    """The `lyrad sim` handler."""
    if args.list_scenarios:
        return _list_scenarios()
    try:
        scenario = load_scenario(args.scenario)
        accounts = load_accounts(args.accounts) if args.accounts is not None else None
    except (ScenarioError, AccountsError) as e:
        print(f"lyrad sim: {e}", file=sys.stderr)
        return ExitCode.CONFIG_ERROR
    _configure_logging()
    try:
        asyncio.run(_serve(args, scenario, accounts))
    except OSError as e:
        print(f"lyrad sim: cannot listen: {e}", file=sys.stderr)
        return ExitCode.FAILURE
    return ExitCode.OK


def _list_scenarios() -> ExitCode:
    try:
        scenarios = list_scenarios()
    except ScenarioError as e:
        print(f"lyrad sim: {e}", file=sys.stderr)
        return ExitCode.CONFIG_ERROR
    for scenario in scenarios:
        print(f"{scenario.name}\t{scenario.description}")
    return ExitCode.OK


def _configure_logging() -> None:
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(
            stream=sys.stderr,
            level=logging.INFO,
            format="%(asctime)s %(levelname)s %(name)s %(message)s",
        )


async def _serve(
    args: argparse.Namespace, scenario: Scenario, accounts: list[AccountSpec] | None
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)
    for signum in signals:
        loop.add_signal_handler(signum, stop.set)
    try:
        async with SimServer(
            scenario=scenario,
            port=args.port,
            admin_port=args.admin_port,
            seed=args.seed,
            speed=args.speed,
            accounts=accounts,
            first_id=args.first_id or first_id_after_earlier_runs(wall_clock_ms()),
        ) as server:
            announcement = {
                "base_url": server.base_url,
                "admin_url": server.admin_url,
                "admin_token": server.admin_token,
                "accounts": [
                    {"name": a.name, "api_key": a.api_key, "secret": a.secret}
                    for a in server.accounts
                ],
                "symbols": list(server.symbols),
            }
            print(json.dumps(announcement), flush=True)
            log.info(
                "sim_listening base_url=%s admin_url=%s scenario=%s seed=%s speed=%s",
                server.base_url,
                server.admin_url,
                scenario.name,
                args.seed,
                args.speed,
            )
            await stop.wait()
            log.info("sim_stopping")
    finally:
        for signum in signals:
            loop.remove_signal_handler(signum)
