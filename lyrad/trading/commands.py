"""`lyrad orders` and `lyrad positions`: read the journal, also while the daemon runs."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from lyrad.cli import ExitCode
from lyrad.domain.errors import JournalError
from lyrad.domain.orders import Order, OrderState
from lyrad.domain.values import Position
from lyrad.http.client_commands import add_remote_flag, run_remote_orders
from lyrad.journal.readonly import JournalView, open_readonly
from lyrad.runtime.commands import add_config_argument, load_or_report


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    orders = sub.add_parser("orders", help="list orders from the journal")
    add_config_argument(orders)
    orders.add_argument(
        "--state", choices=[s.value for s in OrderState], help="only orders in this state"
    )
    orders.add_argument("--live", action="store_true", help="only orders the venue may hold")
    orders.add_argument("--json", action="store_true", help="one JSON array on stdout")
    add_remote_flag(orders)
    orders.set_defaults(handler=_orders)
    positions = sub.add_parser("positions", help="list positions from the journal")
    add_config_argument(positions)
    positions.add_argument("--json", action="store_true", help="one JSON array on stdout")
    positions.set_defaults(handler=_positions)


def _open(args: argparse.Namespace) -> JournalView | None:
    settings = load_or_report(args.config)
    if settings is None:
        return None
    path = settings.journal.path
    if not path.exists():
        print(
            f"lyrad: no journal at {path} (has the daemon run with this config?)", file=sys.stderr
        )
        return None
    try:
        return open_readonly(path)
    except JournalError as e:
        print(f"lyrad: {e}", file=sys.stderr)
        return None


def order_json(order: Order) -> dict[str, Any]:
    return {
        "client_order_id": order.client_order_id,
        "venue_order_id": order.venue_order_id,
        "venue": order.venue,
        "symbol": order.symbol,
        "side": order.side.value,
        "type": order.type.value,
        "state": order.state.value,
        "amount": str(order.amount),
        "filled": str(order.filled),
        "price": None if order.price is None else str(order.price),
        "cost": str(order.cost),
        "fee": str(order.fee),
        "fee_currency": order.fee_currency,
        "intent_id": order.intent_id,
        "reason": order.reason,
        "created_ms": order.created_ms,
        "updated_ms": order.updated_ms,
    }


def position_json(position: Position) -> dict[str, Any]:
    return {
        "venue": position.venue,
        "symbol": position.symbol,
        "quantity": str(position.quantity),
        "average_cost": str(position.average_cost),
        "realized_pnl": str(position.realized_pnl),
        "fees_paid": str(position.fees_paid),
    }


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows
    )


def _orders(args: argparse.Namespace) -> ExitCode:
    if args.remote:
        return run_remote_orders(args)
    view = _open(args)
    if view is None:
        return ExitCode.FAILURE
    with view:
        state = OrderState(args.state) if args.state else None
        found = view.orders(state=state, live_only=args.live)
    if args.json:
        print(json.dumps([order_json(o) for o in found]))
        return ExitCode.OK
    header = ["CLIENT ID", "VENUE", "SYMBOL", "SIDE", "TYPE", "STATE", "AMOUNT", "FILLED", "PRICE"]
    rows = [
        [
            o.client_order_id,
            o.venue,
            o.symbol,
            o.side.value,
            o.type.value,
            o.state.value,
            str(o.amount),
            str(o.filled),
            "" if o.price is None else str(o.price),
        ]
        for o in found
    ]
    print(_table([header, *rows]) if rows else "no orders")
    return ExitCode.OK


def _positions(args: argparse.Namespace) -> ExitCode:
    view = _open(args)
    if view is None:
        return ExitCode.FAILURE
    with view:
        found = view.positions()
    if args.json:
        print(json.dumps([position_json(p) for p in found]))
        return ExitCode.OK
    header = ["VENUE", "SYMBOL", "QUANTITY", "AVG COST", "REALIZED PNL", "FEES"]
    rows = [
        [
            p.venue,
            p.symbol,
            str(p.quantity),
            str(p.average_cost),
            str(p.realized_pnl),
            str(p.fees_paid),
        ]
        for p in found
    ]
    print(_table([header, *rows]) if rows else "no positions")
    return ExitCode.OK
