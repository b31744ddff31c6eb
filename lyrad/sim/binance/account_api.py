"""Account endpoints: balances, own trades, trade fees, commission rates, API key restrictions."""

from __future__ import annotations

from lyrad.sim.binance import errors, wire_account, wire_orders
from lyrad.sim.binance.call import Call

DAY_MS = 86_400_000


def account(call: Call) -> object:
    spec = call.account
    balances = call.venue.engine.balances(spec.name)
    if call.params.boolean("omitZeroBalances"):
        balances = [b for b in balances if b.free or b.locked]
    modes = call.venue.modes
    return wire_account.account(
        spec, balances, call.now_ms, can_withdraw=spec.can_withdraw or modes.withdrawals_enabled
    )


def my_trades(call: Call) -> object:
    params = call.params
    symbol = call.required_spec().symbol
    order_id = params.integer("orderId")
    from_id = params.integer("fromId")
    start_ms = params.integer("startTime")
    end_ms = params.integer("endTime")
    if from_id is not None and (start_ms is not None or end_ms is not None):
        raise errors.bad_combination()
    if start_ms is not None and end_ms is not None and end_ms - start_ms > DAY_MS:
        raise errors.BinanceError(
            errors.BAD_REQUEST, -1127, "More than 24 hours between startTime and endTime."
        )
    fills = call.venue.engine.account_trades(
        call.account.name,
        symbol,
        order_id=order_id,
        from_id=from_id,
        start_ms=start_ms,
        end_ms=end_ms,
        limit=params.limit("limit", default=500, maximum=1000),
    )
    return [wire_orders.account_trade(fill) for fill in fills]


def trade_fee(call: Call) -> object:
    symbol = call.params.symbol()
    specs = call.venue.specs if symbol is None else (call.spec(symbol),)
    return [wire_account.trade_fee(spec.symbol, call.account) for spec in specs]


def commission(call: Call) -> object:
    spec = call.required_spec()
    return wire_account.commission(spec.symbol, call.account)


def api_restrictions(call: Call) -> object:
    modes = call.venue.modes
    return wire_account.api_restrictions(
        call.account,
        call.venue.started_ms,
        withdrawals=call.account.can_withdraw or modes.withdrawals_enabled,
        ip_restricted=modes.ip_restricted,
    )
