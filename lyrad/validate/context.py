"""What a check sees: the run's options, the recorded adapter, the desk, and shared findings."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from prometheus_client import CollectorRegistry

from lyrad.domain.values import Balance, Fill, Market
from lyrad.domain.venue import OrderBook, Ticker
from lyrad.exchanges.adapter import ExchangeAdapter
from lyrad.exchanges.clock import Clock
from lyrad.exchanges.quirks import Endpoint, VenueQuirks
from lyrad.exchanges.rate_limit import WeightedRateLimiter
from lyrad.validate.calls import CallLog
from lyrad.validate.desk import Cleanup, DeskJournal, OrderDesk
from lyrad.validate.deviations import Deviations
from lyrad.validate.ledger import LedgerEntry
from lyrad.validate.model import CheckResult, Json, NotApplicable, NotRun
from lyrad.validate.recorded import RecordedAdapter, RecordedExtras
from lyrad.validate.venue_extras import (
    KeyPermissions,
    PublishedRules,
    TradingFee,
    VenueDescription,
)


class CheckJournal(DeskJournal, Protocol):
    """The journal as the checks read it (a subset of `OrderJournal`)."""

    async def fills(
        self,
        *,
        venue: str | None = None,
        client_order_id: str | None = None,
        since_ms: int | None = None,
    ) -> list[Fill]: ...


class Mode(StrEnum):
    LIVE = "live"
    SANDBOX = "sandbox"
    SIM = "sim"  # the embedded sim or a loopback URL


@dataclass(frozen=True, slots=True)
class RunOptions:
    venue: str
    exchange: str
    symbol: str
    mode: Mode
    has_credentials: bool
    credential_source: str  # vault, env, literal, generated (embedded sim) or none
    key_id: str | None = None  # "…abcd": the key's last four characters only
    read_only: bool = False
    allow_trades: bool = False
    max_loss: Decimal | None = None
    max_notional: Decimal | None = None
    dry_run: bool = False
    only: frozenset[str] | None = None
    skip: frozenset[str] = frozenset()
    config_hash: str = ""
    wall_budget_s: float = 300.0

    def flags(self) -> dict[str, Json]:
        return {
            "read_only": self.read_only,
            "allow_trades": self.allow_trades,
            "max_loss": None if self.max_loss is None else str(self.max_loss),
            "max_notional": None if self.max_notional is None else str(self.max_notional),
            "dry_run": self.dry_run,
            "only": sorted(self.only) if self.only is not None else None,
            "skip": sorted(self.skip),
        }


@dataclass(frozen=True, slots=True)
class Timing:
    """How long the suite waits for things; tests shorten what a sim does not need."""

    visibility_s: float = 2.0  # TRD-04 and TRD-06: an order shows up or goes away within this
    poll_s: float = 0.1
    public_samples: int = 30
    private_samples: int = 12
    burst_calls: int = 20
    timeout_probe_s: float = 0.001


@dataclass(frozen=True, slots=True)
class Instance:
    """A separately built adapter: its own session and metrics registry, the shared limiter."""

    adapter: ExchangeAdapter
    registry: CollectorRegistry

    def requests(self, endpoint: Endpoint) -> dict[str, int]:
        """Requests this instance made to `endpoint`, by outcome label."""
        return requests_by_outcome(self.registry, self.adapter.venue, endpoint)


class AdapterFactory(Protocol):
    """Builds fresh adapter instances of the venue under test (SEC-03, PRD-10, PRD-12)."""

    def open(
        self, *, secret: str | None = None, timeout_s: float | None = None
    ) -> AbstractAsyncContextManager[Instance]: ...


@dataclass(frozen=True, slots=True)
class ErrorObservation:
    """One provoked error for PRD-09's mapping table."""

    provoked: str  # what was asked for: "BadSymbol", "OrderNotFound", ...
    check: str
    lyrad_class: str | None  # None: no error came back
    ccxt_class: str | None
    ccxt_lineage: tuple[str, ...]
    definitive: bool | None
    sent: bool  # the request left the process


