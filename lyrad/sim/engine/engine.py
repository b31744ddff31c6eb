"""The matching engine's public face: accounts, reference prices, orders, queries."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from contextvars import Context
from decimal import Decimal
from types import MappingProxyType

from lyrad.sim.engine.accounts import HOUSE_ACCOUNT, HOUSE_BALANCE, AccountState, Ledger
from lyrad.sim.engine.arith import ZERO, exact_method, new_exact_context
from lyrad.sim.engine.filters import check_client_order_id
from lyrad.sim.engine.liquidity import ladder, requote
from lyrad.sim.engine.market import Market
from lyrad.sim.engine.members import CANCELED, MARKET
from lyrad.sim.engine.orders import (
    OPEN_STATUSES,
    ClosedOrder,
    LiveOrder,
)
from lyrad.sim.engine.placement import place_limit, place_market
from lyrad.sim.engine.queries import window
from lyrad.sim.engine.specs import check_account, check_profile, check_symbol
from lyrad.sim.engine.types import (
    AccountSpec,
    Balance,
    BookSnapshot,
    EngineRejection,
    LiquidityProfile,
    OrderRequest,
    RejectReason,
    SymbolSpec,
)
from lyrad.sim.engine.values import Fill, OrderSnapshot


class Engine:
    """Order books for a set of symbols shared by every account plus a house liquidity account.

    Semantics follow Binance spot: price-time priority, execution at the resting price,
    GTC/IOC/FOK, MARKET by quantity or quote amount, LIMIT_MAKER, filters, fees in the asset
    received. Where the sim simplifies:
    - Self-trade prevention is Binance's spot default EXPIRE_MAKER, but an expired maker
      reports EXPIRED (Binance says EXPIRED_IN_MATCH). An FOK that cannot fill expires
      without touching the account's own resting orders.
    - The house account (HOUSE_ACCOUNT, fee-free, 10**15 of every asset) quotes the
      LiquidityProfile around the reference price. Its quotes move only in
      set_reference_price/set_liquidity; liquidity taken stays taken until then.
    - A market order is valued at the reference price for NOTIONAL (Binance: avgPrice).
    - Client order ids: taken while the order is open and for 24h of sim time after it was
      placed, per account and symbol; generated ids are unique per account and symbol.
    Deterministic: the same seed and the same calls give the same results. Not thread-safe
    and not re-entrant (one event loop calls it; no call runs inside another).
    """

    def __init__(
        self,
        symbols: Sequence[SymbolSpec],
        accounts: Sequence[AccountSpec],
        liquidity: LiquidityProfile,
        seed: int,
        *,
        first_id: int = 1,
    ) -> None:
        """`first_id`: each symbol's first order id and first trade id (ids count up from it)."""
        if first_id < 1:
            raise ValueError(f"first_id must be >= 1, got {first_id}")
        check_profile(liquidity)
        specs: dict[str, SymbolSpec] = {}
        for spec in symbols:
            check_symbol(spec)
            if spec.symbol in specs:
                raise ValueError(f"symbol {spec.symbol} given twice")
            specs[spec.symbol] = spec
        self.symbols: Mapping[str, SymbolSpec] = MappingProxyType(specs)
        assets = list(dict.fromkeys([a for s in symbols for a in (s.base, s.quote)]))
        self._assets = assets
        self._markets = {name: Market(s, first_id) for name, s in specs.items()}
        self._rng = random.Random(seed)
        # Generated client ids are this + the order id: unique per account and symbol.
        prefix = f"sim{self._rng.getrandbits(32):08x}-"
        self._users: dict[str, AccountState] = {}
        self._by_key: dict[str, AccountSpec] = {}
        for account in accounts:
            check_account(account, self._users, self._by_key)
            state = AccountState(account, specs, assets, prefix, is_house=False)
            self._users[account.name] = state
            self._by_key[account.api_key] = account
        house = AccountSpec(HOUSE_ACCOUNT, "", "", dict.fromkeys(assets, HOUSE_BALANCE), ZERO, ZERO)
        self._house = AccountState(house, specs, assets, prefix, is_house=True)
        self._liquidity = liquidity
        self.exact_context: Context = new_exact_context()
        # Bound once: a fresh bound method per call is an allocation on the busiest paths.
        self._run = self.exact_context.run
        self._place = self._place_order
        self._cancel = self._cancel_order

    # ---- accounts ---------------------------------------------------------------------

    def account_by_api_key(self, api_key: str) -> AccountSpec | None:
        """The account with this API key, if any."""
        return self._by_key.get(api_key)

    def account(self, name: str) -> AccountSpec:
        """The account called `name` (KeyError if unknown)."""
        return self._users[name].spec

    @exact_method
    def balances(self, account: str) -> list[Balance]:
        """Free and locked balance of every asset (HOUSE_ACCOUNT gives the house's)."""
        return self._reader(account).balances()

    @exact_method
    def fees_collected(self) -> Mapping[str, Decimal]:
        """Commission collected so far, per asset."""
        fees = dict.fromkeys(self._assets, ZERO)
        for market in self._markets.values():
            fees[market.base] += market.base_fees
            fees[market.quote] += market.quote_fees
        return fees

    # ---- reference price and synthetic liquidity ----------------------------------------

    @exact_method
    def set_reference_price(self, symbol: str, price: Decimal, now_ms: int) -> None:
        """Move the house quotes around `price`, filling the user orders they cross."""
        market = self._market(symbol)
        if not price.is_finite() or price <= ZERO:
            raise EngineRejection(RejectReason.INVALID_PARAMETER, f"bad reference {price}")
        if price == market.reference and market.house_intact:
            return
        market.reference = price
        self._requote(market, now_ms)

    @exact_method
    def set_liquidity(self, profile: LiquidityProfile, now_ms: int) -> None:
        """Change the synthetic book's shape for every symbol and rebuild the quotes now."""
        try:
            check_profile(profile)
        except ValueError as e:
            raise EngineRejection(RejectReason.INVALID_PARAMETER, str(e)) from e
        self._liquidity = profile
        for market in self._markets.values():
            if market.reference is not None:
                self._requote(market, now_ms)

    def reference_price(self, symbol: str) -> Decimal:
        """The last reference price (INVALID_PARAMETER before the first one is set)."""
        reference = self._market(symbol).reference
        if reference is None:
            raise EngineRejection(RejectReason.INVALID_PARAMETER, f"no price yet for {symbol}")
        return reference

    def _requote(self, market: Market, now_ms: int) -> None:
        reference = market.reference
        if reference is not None:
            bids, asks = ladder(market.spec, reference, self._liquidity, self._rng)
            requote(market, self._house, bids, asks, now_ms)

    # ---- orders -----------------------------------------------------------------------

    def place_order(self, req: OrderRequest, now_ms: int) -> OrderSnapshot:
        """Place an order; raise EngineRejection (nothing changed) if it is refused."""
        # exact_method spelled out: this path is hot enough for its *args/**kwargs to show
        return self._run(self._place, req, now_ms)

    def _place_order(self, req: OrderRequest, now_ms: int) -> OrderSnapshot:
        market = self._markets.get(req.symbol) or self._market(req.symbol)
        account = self._users[req.account]
        ledger = account.ledgers[market.symbol]
        if not (market.is_trading and account.can_trade):
            raise EngineRejection(RejectReason.TRADING_DISABLED, "trading is disabled")
        # check_request, through the market's filters (shorter paths for orders that pass)
        client_order_id = req.client_order_id
        if client_order_id is not None:
            check_client_order_id(client_order_id)
        is_market = req.type is MARKET
        if is_market:
            market.market_filter.check(req, market.reference)
            tick = 0
        else:
            tick = market.limit_filter.check(req)
        chosen_id = client_order_id is not None
        if client_order_id is None:
            # unique per account and symbol, because order ids are unique per symbol
            client_order_id = f"{ledger.generated_prefix}{market.next_order_id}"
        elif ledger.may_be_taken(client_order_id):  # else: a new id, free
            ledger.check_client_id(client_order_id, now_ms)
        if is_market:
            return place_market(market, account, ledger, req, client_order_id, chosen_id, now_ms)
        return place_limit(market, account, ledger, req, tick, client_order_id, chosen_id, now_ms)

    def cancel_order(
        self,
        account: str,
        symbol: str,
        *,
        order_id: int | None = None,
        client_order_id: str | None = None,
        now_ms: int,
    ) -> OrderSnapshot:
        """Cancel an open order by id or client id."""
        # Finding the order needs no decimal arithmetic, so only the close runs in the exact
        # context. A refusal (often: the order filled meanwhile) is then raised from this frame
        # alone, where it crossed two: mypyc records each compiled frame an exception leaves
        # (a code, frame and traceback object, about 3,000 instructions).
        market = self._markets.get(symbol) or self._market(symbol)
        ledger = self._users[account].ledgers[market.symbol]
        if order_id is not None and client_order_id is None:  # the usual lookup, inlined
            order = ledger.orders.get(order_id)
            if order is None:
                raise EngineRejection(RejectReason.UNKNOWN_ORDER, "order does not exist")
        else:
            order = self._find(ledger, order_id, client_order_id)
        if isinstance(order, int) or order.status not in OPEN_STATUSES:
            raise EngineRejection(RejectReason.ORDER_ALREADY_CLOSED, "order is already closed")
        return self._run(self._cancel, market, order, now_ms)  # exact_method spelled out

    def _cancel_order(self, market: Market, order: LiveOrder, now_ms: int) -> OrderSnapshot:
        market.close(order, CANCELED, now_ms)
        return order.snapshot()

    @exact_method
    def cancel_open_orders(self, account: str, symbol: str, now_ms: int) -> list[OrderSnapshot]:
        """Cancel every open order of `account` in `symbol` (oldest first)."""
        market = self._market(symbol)
        out = []
        for order in list(self._users[account].ledgers[market.symbol].open_orders.values()):
            market.close(order, CANCELED, now_ms)
            out.append(order.snapshot())
        return out

    # ---- queries ----------------------------------------------------------------------

    def get_order(
        self,
        account: str,
        symbol: str,
        *,
        order_id: int | None = None,
        client_order_id: str | None = None,
    ) -> OrderSnapshot:
        """One order by id or client id (UNKNOWN_ORDER if there is none)."""
        ledger = self._users[account].ledgers[self._market(symbol).symbol]
        return ledger.snapshot(self._find(ledger, order_id, client_order_id))

    def open_orders(self, account: str, symbol: str | None = None) -> list[OrderSnapshot]:
        """Open orders of `account`, in one symbol or all, oldest first."""
        state = self._reader(account)
        names = [self._market(symbol).symbol] if symbol is not None else list(self._markets)
        return [o.snapshot() for name in names for o in state.ledgers[name].open_orders.values()]

    def all_orders(
        self,
        account: str,
        symbol: str,
        *,
        order_id: int | None = None,
        start_ms: int | None = None,
        end_ms: int | None = None,
        limit: int = 500,
    ) -> list[OrderSnapshot]:
        """Orders of any status (Binance allOrders windowing), oldest first."""
        ledger = self._users[account].ledgers[self._market(symbol).symbol]
        orders = window(
            ledger.orders.values(),
            ledger.order_id,
            ledger.placed_ms,
            from_id=order_id,
            start_ms=start_ms,
            end_ms=end_ms,
            limit=limit,
        )
        return [ledger.snapshot(o) for o in orders]

    def account_trades(
        self,
        account: str,
        symbol: str,
        *,
        order_id: int | None = None,
        from_id: int | None = None,
        start_ms: int | None = None,
        end_ms: int | None = None,
        limit: int = 500,
    ) -> list[Fill]:
        """The account's fills (Binance myTrades windowing), oldest first."""
        log = self._users[account].ledgers[self._market(symbol).symbol].trades
        indices: Sequence[int] = range(len(log))
        if order_id is not None:
            indices = [i for i in indices if log.order_ids[i] == order_id]
        chosen = window(
            indices,
            log.trade_ids.__getitem__,
            log.times_ms.__getitem__,
            from_id=from_id,
            start_ms=start_ms,
            end_ms=end_ms,
            limit=limit,
        )
        return [log.fill(i) for i in chosen]

    @exact_method
    def book(self, symbol: str, limit: int) -> BookSnapshot:
        """Depth of all accounts' orders and the synthetic quotes, aggregated per price."""
        market = self._market(symbol)
        bids, asks = market.depth(limit)
        return BookSnapshot(market.last_update_id, bids, asks)

    # ---- helpers ----------------------------------------------------------------------

    def _market(self, symbol: str) -> Market:
        market = self._markets.get(symbol)
        if market is None:
            raise EngineRejection(RejectReason.UNKNOWN_SYMBOL, f"unknown symbol {symbol!r}")
        return market

    def _reader(self, account: str) -> AccountState:
        return self._house if account == HOUSE_ACCOUNT else self._users[account]

    @staticmethod
    def _find(
        ledger: Ledger, order_id: int | None, client_order_id: str | None
    ) -> LiveOrder | ClosedOrder:
        if order_id is None and client_order_id is None:
            raise EngineRejection(
                RejectReason.INVALID_PARAMETER, "order id or client order id is required"
            )
        order = ledger.find(order_id, client_order_id)
        if order is None:
            raise EngineRejection(RejectReason.UNKNOWN_ORDER, "order does not exist")
        return order
