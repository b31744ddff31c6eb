"""The stop manager: stops owned by the daemon, journaled, watched, fired once.

Every `poll_interval` it reads one ticker per symbol with watched stops and evaluates each
stop against the price its exit would trade at (see `triggers`). A stop that fires goes
through `ExitSender`. The whole set lives in the journal (see `store`), so a restarted
manager watches what the last one watched, with trailing levels at most `persist_interval`
old, and never fires a stop twice.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Protocol

import structlog

from lyrad.domain.errors import VenueError
from lyrad.runtime.component import ReadyCallback
from lyrad.runtime.slot import Slot
from lyrad.strategies.base import MarketView, OrderGateway, PortfolioView
from lyrad.trading.stops.book import StopBook
from lyrad.trading.stops.candles import AtrTracker, CandleFeed
from lyrad.trading.stops.config import StopsConfig
from lyrad.trading.stops.exits import NOT_NOW, UNWRITTEN, ExitSender, stop_event
from lyrad.trading.stops.native import NativeStops
from lyrad.trading.stops.records import StopRecord, StopStatus, spec_json
from lyrad.trading.stops.specs import AtrStop, StopSpec, Target
from lyrad.trading.stops.store import StopStore
from lyrad.trading.stops.triggers import evaluate, executable_price

log = structlog.get_logger("lyrad.stops", component="stops")


class StopClock(Protocol):
    """Wall time for deadlines and records, and the sleep between rounds."""

    def time_ms(self) -> int: ...

    async def sleep(self, seconds: float) -> None: ...


class UnknownStop(KeyError):
    """No stop with this id (or not one that can be removed any more)."""


def random_stop_id() -> str:
    return secrets.token_hex(6)


class StopManager:
    """Component: loads the journaled stops, then watches and fires them until cancelled."""

    def __init__(
        self,
        *,
        config: StopsConfig,
        store: StopStore,
        gateway: OrderGateway,
        market_view: MarketView,
        portfolio: PortfolioView,
        clock: StopClock,
        venues: Mapping[str, tuple[str, ...]],
        candles: CandleFeed | None = None,
        native: NativeStops | None = None,
        published: Slot[StopManager] | None = None,
        new_id: Callable[[], str] = random_stop_id,
    ) -> None:
        self._config = config
        self._market_view = market_view
        self._clock = clock
        self._venues = venues
        self._native = native
        self._published = published
        self._new_id = new_id
        self._book = StopBook(store, config.history)
        self._exits = ExitSender(
            book=self._book,
            gateway=gateway,
            market_view=market_view,
            portfolio=portfolio,
            max_attempts=config.max_attempts,
        )
        self._atr = (
            None
            if candles is None
            else AtrTracker(
                candles,
                refresh_ms=_ms(config.atr_refresh.total_seconds()),
                candles=config.atr_candles,
            )
        )
        self._unreachable: set[tuple[str, str]] = set()
        self._loaded = False

    # --- the component ----------------------------------------------------------------------

    async def run(self, ready: ReadyCallback) -> None:
        await self.load()
        if self._published is not None:
            self._published.set(self)
        ready()
        try:
            interval = self._config.poll_interval.total_seconds()
            while True:
                await self.check_once()
                await self._clock.sleep(interval)
        finally:
            if self._published is not None:
                self._published.clear()
            await self._flush_on_exit()

    async def load(self) -> None:
        """Read the journaled stops; one found TRIGGERED may have been sent: never again."""
        records = await self._book.load()
        now = self._clock.time_ms()
        for record in records:
            if record.status is StopStatus.TRIGGERED:
                unsure = replace(
                    record,
                    status=StopStatus.UNCONFIRMED,
                    reason=f"{record.reason}; restarted before its outcome was journaled",
                    updated_ms=now,
                )
                log.warning("stop_unconfirmed", stop_id=record.stop_id, reason=unsure.reason)
                self._book.apply(unsure)
                await self._book.commit(now, stop_event("stop_unconfirmed", unsure))
        self._loaded = True
        active = [r for r in records if r.status is StopStatus.ACTIVE]
        log.info("stops_loaded", active=len(active), total=len(records))

    # --- the API (the control API uses these) -------------------------------------------------

    async def add(self, target: Target, spec: StopSpec, *, group: str | None = None) -> StopRecord:
        """Arm a stop; `group` defaults to its position, so a position's stops are OCO.

        ValueError for a symbol lyrad does not trade or an ATR stop without candles.
        """
        self._require_loaded()
        if target.symbol not in self._venues.get(target.venue, ()):
            raise ValueError(f"{target.venue} {target.symbol} is not a configured market")
        if isinstance(spec, AtrStop) and self._atr is None:
            raise ValueError("ATR stops need a candle feed, and this manager has none")
        now = self._clock.time_ms()
        record = StopRecord(
            stop_id=self._new_id(),
            target=target,
            spec=spec,
            group=group or target.position_key,
            status=StopStatus.ACTIVE,
            created_ms=now,
            updated_ms=now,
        )
        if self._book.get(record.stop_id) is not None:
            raise ValueError(f"stop id {record.stop_id} is taken")
        self._book.apply(record)
        await self._book.commit(now, stop_event("stop_added", record, spec=spec_json(spec)))
        log.info("stop_added", stop_id=record.stop_id, kind=record.kind, group=record.group)
        return await self._place_natively(record)

    async def remove(self, stop_id: str, reason: str = "removed") -> StopRecord:
        """Disarm an active stop; UnknownStop when there is none (or it fired meanwhile)."""
        self._require_loaded()
        record = self._book.get(stop_id)
        if record is None or record.status is not StopStatus.ACTIVE:
            raise UnknownStop(stop_id)
        if record.native_ref is not None and self._native is not None:
            await self._native.cancel(record)
        now = self._clock.time_ms()
        gone = replace(record, status=StopStatus.CANCELLED, reason=reason, updated_ms=now)
        self._book.apply(gone)
        await self._book.commit(now, stop_event("stop_cancelled", gone))
        log.info("stop_removed", stop_id=stop_id, reason=reason)
        return gone

    def list_stops(
        self, *, venue: str | None = None, symbol: str | None = None
    ) -> list[StopRecord]:
        """Every stop kept (active first by age, then the recent finished ones)."""
        chosen = [
            r
            for r in self._book.records()
            if (venue is None or r.target.venue == venue)
            and (symbol is None or r.target.symbol == symbol)
        ]
        return sorted(chosen, key=lambda r: r.status.is_final)

    def get(self, stop_id: str) -> StopRecord | None:
        return self._book.get(stop_id)

    async def native_fired(self, stop_id: str, client_order_id: str | None) -> None:
        """A venue executed a stop it held: record it and cancel its siblings."""
        record = self._book.get(stop_id)
        if record is None or record.status is not StopStatus.ACTIVE:
            raise UnknownStop(stop_id)
        now = self._clock.time_ms()
        done = replace(
            record,
            status=StopStatus.EXECUTED,
            client_order_id=client_order_id,
            reason="executed by the venue",
        )
        await self._withdraw(await self._exits.finish(done, now))

    # --- watching ------------------------------------------------------------------------------

    async def check_once(self) -> None:
        """One round: every watched stop evaluated once; trailing levels saved if due."""
        by_symbol: dict[tuple[str, str], list[str]] = {}
        for record in self._book.records():
            if record.is_watched:
                key = (record.target.venue, record.target.symbol)
                by_symbol.setdefault(key, []).append(record.stop_id)
        async with asyncio.TaskGroup() as tg:
            for (venue, symbol), ids in by_symbol.items():
                tg.create_task(self._check_symbol(venue, symbol, ids))
        await self._flush_if_due()

    async def _check_symbol(self, venue: str, symbol: str, stop_ids: Iterable[str]) -> None:
        bid, ask = await self._quote(venue, symbol)
        for stop_id in stop_ids:
            first = self._eligible(stop_id)
            if first is None:
                continue
            now = self._clock.time_ms()
            atr = await self._atr_of(first, now)
            # Read again after the wait; from here to the durable mark nothing awaits, so no
            # other task can fire this stop or a sibling in between.
            record = self._eligible(stop_id)
            if record is None:
                continue
            price = executable_price(record.target.side, bid, ask)
            outcome = evaluate(record.spec, record.target.side, record.watermark, price, now, atr)
            if outcome.watermark != record.watermark:
                record = replace(record, watermark=outcome.watermark, updated_ms=now)
                self._book.touch(record)
            if outcome.triggered:
                await self._withdraw(await self._exits.fire(record, outcome.price, now))

    async def _quote(self, venue: str, symbol: str) -> tuple[Decimal | None, Decimal | None]:
        key = (venue, symbol)
        try:
            ticker = await self._market_view.ticker(venue, symbol)
        except NOT_NOW as error:
            if key not in self._unreachable:
                self._unreachable.add(key)
                log.warning("stop_marks_unavailable", venue=venue, symbol=symbol, error=str(error))
            return None, None
        if key in self._unreachable:
            self._unreachable.discard(key)
            log.info("stop_marks_available", venue=venue, symbol=symbol)
        return ticker.bid, ticker.ask

    async def _atr_of(self, record: StopRecord, now_ms: int) -> Decimal | None:
        if not isinstance(record.spec, AtrStop) or self._atr is None:
            return None
        return await self._atr.atr(record.target.venue, record.target.symbol, record.spec, now_ms)

    def _eligible(self, stop_id: str) -> StopRecord | None:
        """The stop, if it is still watched and no sibling's exit is in flight."""
        record = self._book.get(stop_id)
        if record is None or not record.is_watched:
            return None  # removed, or a sibling fired, since the round began
        group = self._book.group(record.group)
        return None if any(r.status is StopStatus.TRIGGERED for r in group) else record

    # --- saving and the venue's own stops ---------------------------------------------------

    async def _flush_if_due(self) -> None:
        if not self._book.is_dirty:
            return
        now = self._clock.time_ms()
        last = self._book.last_commit_ms
        if last is not None and now - last < _ms(self._config.persist_interval.total_seconds()):
            return
        try:
            await self._book.commit(now)
        except UNWRITTEN as error:
            log.warning("stop_levels_not_saved", error=str(error))

    async def _flush_on_exit(self) -> None:
        if not self._loaded or not self._book.is_dirty:
            return
        try:
            async with asyncio.timeout(self._config.flush_timeout.total_seconds()):
                await self._book.commit(self._clock.time_ms())
        except (*UNWRITTEN, TimeoutError) as error:
            log.warning("stop_levels_not_saved", error=str(error) or "timeout")

    async def _place_natively(self, record: StopRecord) -> StopRecord:
        native = self._native
        if native is None or not native.handles(record):
            return record
        try:
            reference = await native.place(record)
        except VenueError as error:
            log.warning("stop_native_refused", stop_id=record.stop_id, error=str(error))
            return record
        current = self._book.get(record.stop_id)
        if current is None or current.status is not StopStatus.ACTIVE:
            # Fired or removed while the venue answered: the venue's copy must not stay.
            await self._withdraw([replace(record, native_ref=reference)])
            return current or record
        held = replace(current, native_ref=reference)
        self._book.apply(held)
        await self._book.commit(self._clock.time_ms(), stop_event("stop_placed_natively", held))
        return held

    async def _withdraw(self, cancelled: list[StopRecord]) -> None:
        """Siblings the venue holds are withdrawn there too."""
        if self._native is None:
            return
        for record in cancelled:
            if record.native_ref is None:
                continue
            try:
                await self._native.cancel(record)
            except VenueError as error:
                log.error("stop_native_cancel_failed", stop_id=record.stop_id, error=str(error))

    def _require_loaded(self) -> None:
        if not self._loaded:
            raise RuntimeError("the stop manager has not loaded its stops yet")


def _ms(seconds: float) -> int:
    return round(seconds * 1000)