@dataclass(slots=True)
class Facts:
    """What earlier checks found that later ones use; None means "not established"."""

    server_offset_ms: int | None = None
    markets_loaded: bool = False
    market: Market | None = None
    description: VenueDescription | None = None
    ticker: Ticker | None = None
    book: OrderBook | None = None
    fee: TradingFee | None = None
    authenticated: bool = False
    balances: list[Balance] | None = None
    foreign_open: frozenset[str] | None = None  # venue ids of orders the suite did not place
    lifecycle: LedgerEntry | None = None  # the resting buy TRD-02 placed (or its replacement)
    balance_before: dict[str, Balance] | None = None
    balance_during: dict[str, Balance] | None = None
    buy_touch: Decimal | None = None  # the ask when TRD-14's buy was sent
    sell_touch: Decimal | None = None
    round_trip: list[LedgerEntry] = field(default_factory=list)
    balances_before_trip: dict[str, Balance] | None = None
    balances_after_trip: dict[str, Balance] | None = None
    errors: list[ErrorObservation] = field(default_factory=list)
    rules: PublishedRules | None = None
    reserved_notional: Decimal | None = None  # what TRD-02's order should lock
    lifecycle_step: Decimal | None = None  # the notional of one amount step at its price
    permissions: KeyPermissions | None = None
    permissions_read: bool = False
    cleanup: Cleanup | None = None
    clock_skew: dict[str, Json] = field(default_factory=dict)


@dataclass(slots=True)
class RunContext:
    options: RunOptions
    adapter: RecordedAdapter
    extras: RecordedExtras | None
    factory: AdapterFactory
    journal: CheckJournal
    desk: OrderDesk
    calls: CallLog
    clock: Clock
    wall_ms: Callable[[], int]
    deviations: Deviations
    registry: CollectorRegistry  # the main adapter's venue metrics
    limiter: WeightedRateLimiter
    quirks: VenueQuirks
    timing: Timing = field(default_factory=Timing)
    facts: Facts = field(default_factory=Facts)
    started_ms: int = 0
    started_monotonic: float = 0.0
    # Never reported: what SEC-10 looks for. The canary is a random value planted as a secret.
    secrets: tuple[str | None, str | None] = field(default=(None, None), repr=False)
    canary: str = field(default="", repr=False)
    leak_sources: Callable[[], list[tuple[str, str]]] | None = None
    results: list[CheckResult] = field(default_factory=list)

    @property
    def symbol(self) -> str:
        return self.options.symbol

    def require_market(self) -> Market:
        if self.facts.market is None:
            raise NotRun("the market did not load (TEC-01)")
        return self.facts.market

    def require_extras(self) -> RecordedExtras:
        if self.extras is None:
            raise NotRun("the adapter does not offer the suite's extra calls (VenueExtras) yet")
        return self.extras

    def require_description(self) -> VenueDescription:
        return self.require_extras().describe()

    def require_auth(self) -> None:
        if not self.options.has_credentials:
            raise NotRun("no credentials for this venue")
        if not self.facts.authenticated:
            raise NotRun("authentication did not succeed (SEC-02)")

    def require_capability(self, *names: str) -> None:
        """N/A unless the venue offers one of `names` per `has`."""
        has = self.require_description().has
        if not any(has.get(name) for name in names):
            raise NotApplicable(f"the venue lacks {' / '.join(names)} (has)")

    def requests(self, endpoint: Endpoint) -> dict[str, int]:
        """The main adapter's requests to `endpoint` by outcome, from its metrics."""
        return requests_by_outcome(self.registry, self.adapter.venue, endpoint)


def requests_by_outcome(
    registry: CollectorRegistry, venue: str, endpoint: Endpoint
) -> dict[str, int]:
    counts: dict[str, int] = {}
    for metric in registry.collect():
        if metric.name != "lyrad_venue_requests":
            continue
        for sample in metric.samples:
            labels = sample.labels
            if (
                sample.name.endswith("_total")
                and labels.get("venue") == venue
                and labels.get("endpoint") == endpoint.value
                and sample.value
            ):
                counts[labels["outcome"]] = int(sample.value)
    return counts


def sent_orders(registry: CollectorRegistry, venue: str) -> Callable[[], int]:
    """A counter of create requests that left (every outcome but a local refusal)."""

    def count() -> int:
        by_outcome = requests_by_outcome(registry, venue, Endpoint.CREATE_ORDER)
        return sum(n for outcome, n in by_outcome.items() if outcome != "refused_locally")

    return count
