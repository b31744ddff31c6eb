"""Operator commands over the control API: `status`, `remote-orders`, `submit`, `cancel`,
`halt`, `resume`. The token comes from $LYRAD_TOKEN or a token file, never an argument."""

from __future__ import annotations

import argparse
import json
import os
import ssl
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from lyrad.cli import ExitCode
from lyrad.config.settings import Settings
from lyrad.http.control_client import ClientError, ControlClient
from lyrad.runtime.commands import add_config_argument, load_or_report
from lyrad.security.config import ControlConfig
from lyrad.security.errors import SecurityError
from lyrad.security.files import require_private

TOKEN_ENV = "LYRAD_TOKEN"  # noqa: S105  # a variable name
TOKEN_FILE_ENV = "LYRAD_TOKEN_FILE"  # noqa: S105  # a variable name
URL_ENV = "LYRAD_URL"
Run = Callable[[argparse.Namespace, ControlClient], ExitCode]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    status = _command(sub, "status", "trading state and components of the running daemon", _status)
    status.add_argument("--json", action="store_true", help="print the raw answer")
    orders = _command(sub, "remote-orders", "orders, as the running daemon sees them", None)
    add_remote_orders_arguments(orders)  # `lyrad orders --remote` is the same, via add_remote_flag
    orders.set_defaults(handler=run_remote_orders)
    submit = _command(sub, "submit", "send an order intent through the risk gate", _submit)
    submit.add_argument("--venue", required=True)
    submit.add_argument("--symbol", required=True, help="like BTC/USDT")
    submit.add_argument("--side", required=True, choices=["buy", "sell"])
    submit.add_argument("--type", required=True, choices=["limit", "market"])
    submit.add_argument("--amount", required=True, help="exact decimal, like 0.015")
    submit.add_argument("--price", help="exact decimal; limit orders only")
    submit.add_argument("--tif", default="GTC", choices=["GTC", "IOC", "FOK", "PO"])
    submit.add_argument("--reduce-only", action="store_true")
    cancel = _command(sub, "cancel", "cancel an order by client order id", _cancel)
    cancel.add_argument("id", metavar="CLIENT_ORDER_ID")
    halt = _command(sub, "halt", "kill switch: cancel open orders and stop trading", _halt)
    halt.add_argument("--flatten", action="store_true", help="also close positions")
    halt.add_argument("--reason", default="operator halt")
    resume = _command(sub, "resume", "leave HALTED and trade again", _resume)
    resume.add_argument("--reason", default="operator resume")
    _command(
        sub,
        "rollout-advance",
        "confirm the next capital stage (refused while a criterion fails)",
        _rollout_advance,
    )


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    if not any(a.dest == "config" for a in parser._actions):
        add_config_argument(parser)
    parser.add_argument("--url", help=f"daemon URL (default: ${URL_ENV}, else from the config)")
    parser.add_argument(
        "--token-file", type=Path, metavar="FILE", help=f"token file (default: ${TOKEN_ENV})"
    )
    parser.add_argument("--cacert", type=Path, metavar="FILE", help="CA to trust for https")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS")


def add_remote_orders_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--all", action="store_true", help="closed orders too")
    parser.add_argument("--venue")
    parser.add_argument("--symbol")
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--json", action="store_true", help="print the raw answer")


def add_remote_flag(parser: argparse.ArgumentParser) -> None:
    """The hook for `lyrad orders`: `--remote` plus the connection options.

    Its handler then calls `run_remote_orders(args)` when `args.remote` is set; the local
    `--live`, `--state` and `--json` options keep their meaning.
    """
    parser.add_argument("--remote", action="store_true", help="ask the running daemon")
    add_connection_arguments(parser)


def run_remote_orders(args: argparse.Namespace) -> ExitCode:
    """`lyrad remote-orders`, or `lyrad orders --remote` through `add_remote_flag`."""
    return _run(args, _orders)


def _command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help_text: str,
    run: Run | None,
) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text)
    add_connection_arguments(parser)
    if run is not None:
        parser.set_defaults(handler=lambda args: _run(args, run))
    return parser


def _run(args: argparse.Namespace, run: Run) -> ExitCode:
    settings = load_or_report(args.config)
    if settings is None:
        return ExitCode.CONFIG_ERROR
    try:
        return run(args, _client(args, settings))
    except (ClientError, SecurityError) as e:
        print(f"lyrad: {e}", file=sys.stderr)
        return ExitCode.FAILURE


def _token(args: argparse.Namespace) -> str:
    path = args.token_file or (
        Path(os.environ[TOKEN_FILE_ENV]) if os.environ.get(TOKEN_FILE_ENV) else None
    )
    if path is None:
        token = os.environ.get(TOKEN_ENV, "").strip()
        if not token:
            raise ClientError(f"no token: set {TOKEN_ENV} or pass --token-file")
        return token
    try:
        require_private(path)
        token = path.read_text().strip()
    except FileNotFoundError:
        raise ClientError(f"token file {path} does not exist") from None
    except (OSError, UnicodeDecodeError):
        raise ClientError(f"token file {path} cannot be read") from None
    if not token:
        raise ClientError(f"token file {path} is empty")
    return token


def _client(args: argparse.Namespace, settings: Settings) -> ControlClient:
    control = getattr(settings, "control", None)
    control = control if isinstance(control, ControlConfig) else ControlConfig()
    url = args.url or os.environ.get(URL_ENV)
    if not url:
        listen = settings.http.listen
        host = "127.0.0.1" if listen.host in ("0.0.0.0", "::") else listen.host  # noqa: S104
        host = f"[{host}]" if ":" in host else host
        url = f"{'https' if control.is_tls else 'http'}://{host}:{listen.port}"
    context = None
    if url.startswith("https://"):
        cafile = args.cacert or control.tls_cert
        context = ssl.create_default_context(cafile=str(cafile) if cafile else None)
    return ControlClient(url, _token(args), context, args.timeout)


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, sort_keys=True))


def _status(args: argparse.Namespace, client: ControlClient) -> ExitCode:
    status = client.get("/v1/status")
    if args.json:
        _print_json(status)
        return ExitCode.OK
    print(f"trading: {status['trading_state']} ({status['trading_reason']})")
    print(f"ready:   {'yes' if status['ready'] else 'no'}")
    for name, state in sorted(status["components"].items()):
        print(f"  {name:16} {state}")
    return ExitCode.OK


def _orders_query(args: argparse.Namespace) -> dict[str, str]:
    # `remote-orders` has --all; `orders --remote` keeps its own --live.
    open_only = not args.all if hasattr(args, "all") else bool(getattr(args, "live", False))
    query = {"state": "open" if open_only else "all"}
    query["limit"] = str(getattr(args, "limit", 1000))
    for key in ("venue", "symbol"):
        if getattr(args, key, None):
            query[key] = getattr(args, key)
    return query


def _orders(args: argparse.Namespace, client: ControlClient) -> ExitCode:
    orders = client.get("/v1/orders?" + urlencode(_orders_query(args)))["orders"]
    wanted = getattr(args, "state", None)
    if wanted:
        orders = [o for o in orders if o["state"] == wanted]
    if args.json:
        _print_json(orders)
        return ExitCode.OK
    print(f"{'CLIENT ORDER ID':28} {'SYMBOL':12} {'SIDE':4} {'AMOUNT':>14} {'PRICE':>14}  STATE")
    for o in orders:
        price = o["price"] if o["price"] is not None else "market"
        print(
            f"{o['client_order_id']:28} {o['symbol']:12} {o['side']:4} "
            f"{o['amount']:>14} {price:>14}  {o['state']}"
        )
    return ExitCode.OK


def _submit(args: argparse.Namespace, client: ControlClient) -> ExitCode:
    body: dict[str, Any] = {
        "venue": args.venue,
        "symbol": args.symbol,
        "side": args.side,
        "type": args.type,
        "amount": args.amount,
        "time_in_force": args.tif,
        "reduce_only": args.reduce_only,
    }
    if args.price is not None:
        body["price"] = args.price
    outcome = client.post("/v1/intents", body)
    print(f"intent {outcome['intent_id']} accepted: order {outcome['client_order_id']}")
    return ExitCode.OK


def _cancel(args: argparse.Namespace, client: ControlClient) -> ExitCode:
    outcome = client.post(f"/v1/orders/{quote(args.id, safe='')}/cancel")
    print(f"{outcome['client_order_id']}: {outcome['state']}")
    return ExitCode.OK


def _halt(args: argparse.Namespace, client: ControlClient) -> ExitCode:
    status = client.post("/v1/halt", {"flatten": args.flatten, "reason": args.reason})
    print(f"trading: {status['trading_state']} ({status['trading_reason']})")
    return ExitCode.OK


def _rollout_advance(args: argparse.Namespace, client: ControlClient) -> ExitCode:
    state = client.post("/v1/rollout/advance", {})
    print(f"capital stage {int(str(state['stage'])) + 1}: cap {state['cap']} {state['currency']}")
    return ExitCode.OK


def _resume(args: argparse.Namespace, client: ControlClient) -> ExitCode:
    status = client.post("/v1/resume", {"reason": args.reason})
    print(f"trading: {status['trading_state']} ({status['trading_reason']})")
    return ExitCode.OK
